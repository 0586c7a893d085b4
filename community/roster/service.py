"""Import the resident roster: check every row, then save all of it in one go, or nothing."""

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import timedelta
from decimal import Decimal

from sqlalchemy.exc import IntegrityError

from .. import clock
from ..audit.service import record
from ..errors.domain import DomainError
from ..extensions import db
from ..formkit import new_token
from ..i18n import gettext as _
from ..residents.models import Membership, Resident
from ..residents.pins import hash_pin, new_pin
from ..residents.service import Slip
from ..units.models import KINDS, Household, Unit
from ..units.service import create_unit
from .models import RosterUpload
from .parse import RosterFileError, read_roster, template_csv
from .plan import Person, Plan, checked_plan, names_from_root
from .preview import Preview, new_unit_paths, summarise, units_digest
from .rows import RosterInvalid, RosterRow, RowError, check_rows

__all__ = ["AlreadyImported", "ImportResult", "RosterInvalid", "RowError", "UnitsUnconfirmed",
           "UploadGone", "check_roster", "confirm_upload", "describe", "example_path",
           "import_roster", "stage_upload", "template_csv", "upload_for"]

Progress = Callable[[list, int], Iterable]
KEEP = timedelta(days=2)  # how long an upload waits for its confirmation


class UploadGone(DomainError):
    """No such upload of this worker's (never made, someone else's, or forgotten)."""

    def __init__(self):
        super().__init__(_("找不到这次上传的名册（可能已超过两天），没有导入。请重新选择文件。"))


class AlreadyImported(DomainError):
    """The upload was imported already: a re-sent confirmation. `summary` says what it did."""

    def __init__(self, summary: str):
        super().__init__(_("这份名册已经导入过了，没有再导入一次。") + summary)
        self.summary = summary


class UnitsUnconfirmed(DomainError):
    """The file would create units the worker has not confirmed (`changed`: other ones than
    shown), said beside the confirmation box."""

    def __init__(self, changed: bool):
        super().__init__(
            _("要新建的单位和刚才列出的不一样了（可能有人同时改动了），请重新核对后再确认。")
            if changed else
            _("请逐个核对上面要新建的单位，没有写错就勾选这一项；有写错的，请改正文件后重新上传。"),
            "new_units_ok")


@dataclass
class ImportResult:
    rows: int = 0
    created: int = 0  # new residents
    updated: int = 0  # known residents given a new household, owner flag, phone or birth year
    households: int = 0  # new households
    units: int = 0  # new units (街道/社区/小区/楼栋)
    areas: int = 0  # existing households whose floor area the file changed
    pins_from_file: int = 0  # new residents whose PIN was in the file: no slip printed
    slips: list[Slip] = field(default_factory=list)


def example_path(units: list[Unit]) -> str:
    """A unit_path written as in the worker's own tree, for the help text: the first building
    under their first unit (or made-up names below it when it has none yet)."""
    unit = units[0]
    building = db.session.scalar(
        db.select(Unit).where(Unit.path.startswith(unit.path), Unit.kind == "building")
        .order_by(Unit.id).limit(1))
    names = names_from_root(building or unit)
    return "/".join(names + [_("某街道"), _("某社区"), _("某小区"), _("1栋")][len(names):])


def import_roster(filename: str, data: bytes, *, actor: Resident | None = None,
                  progress: Progress | None = None, upload: RosterUpload | None = None,
                  units_seen: str | None = None) -> ImportResult:
    """Import a roster file for a worker (or, with no actor, the admin CLI): all rows or none.

    From the upload page, `upload` is the previewed file, imported once only, and
    `units_seen` names the new units the worker confirmed (UnitsUnconfirmed otherwise).
    Ends the caller's transaction: PINs are hashed between the check and the save, so a
    slow hash never holds the database's write lock."""
    rows, errors, count = _read(filename, data)
    plan = checked_plan(rows, errors, actor)
    _check_units(plan, units_seen)
    db.session.rollback()  # only reads so far
    pins = _make_pins([p for p in plan.people.values() if p.existing is None], progress)
    plan = checked_plan(rows, errors, actor)  # again, inside the writing transaction
    _check_units(plan, units_seen)
    try:
        if upload is not None:
            _claim(upload.id)
        result = _save(plan, pins)
        result.rows = count
        record("roster_import", object_type="roster", actor=actor, unit_id=_common_unit(plan),
               file=filename, rows=result.rows, created=result.created,
               updated=result.updated, households=result.households, units=result.units,
               areas=result.areas, slips=len(result.slips))
        if upload is not None:
            db.session.execute(db.update(RosterUpload).where(RosterUpload.id == upload.id)
                               .values(summary=describe(result)))
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        raise RosterInvalid([RowError(0, _("保存时发现有人同时改动了居民数据，没有导入任何内容。"
                                           "请再导入一次。"))]) from None
    return result


