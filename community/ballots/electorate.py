"""Freeze who may vote when a ballot opens, and look up whose vote a resident may cast."""

from dataclasses import dataclass, field
from decimal import Decimal

from sqlalchemy import insert
from sqlalchemy.orm import selectinload

from .. import clock
from ..access import households_in
from ..extensions import db
from ..residents.models import Membership, Resident, RoleAssignment
from ..units.models import Household, Unit
from .models import Ballot, Caster, Elector, Participation
from .rules import owner_groups

ADULT_AGE = 18


@dataclass
class Voter:
    key: str
    label: str
    area: Decimal = Decimal("0")
    casters: set[int] = field(default_factory=set)


def freeze(ballot: Ballot) -> None:
    """Write the electorate of an opening ballot; later moves in or out change nothing."""
    voters = _voters(ballot)
    if voters:
        db.session.execute(insert(Elector), elector_rows(ballot.id, voters))
    rows = caster_rows(ballot.id, voters)
    if rows:
        db.session.execute(insert(Caster), rows)
    count_eligible(ballot, voters)


# What freeze writes, shared with ballots.bulk (the generated city) so the two cannot differ.
def elector_rows(ballot_id: int, voters: list[Voter]) -> list[dict]:
    return [{"ballot_id": ballot_id, "voter_key": v.key, "label": v.label[:120], "heads": 1,
             "area": v.area} for v in voters]


def caster_rows(ballot_id: int, voters: list[Voter]) -> list[dict]:
    return [{"ballot_id": ballot_id, "voter_key": v.key, "resident_id": r}
            for v in voters for r in sorted(v.casters)]


def count_eligible(ballot: Ballot, voters: list[Voter]) -> None:
    """Set the ballot's eligible heads and area (area only where it counts)."""
    ballot.eligible_heads = len(voters)
    ballot.eligible_area = sum((v.area for v in voters), Decimal("0")) if ballot.weighs_area \
        else Decimal("0")


def resident_voter(resident_id: int, name: str) -> Voter:
    """One resident, one vote (basis "resident", and representatives)."""
    return Voter(f"r{resident_id}", name, casters={resident_id})


def household_voter(household_id: int, label: str, casters) -> Voter:
    """One household, one vote, cast by any of its adults."""
    return Voter(f"h{household_id}", label, casters=set(casters))


def owner_voters(units, dead=frozenset()) -> list[Voter]:
    """The owners' votes of these 专有部分 (household id, label, owner ids, area, developer
    held), grouped by rules.owner_groups. A dead owner's 专有部分 still counts (its area, as
    one owner) until the heir is recorded as its owner; nobody can cast that vote meanwhile."""
    units = list(units)
    labels = {u[0]: u[1] for u in units}
    voters = []
    for g in owner_groups((k, owners, area, dev) for k, _, owners, area, dev in units):
        label = "、".join(labels[k] for k in g.unit_keys)
        if g.developer:
            label = f"建设单位未售出部分（{label}）"  # i18n: data (an elector's stored label)
        voters.append(Voter(f"o{g.key}", label, g.area, set(g.owner_keys) - dead))
    return voters


def residents(ballot: Ballot):
    """The residents who may cast a vote of the ballot (its frozen electorate), once each."""
    return db.session.scalars(db.select(Resident).join(
        Caster, Caster.resident_id == Resident.id).where(Caster.ballot_id == ballot.id)
        .distinct())


def _voters(ballot: Ballot) -> list[Voter]:
    if ballot.rule == "representatives":
        return _representatives(ballot)
    households = _households(ballot)
    if ballot.basis == "resident":
        return _adults(households)
    if ballot.basis == "household":
        return _households_as_voters(households)
    return _owners(households)


def _households(ballot: Ballot) -> list[Household]:
    stmt = households_in(ballot.unit).options(
        selectinload(Household.members).selectinload(Membership.resident),
        selectinload(Household.building))
    if ballot.entrance:
        stmt = stmt.where(Household.address.startswith(ballot.entrance, autoescape=True))
    return list(db.session.scalars(stmt.order_by(Household.id)))


def is_adult(resident: Resident) -> bool:
    """18 or older this year (the roster keeps the birth year only; unknown is not adult).
    A person whose death was recorded is no voter."""
    if resident.died_on is not None:
        return False
    age = resident.age_in(clock.now().year)
    return age is not None and age >= ADULT_AGE


def _adults(households: list[Household]) -> list[Voter]:
    voters: dict[int, Voter] = {}
    for hh in households:
        for m in hh.members:
            if is_adult(m.resident) and m.resident_id not in voters:
                voters[m.resident_id] = resident_voter(m.resident_id, m.resident.name)
    return list(voters.values())


def _households_as_voters(households: list[Household]) -> list[Voter]:
    # A 户 is an address where someone lives; empty flats are no household to ask.
    return [household_voter(hh.id, hh.label,
                            (m.resident_id for m in hh.members if is_adult(m.resident)))
            for hh in households if any(m.resident.died_on is None for m in hh.members)]


def _owners(households: list[Household]) -> list[Voter]:
    dead = {m.resident_id for hh in households for m in hh.members
            if m.resident.died_on is not None}
    return owner_voters(((hh.id, hh.label, [m.resident_id for m in hh.members if m.is_owner],
                          hh.area_m2, hh.developer_held) for hh in households), dead)


def representatives_of(unit: Unit):
    """A select of the living 居民代表 of this unit or of a unit below it."""
    return (db.select(Resident).join(RoleAssignment).join(Unit, RoleAssignment.unit_id == Unit.id)
            .where(RoleAssignment.role == "representative", Resident.died_on.is_(None),
                   Unit.path.startswith(unit.path)).distinct())


def has_representatives(unit: Unit) -> bool:
    """True when the unit (or a unit below it) has at least one 居民代表."""
    return db.session.scalar(representatives_of(unit).limit(1)) is not None


def _representatives(ballot: Ballot) -> list[Voter]:
    stmt = representatives_of(ballot.unit).order_by(Resident.id)
    return [resident_voter(r.id, r.name) for r in db.session.scalars(stmt)]


@dataclass
class MyVote:
    """One vote a resident may cast, and whether (and by whom) it was cast."""
    key: str
    label: str
    done: Participation | None


def my_votes(ballot: Ballot, resident) -> list[MyVote]:
    """The votes this resident may cast on the ballot, with any participation already made."""
    if not getattr(resident, "is_authenticated", False):
        return []
    rows = db.session.execute(
        db.select(Elector.voter_key, Elector.label, Participation)
        .join(Caster, (Caster.ballot_id == Elector.ballot_id)
              & (Caster.voter_key == Elector.voter_key))
        .outerjoin(Participation, (Participation.ballot_id == Elector.ballot_id)
                   & (Participation.voter_key == Elector.voter_key))
        .where(Caster.ballot_id == ballot.id, Caster.resident_id == resident.id)
        .order_by(Elector.voter_key)).all()
    return [MyVote(k, label, p) for k, label, p in rows]


def may_cast(ballot: Ballot, resident_id: int, key: str) -> bool:
    """True when the resident is one of those who may cast this voter's vote."""
    return db.session.get(Caster, (ballot.id, key, resident_id)) is not None
