"""Where a ballot comes from and what it moves on: a meeting outcome and its issue."""

from flask import abort

from ..access import has_role
from ..extensions import db
from ..i18n import gettext as _
from ..issues.models import Issue
from ..issues.service import change_status
from ..meetings.models import Outcome
from .labels import OUTCOME_LABELS

# What the issue becomes when its ballot is decided.
NEXT_STATUS = {"passed": "implementing", "failed": "closed", "no_quorum": "deliberating"}


def outcome_for_ballot(outcome_id: int, user):
    """The approved outcome a worker turns into a ballot, or 404/403."""
    outcome = db.get_or_404(Outcome, outcome_id)
    if outcome.status != "ballot":
        abort(404)
    if not has_role(user, "worker", outcome.item.meeting.body.unit):
        abort(403)
    return outcome


def prefill(form, outcome) -> None:
    """Fill an empty ballot form from the outcome: title, options, the issue's unit."""
    item = outcome.item
    form.title.data = form.title.data or (item.issue.title if item.issue else item.title)
    if outcome.option_list:
        form.options.data = "\n".join(outcome.option_list + ["弃权"])  # i18n: data
    if item.issue and any(c.value == item.issue.unit_id for c in form.unit_id.choices):
        form.unit_id.data = form.unit_id.data or item.issue.unit_id


def issue_id_of(outcome) -> int | None:
    """The issue the outcome's agenda item is about."""
    return outcome.item.issue_id if outcome else None


def move_issue(ballot, outcome: str, actor) -> None:
    """Move the ballot's issue on once the verdict is known (the caller commits)."""
    if ballot.issue_id is None:
        return
    issue = db.session.get(Issue, ballot.issue_id)
    if issue is None or issue.status != "deciding":
        return
    change_status(issue, NEXT_STATUS[outcome], actor,
                  _("表决结果：%(title)s——%(word)s", title=ballot.title,
                    word=OUTCOME_LABELS[outcome]))
