"""SMS: an outbox in the database and pluggable gateways.

`queue()` adds a message to the caller's transaction, with the 【议事厅】 signature and not
before 8:00 Beijing time (nothing is sent 21:00–8:00). `deliver_due()` (the `flask
sms-deliver` command, run by cron every minute) hands each due message to the gateway once:
the row is claimed (queued → sending) and committed before the gateway is called, so a crash
or a second worker can never send it twice; a gateway error puts it back with a delay, and
after MAX_ATTEMPTS it is marked failed. A phone gets at most SMS_DAILY_CAP messages a Beijing
day: the rest wait for the next day's 8:00 (held, never dropped: a vote receipt must arrive).

Opt-out: a resident's `sms_opt_out` (我的, or 退订 by SMS) is honoured by `notify`; a phone
outside the roster that sent 退订 is in `SmsOptOut`, honoured here. `must=True` marks a
message the resident must receive by law: it goes out despite 退订 and the daily cap, but
never at night. Today only the confirmation of 退订/恢复 itself is `must` (the carrier rules
ask for it); the next candidate is an owners' meeting notice (物业管理条例 第十四条: 15 days
ahead), for the ballots area to mark.

SMS_BACKEND names a class "module:Class" with `name` and `send(phone, text)`; a `Gateway`
subclass also takes messages in: `authentic(request, secret)`, `parse_inbound(request)` and
`inbound_answer(stored)` (api/sms.py).
"""

import hashlib
import hmac
import importlib
import logging
import re
import time as _time
from datetime import UTC, datetime, time, timedelta
from typing import NamedTuple

from flask import current_app, jsonify

from .. import clock
from ..extensions import db
from .models import SmsMessage, SmsOptOut

log = logging.getLogger(__name__)
MAX_LENGTH = 70  # one SMS segment of Chinese text (UCS-2)
SIGNATURE = "【议事厅】"  # i18n: data (the signature registered with the carrier)
MAX_ATTEMPTS = 5


SIGNATURE_MAX_AGE = 300  # seconds either side of now a signed inbound request is taken


class Incoming(NamedTuple):
    """One inbound SMS as a gateway reports it (received_at: naive UTC)."""
    provider_id: str
    phone: str
    text: str
    received_at: datetime


def signature(secret: str, timestamp: str, body: bytes) -> str:
    """HMAC-SHA256 (hex) of "timestamp." + body: how inbound requests are signed."""
    return hmac.new(secret.encode(), timestamp.encode() + b"." + body,
                    hashlib.sha256).hexdigest()


def local_phone(raw) -> str:
    """A mainland mobile number from what a gateway sends: digits, +86/86 dropped."""
    digits = re.sub(r"\D", "", str(raw or ""))
    return digits[2:] if len(digits) == 13 and digits.startswith("86") else digits


class Gateway:
    """What every gateway shares: inbound requests signed by the app's own scheme.

    The gateway (or a relay in front of it) sends JSON `{"id", "phone", "text", "time"}`
    (time: Unix seconds, optional) with the headers `X-Sms-Timestamp` (Unix seconds) and
    `X-Sms-Signature` = hex HMAC-SHA256(SMS_INBOUND_SECRET, timestamp + "." + body)."""

    name = "gateway"

    def authentic(self, request, secret: str | None) -> bool:
        """The signature is right (constant-time) and the timestamp at most 5 minutes off."""
        stamp = request.headers.get("X-Sms-Timestamp", "")
        given = request.headers.get("X-Sms-Signature", "")
        if not secret or not stamp.isdigit() or not given:
            return False
        if abs(_time.time() - int(stamp)) > SIGNATURE_MAX_AGE:
            return False
        return hmac.compare_digest(signature(secret, stamp, request.get_data()), given)

    def parse_inbound(self, request) -> list[Incoming]:
        """The messages in the request; ValueError when it is not one."""
        data = request.get_json(silent=True)
        if not isinstance(data, dict):
            raise ValueError("not a JSON object")
        return [incoming(data.get("id"), data.get("phone"), data.get("text"), data.get("time"))]

    def inbound_answer(self, stored: int):
        """What the gateway expects back once the messages are stored."""
        return jsonify(ok=True, stored=stored)


