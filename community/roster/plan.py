"""Check the roster rows against each other, the worker's units and the database."""

from dataclasses import dataclass, field
from decimal import Decimal

from sqlalchemy.orm import selectinload

from ..access import has_role, role_units
from ..extensions import db
from ..i18n import gettext as _
from ..residents.models import Membership, Resident
from ..units.models import KIND_LABELS, KINDS, Household, Unit
from .rows import RosterInvalid, RosterRow, RowError

CHUNK = 500  # values per IN (...) query, well under every database's parameter limit


@dataclass
class Person:
    """One resident code in the file, with what the rows say about them."""
    code: str
    name: str
    phone: str | None
    birth_year: int | None
    pin: str | None
    rows: list[int]
    existing: Resident | None = None
    saved: Resident | None = None
    changed: bool = False  # an existing resident got a new household, owner flag or detail


@dataclass
class Plan:
    """The checked file and the matching rows already in the database."""
    rows: list[RosterRow]
    people: dict[str, Person]
    areas: dict[tuple, Decimal | None]
    units: dict[tuple, Unit] = field(default_factory=dict)
    households: dict[tuple, Household] = field(default_factory=dict)
    errors: list[RowError] = field(default_factory=list)


def checked_plan(rows: list[RosterRow], field_errors: list[RowError], actor) -> Plan:
    """Check the rows against each other, the actor's units and the database; raise if bad."""
    plan = _plan_file(rows)
    plan.errors += field_errors
    wrong_kind = _match_units(plan)
    if actor is not None:
        plan.errors += _outside_scope(plan, actor, wrong_kind)
    _match_households(plan)
    _match_residents(plan, actor)
    if plan.errors:
        raise RosterInvalid(plan.errors)
    return plan


def _plan_file(rows: list[RosterRow]) -> Plan:
    """Group rows by person and by household; report rows that contradict earlier ones."""
    plan = Plan(rows, {}, {})
    phones: dict[str, tuple[str, int]] = {}
    areas_at: dict[tuple, int] = {}
    seen: dict[tuple, int] = {}
    for r in rows:
        reasons = _same_person(plan.people, r)
        if r.phone:
            code, at = phones.setdefault(r.phone, (r.code, r.number))
            if code != r.code:
                reasons.append(_("手机号与第%(row)d行另一位居民（居民码%(code)s）相同",
                                 row=at, code=code))
        at = seen.setdefault((r.code, r.household_key), r.number)
        if at != r.number:
            reasons.append(_("同一人在这一户已出现在第%(row)d行", row=at))
        known = plan.areas.get(r.household_key)
        if r.area is not None and known is not None and known != r.area:
            reasons.append(_("同一户在第%(row)d行的面积是%(a)s，这里是%(b)s",
                             row=areas_at[r.household_key], a=known, b=r.area))
        elif known is None:
            plan.areas[r.household_key] = r.area
            areas_at[r.household_key] = r.number
        plan.errors += [RowError(r.number, reason) for reason in reasons]
    return plan


def _same_person(people: dict[str, Person], r: RosterRow) -> list[str]:
    """Record the row's person, or check it agrees with the earlier rows of the same code."""
    p = people.get(r.code)
    if p is None:
        people[r.code] = Person(r.code, r.name, r.phone, r.birth_year, r.pin, [r.number])
        return []
    p.rows.append(r.number)
    first, reasons = p.rows[0], []
    if r.name != p.name:
        reasons.append(_("居民码%(code)s在第%(row)d行的姓名是“%(name)s”，这里不同",
                         code=r.code, row=first, name=p.name))
    for attr, label in (("phone", _("手机号")), ("birth_year", _("出生年份")),
                        ("pin", _("密码"))):
        mine, theirs = getattr(r, attr), getattr(p, attr)
        if mine is not None and theirs is not None and mine != theirs:
            reasons.append(_("居民码%(code)s在第%(row)d行的%(what)s不同", code=r.code,
                             row=first, what=label))
        elif theirs is None:
            setattr(p, attr, mine)
    return reasons


def _outside_scope(plan: Plan, actor, wrong_kind: set[tuple]) -> list[RowError]:
    """Rows for units the worker does not serve (their worker unit or below): either an
    existing unit of another place, or a name that matches no unit above their own."""
    chains = [tuple(names_from_root(u)) for u in role_units(actor, "worker")]
    mine = "、".join("/".join(c) for c in chains)
    errors = []
    for r in plan.rows:
        if r.path in wrong_kind or any(r.path[:len(c)] == c for c in chains):
            continue
        for level in range(len(r.path)):
            head = r.path[:level + 1]
            if head not in plan.units:
                above = "/".join(head[:-1])
                reason = _("找不到%(kind)s“%(name)s”：%(where)s没有叫这个名字的%(kind)s。"
                           "您负责的是“%(mine)s”，请照这个写法填写", kind=_kind(level),
                           name=head[-1], mine=mine,
                           where=_("“%(above)s”下面", above=above) if above else _("系统里"))
                break
            if not any(c[:len(head)] == head for c in chains):
                reason = _("“%(path)s”不在您负责的“%(mine)s”范围内，不能导入",
                           path="/".join(r.path), mine=mine)
                break
        errors.append(RowError(r.number, reason))
    return errors


