"""The intake API's callbacks (12345热线, 宜格服务 …): every state change of an issue that came
in through a token with a callback is told to that channel as a signed JSON event.

`enqueue()` adds the event to the `webhook_delivery` outbox in the transaction of the change
(`service.change_status` calls it). `deliver_due()` (the `flask deliver-webhooks` command, run
by cron every minute) POSTs each due event: the row is claimed (pending → sending, with a
lease) and committed before the call, so two runs never post it at once; 2xx marks it
delivered, anything else puts it back after 1, 2, 4 … minutes, and a day after the change it
is dead (a worker can send it again from /triage/deliveries). Delivery is at least once: a run
that dies mid-call leaves the row to be taken again after the lease, and the receiver drops a
repeated `event_id`.

Signature: `X-Yishiting-Signature: sha256=<hex HMAC-SHA256 of "<timestamp>.<body>">` with the
token's callback secret, `X-Yishiting-Timestamp` the Unix time of the attempt.
"""

import hashlib
import hmac
import json
import logging
import secrets
import urllib.error
import urllib.request
import uuid
from datetime import UTC, timedelta
from zoneinfo import ZoneInfo

from flask import abort, current_app
from flask_babel import force_locale

from .. import clock
from ..access import has_role, role_units
from ..audit.service import record
from ..extensions import db
from ..units.models import Unit
from .models import ApiToken, Issue, IssueEvent, WebhookDelivery
from .states import STATUS_LABELS

log = logging.getLogger(__name__)
TIMEOUT = 10  # seconds for the channel to answer
LEASE = timedelta(minutes=5)  # a claimed row is taken again after this (the run died)
GIVE_UP = timedelta(days=1)  # dead a day after the change
URL_MAX = 300
URL_RULE = f"an http:// or https:// URL of at most {URL_MAX} characters"


class CallbackError(ValueError):
    """The callback URL is not one we will post to."""


def new_secret() -> str:
    return "whsec_" + secrets.token_urlsafe(32)


def valid_url(url: str) -> bool:
    return url.startswith(("https://", "http://")) and len(url) <= URL_MAX and " " not in url


def register_callback(token: ApiToken, url: str | None) -> str | None:
    """Set (or with None, remove) the token's callback URL with a new secret; returns the
    secret, shown once. Calling it again rotates the secret."""
    if url is not None and not valid_url(url):
        raise CallbackError(URL_RULE)
    token.callback_url = url
    token.callback_secret = new_secret() if url else None
    record("api_token_callback", token, channel=token.channel, url=url)
    db.session.commit()
    return token.callback_secret


def reference(issue: Issue) -> str | None:
    """The channel's own reference: the Idempotency-Key the issue came with."""
    token = issue.submit_token or ""
    return token.split(":", 2)[2] if token.startswith("api:") else None


def local_iso(moment) -> str:
    """A naive UTC time as ISO 8601 in Beijing time: 2026-12-07T10:00:00+08:00."""
    zone = ZoneInfo(current_app.config["BABEL_DEFAULT_TIMEZONE"])
    return moment.replace(tzinfo=UTC).astimezone(zone).isoformat(timespec="seconds")


def enqueue(issue: Issue, event: IssueEvent) -> WebhookDelivery | None:
    """Put the state change in the outbox when the issue came through a token with a
    callback (the caller commits, with the change)."""
    token = issue.api_token
    if token is None or not token.callback_url:
        return None
    moment = clock.now()
    with force_locale(current_app.config["BABEL_DEFAULT_LOCALE"]):
        label = str(STATUS_LABELS[event.to_status])
    event_id = "evt_" + uuid.uuid4().hex
    payload = {"event_id": event_id, "issue_id": issue.id, "reference": reference(issue),
               "status": event.to_status, "status_label": label, "reason": event.note,
               "at": local_iso(moment)}
    row = WebhookDelivery(event_id=event_id, api_token=token, issue=issue,
                          payload=json.dumps(payload, ensure_ascii=False), status="pending",
                          attempts=0, next_try_at=moment, created_at=moment)
    db.session.add(row)
    return row


def signature(secret: str, timestamp: str, body: bytes) -> str:
    """The hex HMAC-SHA256 of "<timestamp>.<body>" with the secret."""
    return hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256).hexdigest()


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    """A redirect is an error: following it would turn the POST into a GET."""

    def redirect_request(self, req, fp, code, msg, headers, newurl):
        return None


_opener = urllib.request.build_opener(_NoRedirect)


def _post(url: str, secret: str, event_id: str, body: bytes) -> None:
    """POST the event; raises unless the answer is 2xx."""
    timestamp = str(int(clock.now().replace(tzinfo=UTC).timestamp()))
    req = urllib.request.Request(url, data=body, method="POST", headers={  # noqa: S310
        "Content-Type": "application/json; charset=utf-8",
        "User-Agent": "yishiting-webhooks/1",
        "X-Yishiting-Event-Id": event_id,
        "X-Yishiting-Timestamp": timestamp,
        "X-Yishiting-Signature": "sha256=" + signature(secret, timestamp, body)})
    with _opener.open(req, timeout=TIMEOUT) as resp:  # http(s) only: register_callback
        if not 200 <= resp.status < 300:
            raise urllib.error.HTTPError(url, resp.status, resp.reason, resp.headers, None)


