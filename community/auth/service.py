"""Log in with phone or resident code plus PIN; lock one account after repeated failures."""

from datetime import datetime

from flask import current_app, session
from flask_babel import format_datetime
from flask_login import current_user, login_user, logout_user

from .. import clock
from ..audit.service import record
from ..errors.domain import DomainError
from ..extensions import db
from ..i18n import gettext as _
from ..residents.models import Resident
from ..residents.pins import check_pin, hash_pin, needs_rehash

# Checked against when no account matches, so a wrong login costs the same time as a wrong PIN.
_DUMMY_HASH: dict[str, str] = {}


class LoginFailed(DomainError):
    """Wrong login or PIN (deliberately not saying which)."""

    def __init__(self):
        super().__init__(_("手机号、居民码或密码不对，请再试一次。"), "pin")


class AccountLocked(DomainError):
    """Too many wrong PINs: the account logs in again after `until`."""

    def __init__(self, until: datetime):
        super().__init__(_("密码错误次数太多，此账户已暂时锁定，请在 %(time)s 以后再试，"
                           "或请社区工作人员帮忙。", time=format_datetime(until, "HH:mm")), "pin")
        self.until = until


class AccountClosed(DomainError):
    """A worker recorded this person's death: the account no longer logs in (said only after
    the right PIN, so a stranger learns nothing)."""

    def __init__(self):
        super().__init__(_("这个账户已经停用，不能再登录。如有疑问，请联系社区工作人员。"), "pin")


def find_resident(login: str) -> Resident | None:
    """Find a resident by phone number or resident code."""
    column = Resident.phone if len(login) == 11 else Resident.code
    return db.session.scalar(db.select(Resident).where(column == login))


def authenticate(login: str, pin: str) -> Resident:
    """Return the resident for a correct login and PIN, or raise LoginFailed, AccountLocked
    or AccountClosed."""
    cfg = current_app.config
    resident = find_resident(login)
    if resident is None:
        method = cfg["PIN_HASH_METHOD"]
        check_pin(_DUMMY_HASH.setdefault(method, hash_pin("000000")), pin)
        raise LoginFailed
    if check_resident_pin(resident, pin):
        if resident.died_on is not None:
            raise AccountClosed
        return resident
    raise LoginFailed


def check_resident_pin(resident: Resident, pin: str) -> bool:
    """Check the resident's own PIN (at login, or to confirm an assisted vote), counting
    failures toward the same per-account lockout; raise AccountLocked while locked."""
    now = clock.now()
    if resident.locked_until and resident.locked_until > now:
        raise AccountLocked(resident.locked_until)
    if check_pin(resident.pin_hash, pin):
        if needs_rehash(resident.pin_hash):  # from before the pepper, or an older cost
            resident.pin_hash = hash_pin(pin)
        resident.pin_failures, resident.pin_failures_since = 0, None
        resident.locked_until = None
        db.session.commit()
        return True
    _count_failure(resident, now)
    return False


def _count_failure(resident: Resident, now: datetime) -> None:
    """Count a wrong PIN in the sliding window; lock this account only, at the limit."""
    cfg = current_app.config
    window_open = (resident.pin_failures_since is not None
                   and now - resident.pin_failures_since < cfg["PIN_FAILURE_WINDOW"])
    if window_open:
        resident.pin_failures += 1
    else:
        resident.pin_failures, resident.pin_failures_since = 1, now
    if resident.pin_failures >= cfg["PIN_MAX_FAILURES"]:
        resident.locked_until = now + cfg["PIN_LOCK_TIME"]
        resident.pin_failures, resident.pin_failures_since = 0, None
        record("account_locked", resident, until=resident.locked_until.isoformat())
    db.session.commit()


def log_in(resident, keep: tuple[str, ...] = ()) -> None:
    """Start a fresh session for the resident: the old one is cleared (no fixation), only a
    kiosk's device mark and the keys in keep survive it. At a kiosk the cookie dies with the
    browser session; elsewhere it lasts PERMANENT_SESSION_LIFETIME since the last request.
    The web login, the volunteer's re-login and the kiosk keypad all start sessions here."""
    kiosk = session.get("kiosk_device")
    kept = {k: session[k] for k in keep if k in session and not kiosk}
    session.clear()
    if kiosk:
        session["kiosk_device"] = kiosk
    session.update(kept)
    session.permanent = not kiosk
    login_user(resident)


def log_out(everywhere: bool = True) -> None:
    """End the current login and forget the session, keeping only a kiosk's device mark.

    everywhere: also void every copy of the login cookie (a shared kiosk, a cookie copied off
    a phone) by moving the resident's session epoch on; an idle timeout does not need to."""
    if everywhere and current_user.is_authenticated:
        current_user.end_sessions()
        db.session.commit()
    kiosk = session.get("kiosk_device")
    logout_user()
    session.clear()
    if kiosk:
        session["kiosk_device"] = kiosk
