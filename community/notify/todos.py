""""消息" in my to-dos: the unread notices, else the latest few."""

from flask import url_for
from flask_babel import format_datetime

from ..home.todos import TodoItem, TodoSection, provider
from ..i18n import gettext as _
from .service import home_notices


@provider(order=90)
def notices_section(resident) -> TodoSection:
    """The "消息" section of my to-dos: the unread notices, else the latest few, and a link
    to all of them (a resident with years of notices still gets a short home page)."""
    notices = home_notices(resident)
    fmt = _("M月d日 HH:mm")
    items = [TodoItem(n.text, n.url or "/", format_datetime(n.created_at, fmt)) for n in notices]
    unread = bool(notices) and notices[0].read_at is None
    return TodoSection(_("消息"), _("暂时没有新消息。"), items,
                       more=TodoItem(_("全部消息"), url_for("notify.index")) if items else None,
                       done=(url_for("notify.read"), _("知道了，标为已读")) if unread else None)
