"""Inbound SMS: stored once per provider message id, then answered by the registered commands.

`receive()` stores a message (POST /api/v1/sms/inbound and `flask sms-receive`); a gateway's
retry of the same provider id stores nothing. `process()` handles one: it finds the phone's
resident, asks `handle()` for the answer and queues it in the outbox, in one commit.
`process_pending()` handles what the endpoint stored (run by `flask sms-deliver`, before it
sends), so the endpoint answers the gateway at once.

A command is a function `(message) -> str | None`, registered with `@command(order)`:
`handle()` tries them by order and the first that returns text answers (None: not mine).
`message.resident` is the resident whose phone sent it, or None. Orders: 退订 10, 恢复 11,
查询 30, 评论 40, the help line 900 (notify/commands.py); a vote by SMS fits between (20).
Only residents get answers, and only while they take SMS; a `Must` answer (the 退订
confirmation) goes to any phone.
"""

import logging
import re
import unicodedata
from collections.abc import Callable

from sqlalchemy.exc import IntegrityError

from .. import clock
from ..database import write_transaction
from ..extensions import db
from ..residents.models import Resident
from .models import SmsInbound
from .service import wants_sms
from .sms import Incoming, queue

log = logging.getLogger(__name__)
COMMANDS: list[tuple[int, Callable]] = []


class Must(str):
    """An answer sent even to a phone that has opted out (the 退订 confirmation)."""


class Private(Must):
    """An answer about a vote (a choice, a receipt): sent like a Must, never shown on staff
    pages, its text cleared once sent; the message it answers is cleared too."""


def command(order: int):
    """Register a command handler; orders are unique and decide who is asked first."""
    def register(fn):
        if any(o == order and f.__qualname__ != fn.__qualname__ for o, f in COMMANDS):
            raise ValueError(f"SMS command order {order} is taken")
        COMMANDS[:] = sorted([(o, f) for o, f in COMMANDS if f.__qualname__ != fn.__qualname__]
                             + [(order, fn)], key=lambda c: c[0])
        return fn
    return register


def plain(text: str) -> str:
    """Full-width letters, digits and spaces made plain (NFKC), spaces collapsed."""
    return re.sub(r"\s+", " ", unicodedata.normalize("NFKC", text or "")).strip()


def normal(text: str) -> str:
    """The text as commands compare it: plain and upper case."""
    return plain(text).upper()


def receive(backend: str, message: Incoming) -> tuple[SmsInbound, bool]:
    """Store the message and commit; (the row, True), or (the row stored before, False)."""
    write_transaction()  # on SQLite: read and insert under the write lock (cron, sms-receive)
    if existing := _stored(backend, message.provider_id):
        return existing, False
    row = SmsInbound(backend=backend, provider_id=message.provider_id, phone=message.phone,
                     text=message.text, received_at=message.received_at, status="new")
    db.session.add(row)
    try:
        db.session.commit()  # the unique constraint decides between parallel retries
    except IntegrityError:
        db.session.rollback()
        return _stored(backend, message.provider_id), False
    return row, True


def _stored(backend: str, provider_id: str) -> SmsInbound | None:
    return db.session.scalar(db.select(SmsInbound).where(
        SmsInbound.backend == backend, SmsInbound.provider_id == provider_id))


def handle(message: SmsInbound) -> str | None:
    """The first registered command's answer to the message (None: nobody's)."""
    for _order, fn in COMMANDS:
        answer = fn(message)
        if answer is not None:
            message.command = fn.__name__[:20]
            return answer
    return None


def process(message: SmsInbound) -> str | None:
    """Handle one stored message once: claim it, run the commands, queue the answer, commit.
    Returns the answer queued (None: none sent)."""
    write_transaction()  # the claim must not upgrade a read transaction (SQLite: "locked")
    claimed = db.session.execute(db.update(SmsInbound).where(
        SmsInbound.id == message.id, SmsInbound.status == "new")
        .values(status="handling")).rowcount
    db.session.commit()
    if not claimed:  # another worker has it
        return None
    write_transaction()  # the commands read, then write: all under the write lock
    db.session.refresh(message)
    message.resident = db.session.scalar(db.select(Resident).where(
        Resident.phone == message.phone))
    if message.resident is not None and not message.resident.is_active:
        message.resident = None
    try:
        answer = handle(message)
    except Exception as e:  # noqa: BLE001 - recorded on the row; the next message goes on
        db.session.rollback()
        log.exception("sms inbound %s failed", message.id)
        return _finish(message, "failed", error=f"{type(e).__name__}: {e}"[:200])
    sent = None
    if answer and (isinstance(answer, Must) or (message.resident is not None
                                                and wants_sms(message.resident))):
        sent = queue(message.phone, answer, getattr(message.resident, "id", None),
                     must=isinstance(answer, Must), private=isinstance(answer, Private))
    if sent is not None:
        db.session.flush()
        message.reply_id = sent.id
    if isinstance(answer, Private):
        message.private, message.text = True, ""  # "1 4821" says how the voter voted
    _finish(message, "done")
    return answer if sent is not None else None


def _finish(message: SmsInbound, status: str, error: str | None = None) -> None:
    message.status, message.handled_at, message.error = status, clock.now(), error
    db.session.commit()


def process_pending(limit: int = 500) -> int:
    """Handle the stored messages not yet handled, oldest first; returns how many."""
    pending = db.session.scalars(db.select(SmsInbound).where(SmsInbound.status == "new")
                                 .order_by(SmsInbound.id).limit(limit)).all()
    for message in pending:
        process(message)
    return len(pending)
