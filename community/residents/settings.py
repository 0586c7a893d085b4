"""A resident's own settings (/me): change the PIN, consent to show the name, SMS notices.

Each change writes an audit row with the resident as actor and commits once."""

from ..audit.service import record
from ..auth.service import check_resident_pin
from ..errors.domain import DomainError
from ..extensions import db
from ..i18n import gettext as _
from .models import Resident
from .pins import hash_pin


class WrongPin(DomainError):
    """The old PIN did not match (counted toward the lockout like a failed login)."""

    def __init__(self):
        super().__init__(_("原来的密码不对，请再试一次。连续填错会暂时锁定账户。"), "old_pin")


def _unit_id(resident: Resident) -> int | None:
    return resident.memberships[0].household.building_id if resident.memberships else None


def change_pin(resident: Resident, old_pin: str, new_pin: str) -> None:
    """Set a new PIN after checking the old one; every login elsewhere ends.

    Raises WrongPin, or auth.service.AccountLocked while the account is locked."""
    if not check_resident_pin(resident, old_pin):
        raise WrongPin
    resident.pin_hash = hash_pin(new_pin)
    resident.end_sessions()  # a phone someone else still holds is logged out
    record("pin_changed", resident, actor=resident, unit_id=_unit_id(resident))
    db.session.commit()


def set_publish_name(resident: Resident, on: bool) -> bool:
    """Give or take back consent to show the name on public pages; True if it changed."""
    if resident.publish_name == on:
        return False
    resident.publish_name = on
    record("publish_name_set", resident, actor=resident, unit_id=_unit_id(resident),
           publish_name=on)
    db.session.commit()
    return True


def set_sms(resident: Resident, wanted: bool) -> bool:
    """Receive SMS notices or not (in-app notices always); True if it changed."""
    if resident.sms_opt_out == (not wanted):
        return False
    resident.sms_opt_out = not wanted
    record("sms_opt_out_set", resident, actor=resident, unit_id=_unit_id(resident),
           sms_opt_out=not wanted)
    db.session.commit()
    return True
