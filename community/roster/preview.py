"""What an import would do, counted from a checked plan before anything is written."""

import hashlib
from dataclasses import dataclass, field

from ..units.models import KIND_LABELS, KINDS
from .plan import Person, Plan
from .rows import RosterRow


@dataclass
class NewUnit:
    path: str  # the full path, 西陵区西陵街道/船柴社区/船柴一区/9栋
    kind: str  # its label, 楼栋


@dataclass
class Preview:
    rows: int = 0
    new: int = 0  # people not registered yet
    moved: int = 0  # registered people the file puts in another household
    updated: int = 0  # registered people whose phone, birth year or owner flag changes
    unchanged: int = 0
    households: int = 0  # new households
    areas: int = 0  # existing households whose floor area changes
    new_units: list[NewUnit] = field(default_factory=list)

    @property
    def units_digest(self) -> str:
        """Names the new units the worker was shown, so the confirmation can check them."""
        return units_digest(u.path for u in self.new_units)


def units_digest(paths) -> str:
    return hashlib.sha256("\n".join(sorted(paths)).encode()).hexdigest()[:16]


def new_unit_paths(plan: Plan) -> list[tuple]:
    """Every unit the import would create, parents before children, in file order."""
    found: dict[tuple, None] = {}
    for r in plan.rows:
        for level in range(len(r.path)):
            head = r.path[:level + 1]
            if head not in plan.units:
                found.setdefault(head)
    return list(found)


def summarise(plan: Plan) -> Preview:
    """Count what the plan would create and change."""
    p = Preview(rows=len(plan.rows))
    rows_of: dict[str, list[RosterRow]] = {}
    for r in plan.rows:
        rows_of.setdefault(r.code, []).append(r)
    for person in plan.people.values():
        kind = _what_happens(plan, person, rows_of[person.code])
        setattr(p, kind, getattr(p, kind) + 1)
    p.households = sum(1 for key in plan.areas if key not in plan.households)
    p.areas = sum(1 for key, hh in plan.households.items()
                  if plan.areas[key] is not None and hh.area_m2 != plan.areas[key])
    p.new_units = [NewUnit("/".join(path), KIND_LABELS[KINDS[len(path) - 1]])
                   for path in new_unit_paths(plan)]
    return p


def _what_happens(plan: Plan, person: Person, rows: list[RosterRow]) -> str:
    """new, moved, updated or unchanged, for one person in the file."""
    known = person.existing
    if known is None:
        return "new"
    flags = {m.household_id: m.is_owner for m in known.memberships}
    homes = [(plan.households.get(r.household_key), r.owner) for r in rows]
    if any(hh is None or hh.id not in flags for hh, _ in homes):
        return "moved"
    if (any(flags[hh.id] != owner for hh, owner in homes)
            or (person.phone and person.phone != known.phone)
            or (person.birth_year and person.birth_year != known.birth_year)):
        return "updated"
    return "unchanged"