def check_roster(filename: str, data: bytes, actor: Resident) -> Preview:
    """What importing the file would do, counted without writing anything; RosterInvalid
    lists every bad row."""
    rows, errors, _count = _read(filename, data)
    return summarise(checked_plan(rows, errors, actor))


def stage_upload(filename: str, data: bytes, actor: Resident) -> RosterUpload:
    """Check an uploaded roster and keep it for the worker to confirm after the preview.
    Nothing but the file itself is saved; uploads older than KEEP are forgotten."""
    check_roster(filename, data, actor)
    db.session.execute(db.delete(RosterUpload)
                       .where(RosterUpload.created_at < clock.now() - KEEP))
    upload = RosterUpload(token=new_token(), actor_id=actor.id,
                          filename=(filename or "")[-200:], data=data)
    db.session.add(upload)
    db.session.commit()
    return upload


def upload_for(token: str | None, actor: Resident) -> RosterUpload:
    """The actor's own upload with this token: UploadGone for any other (no one learns whether
    someone else's token exists)."""
    upload = db.session.scalar(db.select(RosterUpload).where(RosterUpload.token == token)
                               ) if token else None
    if upload is None or upload.actor_id != actor.id:
        raise UploadGone
    if upload.imported_at is not None:
        raise AlreadyImported(upload.summary or "")
    return upload


def confirm_upload(upload: RosterUpload, actor: Resident, units_seen: str) -> ImportResult:
    """Import a previewed upload, once; a second confirmation raises AlreadyImported."""
    return import_roster(upload.filename, upload.data, actor=actor, upload=upload,
                         units_seen=units_seen)


def _read(filename: str, data: bytes) -> tuple[list[RosterRow], list[RowError], int]:
    """The file's good rows, the errors of the others, and how many rows it has."""
    try:
        raw = read_roster(filename, data)
    except RosterFileError as e:
        raise RosterInvalid([RowError(0, str(e))]) from None
    rows, errors = check_rows(raw, clock.now().year)
    return rows, errors, len(raw)


def _check_units(plan: Plan, units_seen: str | None) -> None:
    """From the upload page, new units are created only when the worker confirmed exactly
    these: a typo such as 9栋 for 6栋 is seen, not silently built."""
    if units_seen is None:
        return
    paths = ["/".join(p) for p in new_unit_paths(plan)]
    if paths and units_digest(paths) != units_seen:
        raise UnitsUnconfirmed(changed=bool(units_seen))


def _claim(upload_id: int) -> None:
    """Mark the upload imported in the import's own transaction, or raise if it already is:
    two confirmations at once import once (the second waits for the first's row lock)."""
    claimed = db.session.execute(
        db.update(RosterUpload)
        .where(RosterUpload.id == upload_id, RosterUpload.imported_at.is_(None))
        .values(imported_at=clock.now(), data=None))
    if claimed.rowcount != 1:
        db.session.rollback()
        summary = db.session.scalar(db.select(RosterUpload.summary)
                                    .where(RosterUpload.id == upload_id))
        raise AlreadyImported(summary or "")


def describe(result: ImportResult) -> str:
    """The import's counts in one plain sentence."""
    text = _("已导入 %(rows)d 行：新登记居民 %(created)d 人，更新 %(updated)d 人，新建住户 "
             "%(households)d 户，新建单位 %(units)d 个。", rows=result.rows,
             created=result.created, updated=result.updated, households=result.households,
             units=result.units)
    if result.areas:
        text += _("更正了 %(n)d 户的面积。", n=result.areas)
    if result.pins_from_file:
        text += _("其中 %(n)d 人的密码由文件给出，不打印凭条。", n=result.pins_from_file)
    return text


