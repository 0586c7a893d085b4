"""Tell residents about changes: a notice in their to-dos, and an SMS if they have a phone."""

from flask_babel import format_datetime

from ..extensions import db
from ..home.todos import TodoItem, TodoSection, provider
from .models import Notice
from .sms import backend, clip

RECENT = 10


def notify(resident, text: str, url: str | None = None, sms: bool = False) -> Notice:
    """Add a notice for the resident (in the caller's transaction); optionally send an SMS
    (never to a resident who opted out of SMS: the notice is still added)."""
    text = clip(text)
    notice = Notice(resident_id=resident.id, text=text, url=url)
    db.session.add(notice)
    if sms and resident.phone and not resident.sms_opt_out:
        backend().send(resident.phone, text)
    return notice


def notify_many(residents, text: str, url: str | None = None, sms: bool = False) -> int:
    """Notify each resident once; returns how many were told."""
    seen = set()
    for r in residents:
        if r.id not in seen:
            seen.add(r.id)
            notify(r, text, url, sms)
    return len(seen)


def recent_notices(resident, limit: int = RECENT) -> list[Notice]:
    """The resident's newest notices."""
    return list(db.session.scalars(
        db.select(Notice).where(Notice.resident_id == resident.id)
        .order_by(Notice.created_at.desc(), Notice.id.desc()).limit(limit)))


@provider(order=90)
def notices_section(resident) -> TodoSection:
    """The "消息" section of my to-dos."""
    items = [TodoItem(n.text, n.url or "/", format_datetime(n.created_at, "M月d日 HH:mm"))
             for n in recent_notices(resident)]
    return TodoSection("消息", "暂时没有新消息。", items)
