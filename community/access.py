"""Who may do what where. Used by views and services alike, never only by templates."""

from flask import abort, g, has_request_context
from flask_login import current_user

from .extensions import db
from .residents.models import Membership, Resident, RoleAssignment
from .units.models import Household, Unit

STAFF_ROLES = ("worker", "party_reviewer", "supervisor")


def home_units(resident: Resident) -> list[Unit]:
    """The buildings the resident lives in, plus every unit above them, root first.

    Several sections of one page ask; within a request the answer is kept (in `g`)."""
    if not has_request_context():
        return _home_units(resident)
    memo = g.setdefault("home_units", {})
    if resident.id not in memo:
        memo[resident.id] = _home_units(resident)
    return list(memo[resident.id])


def _home_units(resident: Resident) -> list[Unit]:
    ids: list[int] = []
    for m in resident.memberships:
        for uid in m.household.building.ancestor_ids():
            if uid not in ids:
                ids.append(uid)
    if not ids:
        return []
    units = db.session.scalars(db.select(Unit).where(Unit.id.in_(ids))).all()
    return sorted(units, key=lambda u: (len(u.ancestor_ids()), u.name))


def role_units(resident: Resident, *roles: str) -> list[Unit]:
    """Units where the resident holds one of the roles (each reaches its whole subtree)."""
    return [r.unit for r in resident.roles if r.role in roles]


def worker_units_or_403(resident) -> list[Unit]:
    """The units where the resident is a community worker; 403 for anyone who is not one."""
    return role_units(resident, "worker") or abort(403)


def worker_area(resident) -> list[Unit]:
    """Every unit where the resident is a worker and every unit below them, in tree order
    (what a worker may choose on a form); empty for anyone who is not a worker."""
    paths = [r.unit.path for r in resident.roles if r.role == "worker"]
    if not paths:
        return []
    stmt = db.select(Unit).where(db.or_(*[Unit.path.startswith(p) for p in paths]))
    return sorted(db.session.scalars(stmt), key=lambda u: [int(x) for x in u.ancestor_ids()])


def has_role(resident, role: str | tuple, unit: Unit) -> bool:
    """True when the resident holds the role in this unit or in a unit above it."""
    if resident is None or not getattr(resident, "is_authenticated", False):
        return False
    roles = (role,) if isinstance(role, str) else role
    ancestors = set(unit.ancestor_ids())
    return any(r.role in roles and r.unit_id in ancestors for r in resident.roles)


def is_staff(resident) -> bool:
    """True for workers, Party reviewers and supervisors of any unit."""
    return bool(getattr(resident, "is_authenticated", False)) and any(
        r.role in STAFF_ROLES for r in resident.roles)


def belongs_to(resident, unit: Unit) -> bool:
    """True when the resident lives in this unit or below it, or holds any role over it."""
    if not getattr(resident, "is_authenticated", False):
        return False
    for m in resident.memberships:
        if unit.contains(m.household.building):
            return True
    return has_role(resident, ("worker", "party_reviewer", "supervisor", "volunteer"), unit)


def require_role(role: str | tuple, unit: Unit) -> None:
    """Abort with 403 unless the current user holds the role over this unit."""
    if not has_role(current_user, role, unit):
        abort(403)


def require_staff() -> None:
    """Abort with 403 unless the current user is staff somewhere."""
    if not is_staff(current_user):
        abort(403)


def households_in(unit: Unit):
    """A select of the households in this unit or below."""
    return (db.select(Household).join(Household.building)
            .where(Unit.path.startswith(unit.path)))


def residents_in(unit: Unit):
    """A select of the residents living in this unit or below."""
    return (db.select(Resident).join(Resident.memberships).join(Membership.household)
            .join(Household.building).where(Unit.path.startswith(unit.path)).distinct())


__all__ = ["RoleAssignment", "belongs_to", "has_role", "home_units", "households_in",
           "is_staff", "require_role", "require_staff", "residents_in", "role_units",
           "worker_area", "worker_units_or_403"]
