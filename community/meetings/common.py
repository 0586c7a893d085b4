"""Glue to the issue cycle, one-time form tokens, times in local words, meeting links."""

from flask import url_for
from flask_babel import format_datetime

from ..i18n import gettext as _
from ..issues.service import InvalidTransition, change_status
from ..once import commit_once, find_by_token  # noqa: F401 - used by meetings services
from ..web import site_path

__all__ = ["InvalidTransition", "commit_once", "find_by_token", "meeting_url",
           "move_issue", "when"]


def move_issue(issue, to_status: str, actor, note: str) -> bool:
    """Move a linked issue along the cycle (timeline, audit, author's notice); caller commits."""
    if issue is None or issue.status == to_status:
        return False
    change_status(issue, to_status, actor, note)
    return True


def when(meeting) -> str:
    """"3月15日（星期日）19:30–21:00" in local time."""
    start = format_datetime(meeting.starts_at, _("M月d日（EEEE）HH:mm"))
    return f"{start}–{format_datetime(meeting.ends_at, 'HH:mm')}"


def meeting_url(meeting, external: bool = False) -> str:
    """The agenda page's address (also outside a request, e.g. from the demo seed)."""
    if external:
        return url_for("meetings.show", meeting_id=meeting.id, _external=True)
    return site_path("meetings.show", meeting_id=meeting.id)
