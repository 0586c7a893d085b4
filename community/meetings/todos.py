""""会议" in my to-dos: the next meetings of my units, and outcomes waiting for me."""

from datetime import timedelta

from flask import url_for
from flask_babel import format_datetime

from .. import clock
from ..home.todos import TodoItem, TodoSection, provider
from ..i18n import gettext as _
from .common import meeting_url
from .review import outcomes_for
from .service import meetings_for

AHEAD = timedelta(days=31)


@provider(order=45)
def meetings_section(resident) -> TodoSection:
    """Upcoming meetings within a month; for staff, outcomes to review or move on."""
    soon = clock.now() + AHEAD
    fmt = _("M月d日 EEEE HH:mm")
    items = [TodoItem(f"{m.title}（{m.body.name}）", meeting_url(m),
                      format_datetime(m.starts_at, fmt) + " · " + m.place)
             for m in meetings_for(resident, True, limit=5) if m.starts_at <= soon]
    for o in outcomes_for(resident, ("pending",), ("party_reviewer",))[:5]:
        items.append(TodoItem(_("待审核的协商成果：%(title)s", title=o.item.title),
                              url_for("meetings.outcome", outcome_id=o.id)))
    for o in outcomes_for(resident, ("approved", "returned"), ("worker",))[:5]:
        items.append(TodoItem(_("协商成果%(status)s：%(title)s", status=o.status_label,
                                title=o.item.title),
                              url_for("meetings.outcome", outcome_id=o.id)))
    return TodoSection(_("会议"), _("最近一个月没有会议。"), items)
