"""Who may do what where. Used by views and services alike, never only by templates.

What a resident's roles and homes allow is asked on every page (the menu, the to-dos, every
check). It is kept per resident and `Resident.access_version`, which every change of their
roles or homes raises (residents/models.py), so a page asks the database only for the Unit
rows it shows: one query per request, none for a yes/no question about roles."""

from dataclasses import dataclass

from flask import abort, current_app, g, has_app_context, has_request_context
from flask_login import current_user

from .extensions import db
from .residents.models import Membership, Resident, RoleAssignment
from .units.models import Household, Unit

STAFF_ROLES = ("worker", "party_reviewer", "supervisor")
_KEEP = 20_000  # profiles kept per process before the cache starts over


@dataclass(frozen=True)
class Profile:
    """A resident's roles as (role, unit id) and their home units' ids (their buildings and
    every unit above them)."""

    roles: tuple[tuple[str, int], ...]
    homes: tuple[int, ...]


@dataclass(frozen=True)
class Held:
    """One role the resident holds, over a unit (and its subtree)."""

    role: str
    unit: Unit

    @property
    def unit_id(self) -> int:
        return self.unit.id


def profile(resident: Resident) -> Profile:
    """The resident's roles and homes, from the cache when their access_version is known."""
    cache = current_app.extensions.setdefault("access_profiles", {}) if has_app_context() \
        else {}
    key = (resident.id, resident.access_version)
    found = cache.get(key)
    if found is None:
        if len(cache) >= _KEEP:
            cache.clear()
        found = cache[key] = _load_profile(resident)
    return found


def _load_profile(resident: Resident) -> Profile:
    """One query: the roles as (role, unit id) and the paths of the buildings lived in."""
    roles = (db.select(RoleAssignment.role, db.cast(RoleAssignment.unit_id, db.String),
                       RoleAssignment.id)
             .where(RoleAssignment.resident_id == resident.id))
    homes = (db.select(db.literal(""), Unit.path, Membership.id)
             .join(Household, Household.building_id == Unit.id)
             .join(Membership, Membership.household_id == Household.id)
             .where(Membership.resident_id == resident.id))
    rows = db.session.execute(db.union_all(roles, homes).order_by(db.text("3"))).all()
    held = tuple((role, int(unit)) for role, unit, _ in rows if role)
    ids = dict.fromkeys(int(x) for role, path, _ in rows if not role
                        for x in path.split("/") if x)
    return Profile(held, tuple(ids))


def _units(ids) -> dict[int, Unit]:
    """These Unit rows, each loaded once per request."""
    memo = g.setdefault("access_units", {}) if has_request_context() else {}
    missing = set(ids) - memo.keys()
    if missing:
        memo.update((u.id, u) for u in db.session.scalars(
            db.select(Unit).where(Unit.id.in_(missing))))
    return memo


def role_names(resident) -> set[str]:
    """The roles the resident holds anywhere (no query once known)."""
    if not getattr(resident, "is_authenticated", False):
        return set()
    return {r for r, _ in profile(resident).roles}


def roles_of(resident) -> list[Held]:
    """The roles the resident holds, each with its unit."""
    if not getattr(resident, "is_authenticated", False):
        return []
    roles = profile(resident).roles
    units = _units(u for _, u in roles)
    return [Held(r, units[u]) for r, u in roles]


def home_units(resident: Resident) -> list[Unit]:
    """The buildings the resident lives in, plus every unit above them, root first."""
    homes = profile(resident).homes
    if not homes:
        return []
    units = _units(homes)
    return sorted((units[i] for i in homes), key=lambda u: (len(u.ancestor_ids()), u.name))


def home_unit_ids(resident: Resident) -> list[int]:
    """The ids of home_units(resident), without loading the units."""
    return list(profile(resident).homes) if getattr(resident, "is_authenticated", False) \
        else []


def role_units(resident: Resident, *roles: str) -> list[Unit]:
    """Units where the resident holds one of the roles (each reaches its whole subtree)."""
    return [h.unit for h in roles_of(resident) if h.role in roles]


def worker_units_or_403(resident) -> list[Unit]:
    """The units where the resident is a community worker; 403 for anyone who is not one."""
    return role_units(resident, "worker") or abort(403)


def worker_area(resident) -> list[Unit]:
    """Every unit where the resident is a worker and every unit below them, in tree order
    (what a worker may choose on a form); empty for anyone who is not a worker."""
    paths = [h.unit.path for h in roles_of(resident) if h.role == "worker"]
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
    return any(r in roles and u in ancestors for r, u in profile(resident).roles)


def is_staff(resident) -> bool:
    """True for workers, Party reviewers and supervisors of any unit."""
    return not role_names(resident).isdisjoint(STAFF_ROLES)


def belongs_to(resident, unit: Unit) -> bool:
    """True when the resident lives in this unit or below it, or holds any role over it."""
    if not getattr(resident, "is_authenticated", False):
        return False
    if unit.id in profile(resident).homes:
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


__all__ = ["Held", "Profile", "RoleAssignment", "belongs_to", "has_role", "home_unit_ids",
           "home_units",
           "households_in", "is_staff", "profile", "require_role", "require_staff",
           "residents_in", "role_names", "role_units", "roles_of", "worker_area",
           "worker_units_or_403"]
