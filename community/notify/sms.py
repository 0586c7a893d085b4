"""SMS: an outbox in the database and pluggable gateways.

`queue()` adds a message to the caller's transaction, with the 【议事厅】 signature and not
before 8:00 Beijing time (nothing is sent 21:00–8:00). `deliver_due()` (the `flask
sms-deliver` command, run by cron every minute) hands each due message to the gateway once:
the row is claimed (queued → sending) and committed before the gateway is called, so a crash
or a second worker can never send it twice; a gateway error puts it back with a delay, and
after MAX_ATTEMPTS it is marked failed.

SMS_BACKEND names a class "module:Class" with `name` and `send(phone, text)`.
"""

import importlib
import logging
from datetime import timedelta

from flask import current_app

from .. import clock
from ..extensions import db
from .models import SmsMessage

log = logging.getLogger(__name__)
MAX_LENGTH = 70  # one SMS segment of Chinese text (UCS-2)
SIGNATURE = "【议事厅】"  # i18n: data (the signature registered with the carrier)
MAX_ATTEMPTS = 5


class DatabaseBackend:
    """Default: the outbox row is the record and the log says so; nothing leaves the machine."""

    name = "database"

    def send(self, phone: str, text: str) -> None:
        log.info("sms to %s****: %s", phone[:3], text)


def backend():
    """The configured gateway instance."""
    module, _, cls = current_app.config["SMS_BACKEND"].partition(":")
    return getattr(importlib.import_module(module), cls)()


def clip(text: str, length: int = MAX_LENGTH) -> str:
    """Shorten text to length characters (one SMS), marking the cut."""
    return text if len(text) <= length else text[: length - 1] + "…"


def queue(phone: str, text: str, resident_id: int | None = None) -> SmsMessage:
    """Put a signed message in the outbox (the caller commits); at night it waits for 8:00."""
    message = SmsMessage(phone=phone, text=SIGNATURE + clip(text, MAX_LENGTH - len(SIGNATURE)),
                         backend=backend().name, resident_id=resident_id, status="queued",
                         send_after=clock.next_daytime(clock.now()))
    db.session.add(message)
    return message


def deliver_due(limit: int = 500) -> tuple[int, int]:
    """Send the messages that are due; returns (sent, failed or postponed)."""
    gateway = backend()
    ids = db.session.scalars(db.select(SmsMessage.id).where(
        SmsMessage.status == "queued", SmsMessage.send_after <= clock.now())
        .order_by(SmsMessage.send_after, SmsMessage.id).limit(limit)).all()
    sent = trouble = 0
    for message_id in ids:
        claimed = db.session.execute(db.update(SmsMessage).where(
            SmsMessage.id == message_id, SmsMessage.status == "queued")
            .values(status="sending", attempts=SmsMessage.attempts + 1)).rowcount
        db.session.commit()
        if not claimed:  # another worker took it
            continue
        message = db.session.get(SmsMessage, message_id)
        try:
            gateway.send(message.phone, message.text)
        except Exception as e:  # noqa: BLE001 - any gateway failure is retried later
            _postpone(message, e)
            trouble += 1
        else:
            message.status, message.sent_at = "sent", clock.now()
            sent += 1
        db.session.commit()
    return sent, trouble


def _postpone(message: SmsMessage, error: Exception) -> None:
    """Back to the queue after 2, 4, 8, 16 minutes; failed after MAX_ATTEMPTS tries."""
    message.error = f"{type(error).__name__}: {error}"[:200]
    log.warning("sms %s to %s**** failed (try %d): %s", message.id, message.phone[:3],
                message.attempts, message.error)
    if message.attempts >= MAX_ATTEMPTS:
        message.status = "failed"
    else:
        message.status = "queued"
        message.send_after = clock.next_daytime(
            clock.now() + timedelta(minutes=2 ** message.attempts))
