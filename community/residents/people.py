"""Workers manage people in their area: roles, moves, a change of owner, a death.

Each change checks that the worker serves every unit it touches (403 otherwise), writes one
audit row and commits once. Nothing is deleted but role assignments and the memberships a move
ends, and the audit row keeps what they were."""

from datetime import date
from decimal import Decimal

from flask import abort

from .. import clock
from ..access import has_role
from ..audit.service import record
from ..errors.domain import DomainError
from ..extensions import db
from ..i18n import gettext as _
from ..units.models import Household, Unit
from .models import Membership, Resident, RoleAssignment

APPOINTABLE = ("representative", "building_head", "volunteer")


class PeopleError(DomainError):
    """A change the worker asked for cannot be made; the message says why, beside `field`."""


def _serves(worker, unit: Unit) -> None:
    if not has_role(worker, "worker", unit):
        abort(403)


def _alive(resident: Resident, field: str | None = None) -> None:
    if resident.died_on is not None:
        raise PeopleError(_("%(name)s 已登记去世，不能再办理。", name=resident.name), field)


def _home_unit_id(resident: Resident) -> int | None:
    return resident.memberships[0].household.building_id if resident.memberships else None


def appoint(resident: Resident, role: str, unit: Unit, worker) -> RoleAssignment:
    """Give the resident a role (居民代表, 楼栋长, 志愿者) in a unit of the worker's area;
    a resent form finds the role already given and changes nothing."""
    _serves(worker, unit)
    _alive(resident, "role")
    if role not in APPOINTABLE:
        raise PeopleError(_("请选择要任命的身份"), "role")
    if role == "building_head" and unit.kind != "building":
        raise PeopleError(_("楼栋长要任命在某一栋楼上，请在“在哪里”里选一栋楼"), "unit_id")
    if held := next((r for r in resident.roles if r.role == role and r.unit_id == unit.id), None):
        return held
    assignment = RoleAssignment(resident=resident, unit=unit, role=role)
    db.session.add(assignment)
    db.session.flush()
    record("role_appointed", resident, actor=worker, unit_id=unit.id, role=role,
           assignment_id=assignment.id)
    db.session.commit()
    return assignment


def get_role_or_none(resident: Resident, role_id: int, worker) -> RoleAssignment | None:
    """One of the resident's roles that the worker may end; None when the resident holds no
    such role (any more); 403 for a role outside the worker's area or not theirs to end."""
    assignment = next((r for r in resident.roles if r.id == role_id), None)
    if assignment is None:
        return None
    _serves(worker, assignment.unit)
    if assignment.role not in APPOINTABLE:
        abort(403)  # 两委, Party reviewers and supervisors are not ended here
    return assignment


def role_exists(role_id: int) -> bool:
    """True while a role assignment with this id exists (anyone's)."""
    return db.session.get(RoleAssignment, role_id) is not None


def remove_role(assignment: RoleAssignment, worker) -> None:
    """End one role; the audit row keeps who held it where."""
    _serves(worker, assignment.unit)
    record("role_removed", assignment.resident, actor=worker, unit_id=assignment.unit_id,
           role=assignment.role, assignment_id=assignment.id)
    db.session.delete(assignment)
    db.session.commit()


def find_household(building: Unit, address: str, worker) -> Household | None:
    """The household at this address of a building in the worker's area, or None."""
    _serves(worker, building)
    return db.session.scalar(db.select(Household).where(
        Household.building_id == building.id, Household.address == address.strip()))


def move(resident: Resident, household_id: int, to: Household | None, worker) -> None:
    """Record that the resident moved from one household to another (or out of the area).

    An owner stays the owner of the home they leave (only a change of owner ends that); they
    just no longer live there, so only a membership that is not ownership ends."""
    _alive(resident, "household_id")
    leaving = next((m for m in resident.memberships if m.household_id == household_id), None)
    if leaving is None:
        if to is None or any(m.household_id == to.id for m in resident.memberships):
            return  # a resent form: the move is recorded already
        raise PeopleError(_("请选择TA从哪一户搬走"), "household_id")
    _serves(worker, leaving.household.building)
    if to is not None:
        _serves(worker, to.building)
        if to.id == leaving.household_id:
            raise PeopleError(_("新住址和原住址是同一户，请核对门牌"), "address")
    was_owner = leaving.is_owner
    if not was_owner:
        resident.memberships.remove(leaving)
    if to is not None and all(m.household_id != to.id for m in resident.memberships):
        resident.memberships.append(Membership(household=to, is_owner=False))
    record("resident_moved", resident, actor=worker, unit_id=leaving.household.building_id,
           from_household=leaving.household_id, to_household=to.id if to else None,
           left_area=to is None, still_owner_of_old_home=was_owner)
    db.session.commit()


def change_owner(household: Household, owner: Resident, area: Decimal, worker,
                 keep_others: bool = False) -> None:
    """Record the resident as owner of the household (过户) with its 专有部分面积.

    The previous owners stop being owners (unless kept as co-owners) but stay members until a
    move is recorded: the electorate counts owners and areas from these rows (electorate.py)."""
    _serves(worker, household.building)
    _alive(owner, "address")
    if not isinstance(area, Decimal) or not Decimal("0") < area < Decimal("100000"):
        raise PeopleError(_("面积要大于0、小于100000平方米"), "area_m2")
    previous = [m.resident_id for m in household.members if m.is_owner]
    mine = next((m for m in household.members if m.resident_id == owner.id), None)
    for m in household.members:
        if m is not mine and not keep_others:
            m.is_owner = False
    if mine is None:
        mine = Membership(resident=owner, household=household)
        db.session.add(mine)
    mine.is_owner = True
    old_area, household.area_m2 = household.area_m2, area.quantize(Decimal("0.01"))
    record("owner_changed", household, actor=worker, unit_id=household.building_id,
           owner_id=owner.id, previous_owners=previous, kept_previous=keep_others,
           area_before=str(old_area), area_after=str(household.area_m2))
    db.session.commit()


def record_death(resident: Resident, died_on: date, worker) -> None:
    """Record a death: no more logins or votes by any channel, every role ends, sessions end.
    Votes already cast stay counted; the person and their memberships stay on record."""
    if not any(has_role(worker, "worker", m.household.building) for m in resident.memberships):
        abort(403)
    if resident.died_on is not None:
        return  # recorded already (a resent form)
    if died_on > clock.now().date():
        raise PeopleError(_("去世日期不能晚于今天"), "died_on")
    ended = [{"role": r.role, "unit_id": r.unit_id} for r in resident.roles]
    resident.roles.clear()
    resident.died_on = died_on
    resident.end_sessions()
    record("resident_died", resident, actor=worker, unit_id=_home_unit_id(resident),
           died_on=died_on.isoformat(), roles_ended=ended)
    db.session.commit()
