"""Schedule meetings (also as a weekly or monthly series), keep their agenda, list them."""

import calendar
import secrets
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from flask import abort
from sqlalchemy import false, or_
from sqlalchemy.orm import contains_eager

from .. import clock
from ..access import home_unit_ids, residents_in, role_units
from ..audit.service import record
from ..errors.domain import DomainError
from ..extensions import db
from ..i18n import gettext as _
from ..issues.models import Issue
from ..notify.service import notify_many
from ..units.models import Unit
from .access import can_manage, can_read, has_started
from .common import commit_once, find_by_token, meeting_url, move_issue, when
from .models import AgendaItem, Body, Meeting
from .seats import REPEAT_LABELS

PAGE = 20
LINKABLE = ("triaged", "deliberating")


class MeetingError(DomainError):
    """A rule refused the change; the message is for the user, beside `field`."""


@dataclass
class Plan:
    """What a worker fills in for a meeting."""
    title: str
    kind: str
    starts_at: datetime
    ends_at: datetime
    place: str
    mode: str
    agenda: list[str] = field(default_factory=list)
    issues: list[Issue] = field(default_factory=list)
    repeat: str = ""
    count: int = 1


# How far back a meeting that already took place may be entered with its minutes.
RECORD_AFTER = timedelta(days=30)


def get_meeting_or_404(meeting_id: int, user, manage: bool = False) -> Meeting:
    """Load a meeting the user may read (or manage), else 404/403."""
    meeting = db.get_or_404(Meeting, meeting_id)
    allowed = can_manage if manage else can_read
    if not allowed(user, meeting.body if manage else meeting):
        abort(403)
    return meeting


def get_body_or_404(body_id: int, user) -> Body:
    """Load a body the user manages, else 404/403."""
    body = db.get_or_404(Body, body_id)
    if not can_manage(user, body):
        abort(403)
    return body


def get_item_or_404(meeting: Meeting, item_id: int) -> AgendaItem:
    """The meeting's agenda item, or 404."""
    item = next((i for i in meeting.items if i.id == item_id), None)
    if item is None:
        abort(404)
    return item


def new_code() -> str:
    """A fresh 4-digit check-in code."""
    return f"{secrets.randbelow(10000):04d}"


def occurrences(start: datetime, end: datetime, repeat: str, count: int):
    """The (start, end) of each meeting of a weekly or monthly series."""
    for i in range(count if repeat else 1):
        if repeat == "weekly":
            yield start + timedelta(weeks=i), end + timedelta(weeks=i)
        else:
            shift = _add_months(start, i) - start
            yield start + shift, end + shift


def _add_months(dt: datetime, n: int) -> datetime:
    """The same day n months later, or the month's last day when it is shorter."""
    y, m = divmod(dt.month - 1 + n, 12)
    year, month = dt.year + y, m + 1
    return dt.replace(year=year, month=month, day=min(dt.day, calendar.monthrange(year, month)[1]))


def schedule(body: Body, plan: Plan, actor, token: str | None) -> Meeting:
    """Create the meeting (or its series) with its agenda, link issues, notify residents."""
    if existing := find_by_token(Meeting, f"{token}:0" if token else None):
        return existing
    now = clock.now()
    held = plan.starts_at <= now  # entered afterwards: an impromptu 围楼夜话 the same evening
    if held and plan.repeat and plan.count > 1:
        raise MeetingError(_("已经开过的会议只能一次录入一场，不能设重复"), "repeat")
    if held and plan.starts_at < now - RECORD_AFTER:
        raise MeetingError(_("只能补录%(days)d天内开过的会议", days=RECORD_AFTER.days), "date")
    series = secrets.token_hex(8) if plan.repeat and plan.count > 1 else None
    meetings = []
    for i, (start, end) in enumerate(occurrences(plan.starts_at, plan.ends_at, plan.repeat,
                                                 plan.count)):
        m = Meeting(body=body, title=plan.title, kind=plan.kind, starts_at=start, ends_at=end,
                    place=plan.place, mode=plan.mode, code=new_code(), series=series,
                    created_by_id=actor.id, submit_token=f"{token}:{i}" if token else None)
        m.items = [AgendaItem(position=n, title=t) for n, t in enumerate(plan.agenda, 1)]
        db.session.add(m)
        meetings.append(m)
    first = meetings[0]
    for issue in plan.issues:  # an issue is deliberated once: only at the first meeting
        _link(first, issue, actor, issue.title[:60], "")
    db.session.flush()
    record("meeting_recorded" if held else "meeting_scheduled", first, actor=actor,
           unit_id=body.unit_id, title=plan.title, starts_at=plan.starts_at,
           count=len(meetings), series=series)
    if not held:  # nobody is invited to a meeting that has already begun
        announce(first, _("会议通知"), len(meetings), plan.repeat)
    return commit_once(Meeting, first, f"{token}:0" if token else None)


def announce(meeting: Meeting, headline: str, count: int = 1, repeat: str = "") -> int:
    """Tell the residents of the unit and the body's members about the meeting; the members
    and those whose issue is on the agenda by SMS too (the rest read it in their to-dos)."""
    concerned = {p.resident.id: p.resident for p in meeting.body.members
                 if p.resident is not None}
    concerned |= {i.issue.author.id: i.issue.author for i in meeting.items
                  if i.issue is not None and i.issue.author is not None}
    others = [r for r in db.session.scalars(residents_in(meeting.body.unit))
              if r.id not in concerned]
    text = f"{headline}：{when(meeting)}，{meeting.place}，{meeting.title}"
    if count > 1:
        text = _("%(headline)s（%(repeat)s，共%(count)s次）：%(when)s，%(title)s",
                 headline=headline, repeat=REPEAT_LABELS[repeat], count=count,
                 when=when(meeting), title=meeting.title)
    return (notify_many(concerned.values(), text, meeting_url(meeting), sms=True)
            + notify_many(others, text, meeting_url(meeting)))


