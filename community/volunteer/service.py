"""Door-to-door visits: the households a volunteer serves, their visit state and log."""

from dataclasses import dataclass

from flask import abort
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from ..access import roles_of
from ..audit.service import record
from ..extensions import db
from ..residents.models import Membership
from ..units.models import Household, Unit
from .models import STATE_LABELS, Visit, VolunteerAssignment


def served_buildings(volunteer) -> list[Unit]:
    """The buildings a volunteer serves: those a worker assigned to them, or, with no
    assignment, every building below the units where they hold the volunteer role.
    The one answer to "buildings they serve" for visits, on-behalf issues and assisted votes."""
    if not getattr(volunteer, "is_authenticated", False):
        return []
    paths = [r.unit.path for r in roles_of(volunteer) if r.role == "volunteer"]
    if not paths:
        return []
    # Each building's compound comes along: pages label buildings "船柴一区 1栋".
    assigned = db.session.scalars(
        db.select(Unit).join(VolunteerAssignment, VolunteerAssignment.building_id == Unit.id)
        .where(VolunteerAssignment.volunteer_id == volunteer.id)
        .options(selectinload(Unit.parent)).order_by(Unit.path)).all()
    if assigned:
        return list(assigned)
    return list(db.session.scalars(db.select(Unit).where(
        Unit.kind == "building", db.or_(*[Unit.path.startswith(p) for p in paths]))
        .options(selectinload(Unit.parent)).order_by(Unit.path)))


@dataclass
class Door:
    """One household on the walking list, with its latest visit (None: 未访)."""
    household: Household
    last: Visit | None

    @property
    def state(self) -> str:
        return self.last.state if self.last else "todo"

    @property
    def state_label(self) -> str:
        return str(STATE_LABELS[self.state])


def get_served_building_or_404(building_id: int, user) -> Unit:
    """A building the user serves as volunteer, else 404/403."""
    building = db.get_or_404(Unit, building_id)
    if building.id not in {b.id for b in served_buildings(user)}:
        abort(403)
    return building


def get_served_household_or_404(household_id: int, user) -> Household:
    """A household in a building the user serves as volunteer, else 404/403."""
    household = db.get_or_404(Household, household_id)
    if household.building_id not in {b.id for b in served_buildings(user)}:
        abort(403)
    return household


def _last_visits(building_ids: list[int]) -> dict[int, Visit]:
    """The latest visit of each household in these buildings, by household id."""
    last = (db.select(db.func.max(Visit.id)).join(Household)
            .where(Household.building_id.in_(building_ids)).group_by(Visit.household_id))
    rows = db.session.scalars(db.select(Visit).where(Visit.id.in_(last))
                              .options(selectinload(Visit.household)))
    return {v.household_id: v for v in rows}


def doors(building: Unit) -> list[Door]:
    """The building's households in address order, their residents loaded, with states."""
    households = db.session.scalars(
        db.select(Household).where(Household.building_id == building.id)
        .options(selectinload(Household.members).selectinload(Membership.resident))
        .order_by(Household.address)).all()
    last = _last_visits([building.id])
    return [Door(h, last.get(h.id)) for h in households]


def tallies(buildings: list[Unit]) -> dict[int, dict[str, int]]:
    """Per building: how many households ("all"), and how many in each visit state."""
    counts = dict(db.session.execute(
        db.select(Household.building_id, db.func.count())
        .where(Household.building_id.in_([b.id for b in buildings]))
        .group_by(Household.building_id)).all())
    out = {b.id: {"all": counts.get(b.id, 0), "visited": 0, "revisit": 0, "todo": 0}
           for b in buildings}
    for v in _last_visits(list(out)).values():
        out[v.household.building_id][v.state] += 1
    for c in out.values():
        c["todo"] = c["all"] - c["visited"] - c["revisit"]
    return out


def visits_of(household: Household, limit: int = 30) -> list[Visit]:
    """The household's visit log, newest first."""
    return list(db.session.scalars(
        db.select(Visit).where(Visit.household_id == household.id)
        .options(selectinload(Visit.volunteer))
        .order_by(Visit.at.desc(), Visit.id.desc()).limit(limit)))


def log_visit(household: Household, volunteer, state: str, note: str,
              token: str | None) -> Visit:
    """Record a visit; the same form token sent twice (weak signal, retry) saves it once."""
    if token and (done := db.session.scalar(db.select(Visit).where(Visit.submit_token == token))):
        return done
    visit = Visit(household=household, volunteer_id=volunteer.id, state=state,
                  note=(note or "").strip(), submit_token=token or None)
    db.session.add(visit)
    try:
        db.session.flush()
    except IntegrityError:  # the retry raced the first request
        db.session.rollback()
        return db.session.scalar(db.select(Visit).where(Visit.submit_token == token))
    record("visit_logged", visit, actor=volunteer, unit_id=household.building_id, state=state)
    db.session.commit()
    return visit
