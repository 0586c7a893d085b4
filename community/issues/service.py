"""Post issues, move them along the cycle, support and discuss them.

Every function that changes state writes an IssueEvent and an audit row in the same
transaction. `change_status` is the one way any area moves an issue; it leaves the commit to
the caller so a meeting, ballot or project can move its issue in its own transaction.
"""

from datetime import timedelta

from flask import abort
from sqlalchemy.exc import IntegrityError

from .. import clock
from ..access import belongs_to, has_role
from ..audit.service import record
from ..errors.domain import DomainError
from ..extensions import db
from ..i18n import gettext as _
from ..notify.service import notify
from ..once import commit_once as _commit_once
from ..once import find_by_token
from ..residents.models import ROLE_LABELS
from ..web import site_path
from . import webhooks
from .models import REASON_MAX, Comment, Issue, IssueEvent, Support
from .states import FINISHED, STATUS_LABELS, TRANSITIONS, WITHDRAWABLE

# The same title and text from the same author within this time is one issue sent twice.
REPEAT_WINDOW = timedelta(minutes=30)


class IssueError(DomainError):
    """A rule of the cycle refused the action; the message is for the user."""


class InvalidTransition(IssueError):
    """The issue cannot go from its status to the one asked for."""


def issue_url(issue: Issue) -> str:
    """The issue page's path (also outside a request, e.g. from the demo seed or a CLI)."""
    return site_path("issues.show", issue_id=issue.id)


def short(title: str, n: int = 16) -> str:
    """A title cut to fit an SMS."""
    return title if len(title) <= n else title[: n - 1] + "…"


def can_read(user, issue: Issue) -> bool:
    """Residents of the issue's unit, role holders over it, its author and who typed it in."""
    uid = getattr(user, "id", None)
    return uid is not None and (uid in (issue.author_id, issue.submitted_by_id)
                                or belongs_to(user, issue.unit))


def get_issue_or_404(issue_id: int, user) -> Issue:
    """The issue, or 404; 403 unless the user may read it."""
    issue = db.get_or_404(Issue, issue_id)
    if not can_read(user, issue):
        abort(403)
    return issue


def can_take_part(user, issue: Issue) -> bool:
    """Support and comment: people of the unit, while the issue is still open."""
    return issue.status not in FINISHED and belongs_to(user, issue.unit)


def can_triage(user, issue: Issue) -> bool:
    """Workers of the issue's unit or a unit above it."""
    return has_role(user, "worker", issue.unit)


def post_issue(*, author, unit, title: str, body: str = "", urgent: bool = False,
               channel: str = "web", submitted_by=None, token: str | None = None,
               api_token=None) -> Issue:
    """Create an issue and commit; or return the one this token already created, or the same
    issue the same author posted a moment ago (Back and 提交 again on a slow phone: the form
    came back with a new token). api_token: the intake-API token it came through."""
    if existing := find_by_token(Issue, token) or _twin(author, unit, title, body):
        return existing
    issue = Issue(author=author, unit=unit, title=title, body=body or "", urgent=urgent,
                  channel=channel, submitted_by=submitted_by, submit_token=token,
                  api_token=api_token)
    db.session.add(issue)
    db.session.flush()
    actor = submitted_by or author
    db.session.add(IssueEvent(issue=issue, actor=actor, to_status="submitted",
                              note=str(issue.channel_label)))
    record("issue_posted", issue, actor=actor, unit_id=unit.id, channel=channel, urgent=urgent,
           author_id=getattr(author, "id", None))
    if submitted_by is not None and author is not None:
        notify(author, _("%(name)s已代您提交议题“%(title)s”", name=submitted_by.name,
                         title=short(title)), issue_url(issue))
    return _commit_once(Issue, issue, token)


def _twin(author, unit, title: str, body: str) -> Issue | None:
    if author is None:
        return None
    return db.session.scalar(db.select(Issue).where(
        Issue.author_id == author.id, Issue.unit_id == unit.id, Issue.title == title,
        Issue.body == (body or ""), Issue.created_at >= clock.now() - REPEAT_WINDOW)
        .order_by(Issue.id.desc()).limit(1))


def change_status(issue: Issue, to_status: str, actor=None, note: str = "") -> IssueEvent:
    """Move the issue to to_status, record why, tell the author. The caller commits."""
    if to_status not in TRANSITIONS[issue.status]:
        raise InvalidTransition(_("议题现在是“%(now)s”，不能改为“%(to)s”。",
                                  now=issue.status_label, to=STATUS_LABELS[to_status]))
    note, from_status = (note or "")[:REASON_MAX], issue.status
    issue.status = to_status
    event = IssueEvent(issue=issue, actor=actor, from_status=from_status, to_status=to_status,
                       note=note)
    db.session.add(event)
    record("issue_status", issue, actor=actor, unit_id=issue.unit_id, from_status=from_status,
           to_status=to_status, note=note)
    webhooks.enqueue(issue, event)  # the channel it came through hears of it (outbox)
    if issue.author is not None and getattr(actor, "id", None) != issue.author_id:
        text = _("您的议题“%(title)s”现为“%(status)s”", title=short(issue.title),
                 status=STATUS_LABELS[to_status])
        notify(issue.author, f"{text}：{note}" if note else text, issue_url(issue), sms=True)
    return event


def withdraw_issue(issue: Issue, author, reason: str = "") -> None:
    """The author takes the issue back."""
    if issue.author_id != author.id or issue.status not in WITHDRAWABLE:
        raise IssueError(_("这个议题现在不能撤回。"))
    change_status(issue, "withdrawn", author, reason)
    db.session.commit()


def support_issue(issue: Issue, resident) -> bool:
    """Add the resident's 附议; False when they had already supported it."""
    if issue.status in FINISHED:
        raise IssueError(_("这个议题已经结束，不能再附议。"))
    if issue.author_id == resident.id:
        raise IssueError(_("这是您自己提的议题。"))
    db.session.add(Support(issue_id=issue.id, resident_id=resident.id))
    try:
        db.session.commit()  # the unique constraint decides, also between parallel taps
    except IntegrityError:
        db.session.rollback()
        return False
    return True


def add_comment(issue: Issue, author, body: str, token: str | None = None) -> Comment:
    """Add a comment to the online deliberation (once per form token) and commit."""
    if existing := find_by_token(Comment, token):
        return existing
    comment = Comment(issue_id=issue.id, author=author, body=body, submit_token=token)
    db.session.add(comment)
    return _commit_once(Comment, comment, token)


def hide_comment(comment: Comment, worker, reason: str) -> None:
    """A worker hides a comment; the reason is shown in its place and the writer is told."""
    comment.hidden_at, comment.hidden_by_id = clock.now(), worker.id
    comment.hide_reason = reason
    issue = db.session.get(Issue, comment.issue_id)
    record("comment_hidden", comment, actor=worker, unit_id=issue.unit_id, reason=reason)
    notify(comment.author, _("您在“%(title)s”下的留言已被隐藏：%(reason)s",
                             title=short(issue.title, 12), reason=reason), issue_url(issue))
    db.session.commit()


def can_assist(user, resident) -> bool:
    """Volunteers and workers may post for residents of the buildings they serve."""
    return getattr(user, "id", None) != resident.id and any(
        has_role(user, ("volunteer", "worker"), m.household.building)
        for m in resident.memberships)


def helper_word(volunteer: bool) -> str:
    """How the resident is told who typed their issue in: 志愿者 or 社区工作人员."""
    if volunteer:
        return str(ROLE_LABELS["volunteer"])
    return _("社区工作人员")
