"""The intake API's rules: bearer tokens per channel (only hashes kept), checking the JSON."""

import hashlib
import re
import secrets
from dataclasses import dataclass

from .. import clock
from ..audit.service import record
from ..auth.service import find_resident
from ..extensions import db
from ..residents.models import Resident
from ..units.models import Unit
from .models import BODY_MAX, TITLE_MAX, ApiToken, Issue
from .service import find_by_token, post_issue

KEY_RE = re.compile(r"^[\x21-\x7e]{1,80}$")


def hash_token(token: str) -> str:
    """Tokens are long random strings, so a plain SHA-256 is enough to store them safely."""
    return hashlib.sha256(token.encode()).hexdigest()


def create_token(channel: str, unit: Unit | None = None, note: str = "") -> tuple[ApiToken, str]:
    """Make a token for a channel; the plain token is returned once and never stored."""
    plain = "yst_" + secrets.token_urlsafe(32)
    row = ApiToken(channel=channel, token_hash=hash_token(plain), unit=unit, note=note)
    db.session.add(row)
    db.session.flush()
    record("api_token_created", row, unit_id=getattr(unit, "id", None), channel=channel)
    db.session.commit()
    return row, plain


def revoke_token(row: ApiToken) -> None:
    """Stop a token from working from now on."""
    row.revoked_at = row.revoked_at or clock.now()
    record("api_token_revoked", row, channel=row.channel)
    db.session.commit()


def token_from(header: str) -> ApiToken | None:
    """The live token named by an `Authorization: Bearer …` header, if any."""
    scheme, _, plain = header.partition(" ")
    if scheme.lower() != "bearer" or not plain.strip():
        return None
    return db.session.scalar(db.select(ApiToken).where(
        ApiToken.token_hash == hash_token(plain.strip()), ApiToken.revoked_at.is_(None)))


@dataclass
class Intake:
    title: str
    body: str
    unit: Unit
    urgent: bool
    resident: Resident | None


def validate(data: dict) -> tuple[Intake | None, dict]:
    """Check the JSON fields; returns the intake or the errors by field."""
    errors = {}
    title = data.get("title")
    body = data.get("body", "") or ""
    if not isinstance(title, str) or not title.strip() or len(title.strip()) > TITLE_MAX:
        errors["title"] = f"required text, 1 to {TITLE_MAX} characters"
    if not isinstance(body, str) or len(body.strip()) > BODY_MAX:
        errors["body"] = f"text of at most {BODY_MAX} characters"
    unit_id = data.get("unit_id")
    ok_id = isinstance(unit_id, int) and not isinstance(unit_id, bool)
    unit = db.session.get(Unit, unit_id) if ok_id else None
    if unit is None:
        errors["unit_id"] = "the id of an existing unit"
    if not isinstance(data.get("urgent", False), bool):
        errors["urgent"] = "true or false"
    resident = _resident(data.get("resident"), unit, errors)
    if errors:
        return None, errors
    return Intake(title.strip(), body.strip(), unit, data.get("urgent", False), resident), {}


def _resident(login, unit: Unit | None, errors: dict) -> Resident | None:
    """The resident named by phone or resident code, who must live in the unit."""
    if login in (None, ""):
        return None
    resident = find_resident(login) if isinstance(login, str) and login.isdigit() else None
    if resident is None:
        errors["resident"] = "no resident with this phone number or resident code"
    elif unit is not None and not any(unit.contains(m.household.building)
                                      for m in resident.memberships):
        errors["resident"] = "the resident does not live in this unit"
    return resident


def submit(token: ApiToken, key: str, intake: Intake) -> tuple[Issue, bool]:
    """Post the issue once per channel and Idempotency-Key; True when it is a replay."""
    submit_token = f"api:{token.channel}:{key}"
    if existing := find_by_token(Issue, submit_token):
        return existing, True
    issue = post_issue(author=intake.resident, unit=intake.unit, title=intake.title,
                       body=intake.body, urgent=intake.urgent, channel=token.channel,
                       token=submit_token, api_token=token)
    return issue, False


def same_request(issue: Issue, intake: Intake) -> bool:
    """A replayed key must come with the same issue, not a different one."""
    return (issue.title, issue.unit_id) == (intake.title, intake.unit.id)