def _kind(level: int) -> str:
    return {"street": _("街道"), "community": _("社区"), "compound": _("小区"),
            "building": _("楼栋")}[KINDS[level]]


def names_from_root(unit: Unit) -> list[str]:
    ids = unit.ancestor_ids()
    units = {u.id: u.name for u in db.session.scalars(db.select(Unit).where(Unit.id.in_(ids)))}
    return [units[i] for i in ids]


def _match_units(plan: Plan) -> set[tuple]:
    """Find the existing units on each path; a unit of the wrong kind is an error. Returns
    the paths with such a unit."""
    paths = list(dict.fromkeys(r.path for r in plan.rows))
    index = _units_on(paths)
    bad: dict[tuple, str] = {}
    for path in paths:
        parent = None
        for level, name in enumerate(path):
            unit = index.get((parent.id if parent else None, name))
            if unit is None:
                break
            if unit.kind != KINDS[level]:
                bad[path] = _("“%(name)s”已登记为%(actual)s，不是%(expected)s",
                              name=name, actual=unit.kind_label,
                              expected=KIND_LABELS[KINDS[level]])
                break
            plan.units[path[:level + 1]] = parent = unit
    plan.errors += [RowError(r.number, bad[r.path]) for r in plan.rows if r.path in bad]
    return set(bad)


def _units_on(paths: list[tuple]) -> dict[tuple, Unit]:
    """(parent id, name) → unit for the units named on the paths, one query per level."""
    index: dict[tuple, Unit] = {}
    parent_ids: list[int] = []
    for level in range(len(KINDS)):
        under = Unit.parent_id.is_(None) if level == 0 else Unit.parent_id.in_(parent_ids)
        found = [u for chunk in _chunks(list({p[level] for p in paths}))
                 for u in db.session.scalars(db.select(Unit).where(under, Unit.name.in_(chunk)))]
        index.update({(u.parent_id, u.name): u for u in found})
        parent_ids = [u.id for u in found]
        if not parent_ids:
            break
    return index


def _match_households(plan: Plan) -> None:
    """Find the existing households at the file's addresses in existing buildings."""
    buildings = {plan.units[p].id: p for p in {r.path for r in plan.rows} if p in plan.units}
    for chunk in _chunks(list(buildings)):
        stmt = db.select(Household).where(Household.building_id.in_(chunk))
        for hh in db.session.scalars(stmt):
            key = (buildings[hh.building_id], hh.address)
            if key in plan.areas:
                plan.households[key] = hh


def _match_residents(plan: Plan, actor) -> None:
    """Match codes and phones with residents already registered; report the conflicts."""
    by_code = _load(Resident.code, list(plan.people))
    by_phone = _load(Resident.phone, [p.phone for p in plan.people.values() if p.phone])
    for p in plan.people.values():
        def err(reason, p=p):
            plan.errors.extend(RowError(n, reason) for n in p.rows)
        known = by_code.get(p.code)
        holder = by_phone.get(p.phone) if p.phone else None
        if holder is not None and holder.code != p.code:
            err(_("手机号%(phone)s已登记给另一位居民", phone=p.phone))
        if known is None:
            continue
        if known.name != p.name:
            err(_("居民码%(code)s已属于另一位居民（姓名不同），请核对", code=p.code))
            continue
        p.existing = known
        changes = ((p.phone and p.phone != known.phone)
                   or (p.birth_year and p.birth_year != known.birth_year))
        if changes and not _may_manage(actor, known):
            err(_("居民码%(code)s由其他单位管理，不能在这里更改其手机号或出生年份", code=p.code))


def _load(column, values: list[str]) -> dict[str, Resident]:
    """Residents whose column is one of values, with their households loaded."""
    found: dict[str, Resident] = {}
    opts = selectinload(Resident.memberships).joinedload(Membership.household)
    for chunk in _chunks(values):
        stmt = db.select(Resident).where(column.in_(chunk)).options(opts)
        for res in db.session.scalars(stmt):
            found[getattr(res, column.key)] = res
    return found


def _may_manage(actor, resident: Resident) -> bool:
    """The admin CLI, or a worker over one of the resident's households (or none yet)."""
    if actor is None or not resident.memberships:
        return True
    return any(has_role(actor, "worker", m.household.building) for m in resident.memberships)


def _chunks(items: list, size: int = CHUNK):
    for i in range(0, len(items), size):
        yield items[i:i + size]