def _make_pins(people: list[Person], progress: Progress | None) -> dict[str, tuple[str, str]]:
    """Code → (PIN, hash) for new residents: the file's PIN, or a fresh random one."""
    pins = {}
    for p in progress(people, len(people)) if progress else people:
        pin = p.pin or new_pin()
        pins[p.code] = (pin, hash_pin(pin))
    return pins


def _save(plan: Plan, pins: dict[str, tuple[str, str]]) -> ImportResult:
    """Create the missing units, households, residents and memberships; update the rest."""
    result = ImportResult()
    for r in plan.rows:
        building = _building(plan, r.path, result)
        household = _household(plan, r, building, result)
        p = plan.people[r.code]
        if p.saved is None:
            p.saved = _resident(p, pins, household, result)
        _membership(p, household, r.owner)
    result.updated = sum(p.changed for p in plan.people.values() if p.existing is not None)
    db.session.flush()
    return result


def _building(plan: Plan, path: tuple, result: ImportResult) -> Unit:
    """The building at path, creating it and any missing unit above it."""
    parent = None
    for level, name in enumerate(path):
        unit = plan.units.get(path[:level + 1])
        if unit is None:
            village = level == 1 and name.endswith("村")  # i18n: data (a typed unit name)
            unit = plan.units[path[:level + 1]] = create_unit(parent, name, KINDS[level],
                                                             is_village=village)
            result.units += 1
        parent = unit
    return parent


def _household(plan: Plan, r: RosterRow, building: Unit, result: ImportResult) -> Household:
    """The row's household, created if new; a changed area is updated."""
    key, area = r.household_key, plan.areas[r.household_key]
    hh = plan.households.get(key)
    if hh is None:
        hh = Household(building=building, address=r.address, area_m2=area or Decimal("0"))
        db.session.add(hh)
        plan.households[key] = hh
        result.households += 1
    elif area is not None and hh.area_m2 != area:
        hh.area_m2 = area
        result.areas += 1
    return hh


def _resident(p: Person, pins, household: Household, result: ImportResult) -> Resident:
    """The person's resident: the known one (details updated) or a new one with a PIN hash."""
    if p.existing is not None:
        res = p.existing
        if (p.phone and p.phone != res.phone) or (p.birth_year and p.birth_year != res.birth_year):
            res.phone, res.birth_year = p.phone or res.phone, p.birth_year or res.birth_year
            p.changed = True
        return res
    pin, pin_hash = pins.get(p.code) or _fresh_pin(p)
    res = Resident(name=p.name, phone=p.phone, code=p.code, pin_hash=pin_hash,
                   birth_year=p.birth_year)
    db.session.add(res)
    result.created += 1
    if p.pin is None:
        result.slips.append(Slip(p.name, p.code, p.phone, household.label, pin))
    else:
        result.pins_from_file += 1
    return res


def _fresh_pin(p: Person) -> tuple[str, str]:
    # Only for a resident someone else removed between the check and the save: rare.
    pin = p.pin or new_pin()
    return pin, hash_pin(pin)


def _membership(p: Person, household: Household, owner: bool) -> None:
    """Add the person to the household, or correct the owner flag of their membership."""
    for m in p.saved.memberships:
        if m.household is household or (household.id and m.household_id == household.id):
            if m.is_owner != owner:
                m.is_owner, p.changed = owner, True
            return
    p.saved.memberships.append(Membership(household=household, is_owner=owner))
    p.changed = True


def _common_unit(plan: Plan) -> int | None:
    """The lowest unit that contains every building in the file (for the audit row)."""
    paths = list(dict.fromkeys(plan.units[r.path].path for r in plan.rows))
    common = paths[0].split("/")[:-1] if paths else []
    for path in paths[1:]:
        parts = path.split("/")
        n = 0
        while n < len(common) and n < len(parts) and common[n] == parts[n]:
            n += 1
        common = common[:n]
    return int(common[-1]) if common else None
