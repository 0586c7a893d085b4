"""Minutes per agenda item, their outcome, the Party organisation's review, the next step."""

from flask import abort
from sqlalchemy import or_

from .. import clock
from ..access import has_role, residents_in, role_units
from ..audit.service import record
from ..extensions import db
from ..i18n import gettext as _
from ..notify.service import notify, notify_many
from ..residents.models import Resident, RoleAssignment
from ..units.models import Unit
from .access import STAFF, has_started
from .common import InvalidTransition, meeting_url, move_issue
from .models import AgendaItem, Body, Meeting, Outcome, Review
from .seats import OUTCOME_STATUS_LABELS
from .service import MeetingError

OPEN = ("pending", "returned")


def get_outcome_or_404(outcome_id: int, user) -> Outcome:
    """An outcome the user may see as staff of its unit, else 404/403."""
    outcome = db.get_or_404(Outcome, outcome_id)
    if not has_role(user, STAFF, outcome.item.meeting.body.unit):
        abort(403)
    return outcome


def _move(issue, to_status: str, actor, note: str, field: str) -> None:
    """Move the linked issue; a move the cycle refuses becomes a message beside `field`."""
    try:
        move_issue(issue, to_status, actor, note)
    except InvalidTransition as e:
        db.session.rollback()
        raise MeetingError(str(e), field) from e


def save_minutes(item: AgendaItem, actor, summary: str, dissent: str, kind: str, text: str,
                 options: str) -> None:
    """Record what was said, the dissent, and the outcome (sent to the Party organisation)."""
    if not has_started(item.meeting):
        raise MeetingError(_("会议还没开始，开过会再记录纪要"), "summary")
    item.summary, item.dissent, item.minuted_at = summary, dissent or None, clock.now()
    outcome = item.outcome
    if kind == "none" and outcome is not None:
        raise MeetingError(_("已经提交的成果不能撤掉，可以修改后重新提交"), "outcome_kind")
    if kind != "none":
        if outcome is not None and outcome.status not in OPEN:
            raise MeetingError(_("成果已经审核通过，不能再改"), "outcome_kind")
        outcome = outcome or Outcome(item=item)
        outcome.kind, outcome.text, outcome.status = kind, text, "pending"
        outcome.options = "\n".join(x.strip() for x in options.splitlines() if x.strip()) \
            if kind == "alternatives" else ""
        outcome.updated_at = clock.now()
        db.session.add(outcome)
        _move(item.issue, "outcome_review", actor, _("协商成果报党组织审核：%(text)s",
                                                     text=text[:80]), "outcome_kind")
        _tell_reviewers(item.meeting)
    record("minutes_saved", item, actor=actor, unit_id=item.meeting.body.unit_id,
           meeting_id=item.meeting_id, outcome=kind)
    db.session.commit()


def _tell_reviewers(meeting: Meeting) -> None:
    """Let the Party reviewers over the body's unit know an outcome waits for them."""
    ids = meeting.body.unit.ancestor_ids()
    reviewers = db.session.scalars(db.select(RoleAssignment).where(
        RoleAssignment.role == "party_reviewer", RoleAssignment.unit_id.in_(ids)))
    notify_many([r.resident for r in reviewers],
                _("有协商成果待审核：%(title)s", title=meeting.title), meeting_url(meeting))


def publish_minutes(meeting: Meeting, actor) -> int:
    """Show the minutes to residents and tell them; outcomes appear once approved."""
    if not any(i.minuted_at for i in meeting.items):
        raise MeetingError(_("还没有记录任何纪要，不能公布"))
    first = meeting.minutes_published_at is None
    meeting.minutes_published_at = clock.now()
    record("minutes_published", meeting, actor=actor, unit_id=meeting.body.unit_id)
    told = 0
    if first:
        people = db.session.scalars(residents_in(meeting.body.unit))
        told = notify_many(people, _("会议纪要已公布：%(title)s", title=meeting.title),
                           meeting_url(meeting))
    db.session.commit()
    return told


def review(outcome: Outcome, reviewer, decision: str, note: str) -> None:
    """The Party organisation approves the outcome, or returns it with what to change."""
    if outcome.status != "pending":
        raise MeetingError(_("这项成果已经审核过了"), "decision")
    meeting = outcome.item.meeting
    outcome.reviews.append(Review(reviewer_id=reviewer.id, decision=decision, note=note,
                                  at=clock.now()))
    if decision == "approve":
        outcome.status = "approved"
    else:
        outcome.status = "returned"
        _move(outcome.item.issue, "deliberating", reviewer,
              _("党组织退回协商成果：%(note)s", note=note), "decision")
    record("outcome_reviewed", outcome, actor=reviewer, unit_id=meeting.body.unit_id,
           decision=decision, note=note)
    if meeting.created_by_id and meeting.created_by_id != reviewer.id:
        worker = db.session.get(Resident, meeting.created_by_id)
        notify(worker, _("协商成果%(status)s：%(title)s", status=outcome.status_label,
                         title=outcome.item.title), meeting_url(meeting))
    db.session.commit()


def direct_allowed(outcome: Outcome) -> bool:
    """Only a 微事 with one agreed solution may be decided by the committee itself."""
    issue = outcome.item.issue
    return outcome.kind == "agreed" and issue is not None and issue.category == "micro"


def choose_next(outcome: Outcome, step: str, actor) -> None:
    """After approval: an online ballot, an assembly decision, or direct implementation."""
    if outcome.status != "approved":
        raise MeetingError(_("只有党组织审核通过的成果才能定下一步"), "step")
    if step == "direct" and not direct_allowed(outcome):
        raise MeetingError(_("只有微事、并且形成一致意见的，才能由议事会直接决定办理"), "step")
    approval = outcome.reviews[-1]
    note = _("党组织审核通过（%(name)s）；下一步：%(step)s", name=approval.reviewer.name,
             step=OUTCOME_STATUS_LABELS[step])
    issue = outcome.item.issue
    _move(issue, "deciding", actor, note, "step")
    if step == "direct":
        _move(issue, "implementing", actor, _("微事由议事会直接决定，开始办理"), "step")
    outcome.status = step
    record("outcome_next_step", outcome, actor=actor,
           unit_id=outcome.item.meeting.body.unit_id, step=step)
    db.session.commit()


def outcomes_for(user, statuses: tuple[str, ...], roles: tuple[str, ...]) -> list[Outcome]:
    """Outcomes in these states in the units where the user holds one of the roles."""
    conds = [Unit.path.startswith(u.path) for u in role_units(user, *roles)]
    if not conds:
        return []
    return list(db.session.scalars(
        db.select(Outcome).join(Outcome.item).join(AgendaItem.meeting).join(Meeting.body)
        .join(Body.unit).where(or_(*conds), Outcome.status.in_(statuses))
        .order_by(Outcome.updated_at, Outcome.id).limit(50)))
