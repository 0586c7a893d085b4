"""Tell residents about changes: a notice in their to-dos, and an SMS if they have a phone."""


from .. import clock
from ..extensions import db
from .models import Notice
from .sms import clip, queue

UNREAD_SHOWN = 5  # on the home page
RECENT_SHOWN = 3  # on the home page when everything has been read
PER_PAGE = 20


def notify(resident, text: str, url: str | None = None, sms: bool = False) -> Notice:
    """Add a notice for the resident (in the caller's transaction); with sms=True also queue
    an SMS, for a resident with a phone who has not opted out (the notice is added anyway)."""
    text = clip(text)
    notice = Notice(resident_id=resident.id, text=text, url=url)
    db.session.add(notice)
    if sms and wants_sms(resident):
        queue(resident.phone, text, resident.id)
    return notice


def notify_many(residents, text: str, url: str | None = None, sms: bool = False) -> int:
    """Notify each resident once, in two bulk inserts (a ballot's electorate may be a whole
    community); returns how many were told."""
    people = list({r.id: r for r in residents if r.is_active}.values())
    text = clip(text)
    if people:
        db.session.execute(db.insert(Notice), [
            {"resident_id": r.id, "text": text, "url": url, "created_at": clock.now()}
            for r in people])
    if sms:
        for r in people:
            if wants_sms(r):
                queue(r.phone, text, r.id)
    return len(people)


def wants_sms(resident) -> bool:
    """A living resident with a phone who has not opted out of SMS."""
    return bool(resident.phone) and not resident.sms_opt_out and resident.is_active


def home_notices(resident) -> list[Notice]:
    """For the home page: the newest unread notices, else the latest few read ones, in one
    query (unread ones sort first)."""
    rows = db.session.scalars(
        db.select(Notice).where(Notice.resident_id == resident.id)
        .order_by(Notice.read_at.is_(None).desc(), Notice.created_at.desc(), Notice.id.desc())
        .limit(max(UNREAD_SHOWN, RECENT_SHOWN))).all()
    return [n for n in rows if n.read_at is None] or rows[:RECENT_SHOWN]


def notices_page(resident, page: int, per_page: int = PER_PAGE) -> tuple[list[Notice], bool]:
    """One page of the resident's notices, newest first, and whether there are more."""
    rows = list(db.session.scalars(
        db.select(Notice).where(Notice.resident_id == resident.id)
        .order_by(Notice.created_at.desc(), Notice.id.desc())
        .offset((page - 1) * per_page).limit(per_page + 1)))
    return rows[:per_page], len(rows) > per_page


def mark_all_read(resident) -> int:
    """The resident has seen their notices (no audit row: reading changes nothing anyone
    decided)."""
    done = db.session.execute(
        db.update(Notice).where(Notice.resident_id == resident.id, Notice.read_at.is_(None))
        .values(read_at=clock.now())).rowcount
    db.session.commit()
    return done