def incoming(provider_id, phone, text, when) -> Incoming:
    """Check and normalise one inbound message's fields (ValueError when one is missing)."""
    provider_id, phone = str(provider_id or "").strip(), local_phone(phone)
    if not provider_id or len(provider_id) > 64 or not 5 <= len(phone) <= 20 \
            or not isinstance(text, str):
        raise ValueError("id, phone and text are required")
    if isinstance(when, int | float) and not isinstance(when, bool):
        at = datetime.fromtimestamp(when, UTC).replace(tzinfo=None)
    else:
        at = clock.now()
    return Incoming(provider_id, phone, text.strip()[:500], at)


class DatabaseBackend(Gateway):
    """Default: the outbox row is the record and the log says so; nothing leaves the machine.
    Inbound messages come signed by the app's own scheme (Gateway), or from `flask
    sms-receive`."""

    name = "database"

    def send(self, phone: str, text: str) -> None:
        # The length, not the words: a vote's code, choice or receipt never reaches a log.
        log.info("sms to %s****: %d characters", phone[:3], len(text))


def backend():
    """The configured gateway instance."""
    module, _, cls = current_app.config["SMS_BACKEND"].partition(":")
    return getattr(importlib.import_module(module), cls)()


def clip(text: str, length: int = MAX_LENGTH) -> str:
    """Shorten text to length characters (one SMS), marking the cut."""
    return text if len(text) <= length else text[: length - 1] + "…"


def queue(phone: str, text: str, resident_id: int | None = None,
          must: bool = False, private: bool = False) -> SmsMessage | None:
    """Put a signed message in the outbox (the caller commits); at night it waits for 8:00.
    A resident's opt-out is the caller's to check (`service.wants_sms`); a phone outside the
    roster that sent 退订 gets nothing (None) unless must."""
    if resident_id is None and not must and phone_opted_out(phone):
        return None
    message = SmsMessage(phone=phone, text=SIGNATURE + clip(text, MAX_LENGTH - len(SIGNATURE)),
                         backend=backend().name, resident_id=resident_id, status="queued",
                         send_after=clock.next_daytime(clock.now()), must=must,
                         private=private)
    db.session.add(message)
    return message


def phone_opted_out(phone: str) -> bool:
    """A phone outside the roster that replied 退订."""
    return db.session.scalar(db.select(SmsOptOut.id).where(SmsOptOut.phone == phone)) is not None


def cancel_queued(phone: str) -> int:
    """退订: the messages still waiting for this phone are not sent (must ones are)."""
    return db.session.execute(db.update(SmsMessage).where(
        SmsMessage.phone == phone, SmsMessage.status == "queued", SmsMessage.must.is_(False))
        .values(status="failed", error="退订 opted out")).rowcount  # i18n: data


def deliver_due(limit: int = 500) -> tuple[int, int]:
    """Send the messages that are due; returns (sent, failed or postponed)."""
    gateway = backend()
    cap = current_app.config.get("SMS_DAILY_CAP") or 0
    due = db.session.execute(db.select(SmsMessage.id, SmsMessage.phone, SmsMessage.must).where(
        SmsMessage.status == "queued", SmsMessage.send_after <= clock.now())
        .order_by(SmsMessage.send_after, SmsMessage.id).limit(limit)).all()
    sent = trouble = 0
    for message_id, phone, must in due:
        if cap and not must and _held_over_cap(message_id, phone, cap):
            trouble += 1
            continue
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
        if message.private and message.status in ("sent", "failed"):
            message.text = ""  # a vote's code, choice or receipt: nobody here needs it again
        db.session.commit()
    return sent, trouble


def _held_over_cap(message_id: int, phone: str, cap: int) -> bool:
    """When the phone has had its cap of messages today (Beijing), the message waits for the
    next day's 8:00."""
    today = clock.today()
    sent = db.session.scalar(db.select(db.func.count(SmsMessage.id)).where(
        SmsMessage.phone == phone, SmsMessage.status == "sent",
        SmsMessage.sent_at >= clock.to_utc(today)))
    if sent < cap:
        return False
    db.session.execute(db.update(SmsMessage).where(
        SmsMessage.id == message_id, SmsMessage.status == "queued")
        .values(send_after=clock.to_utc(today + timedelta(days=1), time(8))))
    db.session.commit()
    log.info("sms %s to %s**** held until tomorrow: %d sent today", message_id, phone[:3], sent)
    return True


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