def update(meeting: Meeting, plan: Plan, actor) -> None:
    """Change a meeting that has not started; residents are told when time or place moved."""
    if has_started(meeting):
        raise MeetingError(_("会议已经开始或开过了，只能记录纪要"))
    if plan.starts_at <= clock.now():
        raise MeetingError(_("会议时间已经过了，请改成以后的时间"), "date")
    moved = (meeting.starts_at, meeting.ends_at, meeting.place) != (
        plan.starts_at, plan.ends_at, plan.place)
    changes = {}
    for name in ("title", "kind", "starts_at", "ends_at", "place", "mode"):
        if getattr(meeting, name) != getattr(plan, name):
            changes[name] = [getattr(meeting, name), getattr(plan, name)]
            setattr(meeting, name, getattr(plan, name))
    record("meeting_updated", meeting, actor=actor, unit_id=meeting.body.unit_id, **changes)
    if moved:
        announce(meeting, _("会议时间或地点有变"))
    db.session.commit()


def _link(meeting: Meeting, issue: Issue | None, actor, title: str, note: str) -> AgendaItem:
    """Append an item to the agenda; a linked issue moves to 协商中 with this meeting named."""
    position = max((i.position for i in meeting.items), default=0) + 1
    item = AgendaItem(position=position, title=title, note=note, issue=issue)
    meeting.items.append(item)
    if issue is not None:
        move_issue(issue, "deliberating", actor, _("列入%(body)s会议议程：%(when)s，%(place)s",
                                                   body=meeting.body.name, when=when(meeting),
                                                   place=meeting.place))
    return item


def add_item(meeting: Meeting, title: str, note: str, issue: Issue | None, actor,
             token: str | None) -> AgendaItem:
    """Add one agenda item (once per form token)."""
    if existing := find_by_token(AgendaItem, token):
        return existing
    if has_started(meeting):
        raise MeetingError(_("会议已经开始或开过了，不能再改议程"), "title")
    item = _link(meeting, issue, actor, title, note)
    item.submit_token = token
    db.session.flush()
    record("agenda_item_added", item, actor=actor, unit_id=meeting.body.unit_id,
           meeting_id=meeting.id, title=title, issue_id=getattr(issue, "id", None))
    return commit_once(AgendaItem, item, token)


def move_up(meeting: Meeting, item: AgendaItem, actor) -> None:
    """Swap the item with the one before it."""
    if has_started(meeting):
        raise MeetingError(_("会议已经开始或开过了，不能再改议程"))
    before = [i for i in meeting.items if i.position < item.position]
    if not before:
        return
    other = before[-1]
    mine, theirs = item.position, other.position
    # Positions are unique per meeting, so park one item while the two swap.
    item.position = -1
    db.session.flush()
    other.position = mine
    db.session.flush()
    item.position = theirs
    record("agenda_item_moved", item, actor=actor, unit_id=meeting.body.unit_id,
           meeting_id=meeting.id, position=item.position)
    db.session.commit()


def remove_item(meeting: Meeting, item: AgendaItem, actor) -> None:
    """Take an item off the agenda; the agenda never becomes empty."""
    if has_started(meeting):
        raise MeetingError(_("会议已经开始或开过了，不能再改议程"))
    if len(meeting.items) <= 1:
        raise MeetingError(_("议程至少要留一项"))
    record("agenda_item_removed", item, actor=actor, unit_id=meeting.body.unit_id,
           meeting_id=meeting.id, title=item.title, issue_id=item.issue_id)
    meeting.items.remove(item)
    db.session.commit()


def linkable_issues(body: Body) -> list[Issue]:
    """Triaged or deliberating issues of the body's unit and below, urgent first."""
    return list(db.session.scalars(
        db.select(Issue).join(Issue.unit).where(Unit.path.startswith(body.unit.path))
        .where(Issue.status.in_(LINKABLE))
        .order_by(Issue.urgent.desc(), Issue.created_at).limit(50)))


def _visible(user):
    """Meetings of bodies in the units the user lives in, or holds a role over."""
    ids = home_unit_ids(user)
    conds = [Body.unit_id.in_(ids)] if ids else []
    conds += [Unit.path.startswith(u.path) for u in role_units(
        user, "worker", "party_reviewer", "supervisor", "volunteer")]
    return or_(*conds) if conds else false()


def meetings_for(user, upcoming: bool, page: int = 1, limit: int = PAGE) -> list[Meeting]:
    """Upcoming meetings soonest first, or past meetings newest first, a page at a time."""
    now = clock.now()
    stmt = (db.select(Meeting).join(Meeting.body).join(Body.unit).where(_visible(user))
            .options(contains_eager(Meeting.body).contains_eager(Body.unit)))
    if upcoming:
        stmt = stmt.where(Meeting.ends_at > now).order_by(Meeting.starts_at, Meeting.id)
    else:
        stmt = stmt.where(Meeting.ends_at <= now).order_by(Meeting.starts_at.desc(), Meeting.id)
    return list(db.session.scalars(stmt.offset((page - 1) * limit).limit(limit + 1)))


def meetings_of_issue(issue: Issue) -> list[Meeting]:
    """The meetings whose agenda has this issue (for the issue's page)."""
    return list(db.session.scalars(
        db.select(Meeting).join(AgendaItem).where(AgendaItem.issue_id == issue.id)
        .order_by(Meeting.starts_at)))
