"""Staff actions on residents: find them, reset a PIN."""

from dataclasses import dataclass

from flask import abort
from sqlalchemy import or_
from sqlalchemy.orm import selectinload

from ..access import has_role, residents_in
from ..audit.service import record
from ..extensions import db
from ..units.models import Household, Unit
from .models import Membership, Resident
from .pins import hash_pin, new_pin

SEARCH_LIMIT = 30


@dataclass
class Slip:
    """What is printed on a resident's login slip (the PIN only right after it was made)."""
    name: str
    code: str
    phone: str | None
    address: str
    pin: str


def search_residents(units: list[Unit], query: str) -> list[Resident]:
    """Residents of these units whose name, phone, code or address contains the query."""
    if not units:
        return []
    like = f"%{query.strip()}%"
    stmt = (db.select(Resident).join(Resident.memberships).join(Membership.household)
            .join(Household.building)
            .where(or_(*[Unit.path.startswith(u.path) for u in units]))
            .where(or_(Resident.name.like(like), Resident.phone.like(like),
                       Resident.code.like(like), Household.address.like(like),
                       (Unit.name + Household.address).like(like)))
            .distinct().order_by(Resident.name).limit(SEARCH_LIMIT)
            # Each result shows its addresses: load them with the list, not per row.
            .options(selectinload(Resident.memberships).selectinload(Membership.household)
                     .selectinload(Household.building)))
    return list(db.session.scalars(stmt))


def get_managed_resident_or_404(resident_id: int, staff) -> Resident:
    """Load a resident a worker may manage, or abort 404/403."""
    resident = db.get_or_404(Resident, resident_id)
    buildings = [m.household.building for m in resident.memberships]
    if not any(has_role(staff, "worker", b) for b in buildings):
        abort(403)
    return resident


def address_of(resident: Resident) -> str:
    """The resident's first household as an address label."""
    if not resident.memberships:
        return ""
    return resident.memberships[0].household.label


def reset_pin(resident: Resident, staff) -> Slip:
    """Give the resident a new random PIN, unlock the account, and return the slip to print."""
    pin = new_pin()
    resident.pin_hash = hash_pin(pin)
    resident.pin_failures, resident.pin_failures_since, resident.locked_until = 0, None, None
    resident.end_sessions()  # whoever knew the old PIN and is logged in is logged out
    unit_id = resident.memberships[0].household.building_id if resident.memberships else None
    record("pin_reset", resident, actor=staff, unit_id=unit_id)
    db.session.commit()
    return Slip(resident.name, resident.code, resident.phone, address_of(resident), pin)


def residents_under(unit: Unit):
    """Select of residents living in the unit (re-exported for views)."""
    return residents_in(unit)