def deliver_due(limit: int = 200) -> tuple[int, int]:
    """POST the due events; returns (delivered, retried later or dead)."""
    now = clock.now()
    ids = db.session.scalars(db.select(WebhookDelivery.id).where(
        WebhookDelivery.status.in_(("pending", "sending")), WebhookDelivery.next_try_at <= now)
        .order_by(WebhookDelivery.next_try_at, WebhookDelivery.id).limit(limit)).all()
    delivered = trouble = 0
    for delivery_id in ids:
        if not _claim(delivery_id):  # another run took it
            continue
        row = db.session.get(WebhookDelivery, delivery_id)
        token = row.api_token
        try:
            if not token.callback_url or token.revoked_at is not None:
                raise CallbackError("no callback URL (removed, or the token was revoked)")
            _post(token.callback_url, token.callback_secret, row.event_id,
                  row.payload.encode())
        except Exception as e:  # noqa: BLE001 - any failure is retried later
            _postpone(row, e)
            trouble += 1
        else:
            row.status, row.delivered_at, row.last_error = "delivered", clock.now(), None
            delivered += 1
        db.session.commit()
    return delivered, trouble


def _claim(delivery_id: int) -> bool:
    """pending (or a stale sending) → sending with a lease, committed before the call."""
    now = clock.now()
    claimed = db.session.execute(db.update(WebhookDelivery).where(
        WebhookDelivery.id == delivery_id,
        WebhookDelivery.status.in_(("pending", "sending")),
        WebhookDelivery.next_try_at <= now)
        .values(status="sending", attempts=WebhookDelivery.attempts + 1,
                next_try_at=now + LEASE)).rowcount
    db.session.commit()
    return bool(claimed)


def _postpone(row: WebhookDelivery, error: Exception) -> None:
    """Back to pending after 1, 2, 4 … minutes; dead once a day has passed since the change."""
    row.last_error = _describe(error)[:200]
    log.warning("webhook %s (issue %s, token %s) failed, try %d: %s", row.event_id,
                row.issue_id, row.api_token_id, row.attempts, row.last_error)
    retry_at = clock.now() + timedelta(minutes=2 ** min(row.attempts - 1, 10))
    if retry_at > row.created_at + GIVE_UP:
        row.status = "dead"
    else:
        row.status, row.next_try_at = "pending", retry_at


def _describe(error: Exception) -> str:
    """The error in a line, without the URL (it may carry a key of the channel's)."""
    if isinstance(error, urllib.error.HTTPError):
        return f"HTTP {error.code} {error.reason}"
    if isinstance(error, urllib.error.URLError):
        return f"URLError: {error.reason}"
    return f"{type(error).__name__}: {error}"


# The staff page: what is waiting or dead, in the units where the user is a worker.

def _in_units(units: list[Unit]):
    return db.or_(*[Unit.path.startswith(u.path) for u in units])


def deliveries_for(worker, limit: int = 100) -> tuple[list, list]:
    """(pending or sending, dead) deliveries about issues in the worker's units, oldest
    first, with their issue and token loaded."""
    units = role_units(worker, "worker")
    if not units:
        return [], []
    stmt = (db.select(WebhookDelivery).join(WebhookDelivery.issue).join(Issue.unit)
            .where(_in_units(units))
            .options(db.contains_eager(WebhookDelivery.issue),
                     db.joinedload(WebhookDelivery.api_token))
            .order_by(WebhookDelivery.created_at, WebhookDelivery.id).limit(limit))
    waiting = db.session.scalars(stmt.where(
        WebhookDelivery.status.in_(("pending", "sending")))).all()
    dead = db.session.scalars(stmt.where(WebhookDelivery.status == "dead")).all()
    return list(waiting), list(dead)


def get_delivery_or_404(delivery_id: int, user) -> WebhookDelivery:
    """The delivery, or 404; 403 unless the user is a worker over its issue's unit."""
    row = db.get_or_404(WebhookDelivery, delivery_id)
    if not has_role(user, "worker", row.issue.unit):
        abort(403)
    return row


def resend(row: WebhookDelivery, worker) -> bool:
    """A dead delivery goes back to pending for another day of tries; True when it did
    (pressing the button again does nothing more)."""
    moment = clock.now()
    done = db.session.execute(db.update(WebhookDelivery).where(
        WebhookDelivery.id == row.id, WebhookDelivery.status == "dead")
        .values(status="pending", attempts=0, next_try_at=moment, created_at=moment)).rowcount
    if done:
        record("webhook_resent", row.issue, actor=worker, unit_id=row.issue.unit_id,
               event_id=row.event_id)
    db.session.commit()
    return bool(done)

