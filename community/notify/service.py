"""Tell residents about changes: a notice in their to-dos, and an SMS if they have a phone."""


from .. import clock
from ..audit.service import record
from ..extensions import db
from ..residents.models import Membership
from ..units.models import Household, Unit
from .models import Notice, SmsInbound, SmsMessage, SmsOptOut
from .sms import cancel_queued, clip, phone_opted_out, queue

SMS_PER_PAGE = 30
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


def stop_sms(phone: str, resident=None) -> None:
    """退订 by SMS: the resident's SMS switch goes off (a phone outside the roster goes on the
    opt-out list) and what still waits in the outbox for the phone is not sent. The caller
    commits."""
    if resident is not None:
        resident.sms_opt_out = True
        record("sms_opt_out_set", resident, actor=resident, sms_opt_out=True, channel="sms")
    elif not phone_opted_out(phone):
        row = SmsOptOut(phone=phone)
        db.session.add(row)
        db.session.flush()
        record("sms_opt_out_set", row, sms_opt_out=True, channel="sms")
    cancel_queued(phone)


def resume_sms(phone: str, resident=None) -> None:
    """恢复 by SMS: undo `stop_sms`. The caller commits."""
    if resident is not None and resident.sms_opt_out:
        resident.sms_opt_out = False
        record("sms_opt_out_set", resident, actor=resident, sms_opt_out=False, channel="sms")
    row = db.session.scalar(db.select(SmsOptOut).where(SmsOptOut.phone == phone))
    if row is not None:
        record("sms_opt_out_set", row, sms_opt_out=False, channel="sms")
        db.session.delete(row)


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


def mask(phone: str | None) -> str:
    """A phone number as staff see it: 138****0001."""
    phone = phone or ""
    return phone[:3] + "****" + phone[-4:] if len(phone) >= 8 else "****"


def sms_page(box: str, units, page: int, per_page: int = SMS_PER_PAGE):
    """One page of the outbox ("out") or inbox ("in") of residents living in the units or
    below, newest first, and whether there are more. Messages of phones outside the roster
    are shown to nobody (they belong to no unit)."""
    model = SmsMessage if box == "out" else SmsInbound
    living = (db.select(Membership.resident_id).join(Membership.household)
              .join(Household.building)
              .where(db.or_(*[Unit.path.startswith(u.path) for u in units])))
    rows = list(db.session.scalars(
        db.select(model).where(model.resident_id.in_(living))
        .order_by(model.created_at.desc(), model.id.desc())
        .offset((page - 1) * per_page).limit(per_page + 1)))
    return rows[:per_page], len(rows) > per_page
