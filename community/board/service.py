"""What the notice board shows, for how long, and objections filed against it."""

from collections import OrderedDict
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import lru_cache
from typing import NamedTuple

from babel.dates import parse_pattern
from flask import abort, current_app
from flask_babel import get_locale

from ..audit.models import AuditLog
from ..audit.service import record
from ..clock import local, now
from ..errors.domain import DomainError
from ..extensions import db
from ..i18n import gettext as _
from ..issues.service import post_issue
from ..projects.service import lives_in
from ..units.models import Unit
from . import sources
from .models import SECTION_LABELS, SECTIONS, BoardSetting, Objection

# Minimum display (公示) and objection windows in days, unless a unit sets its own.
DISPLAY_DAYS = {"triage": 7, "minutes": 7, "ballots": 7, "projects": 30, "funds": 30,
                "evaluations": 7}
OBJECTION_DAYS = {"triage": 0, "minutes": 0, "ballots": 7, "projects": 0, "funds": 7,
                  "evaluations": 7}
PER_SECTION = 5


class ObjectionRefused(DomainError):
    """The item takes no objection (any more)."""


class Link(NamedTuple):
    id: int
    name: str
    kind: str


@dataclass
class Place:
    """A unit as the board needs it, read in one query: its name, parent and children, its
    ancestors' settings and village flag, and the board's version."""
    id: int
    name: str
    kind: str
    path: str
    parent: Link | None
    children: list[tuple[int, str]]
    village: bool
    settings: dict[tuple[int, str], tuple[int, int]]
    version: int

    def ancestor_ids(self) -> list[int]:
        return [int(x) for x in self.path.split("/") if x]


def version_clause():
    """The board's version: the audit chain's last sequence number. Every state change
    appends an audit row (bulk loads too, ops.loader), so any change the board shows raises
    it; the chain is appended one writer at a time, so it grows in commit order."""
    return db.func.coalesce(db.select(db.func.max(AuditLog.seq)).scalar_subquery(), 0)


@lru_cache(maxsize=1)
def _place_query():
    """The unit (:unit_id), its ancestors (recursive, by primary key) with their settings,
    its children that have boards, and the board's version: one statement, built once."""
    unit_id = db.bindparam("unit_id", type_=db.Integer)
    up = db.select(Unit.id, Unit.parent_id).where(Unit.id == unit_id).cte("up", recursive=True)
    up = up.union_all(db.select(Unit.id, Unit.parent_id).join(up, Unit.id == up.c.parent_id))
    mine = Unit.id.in_(db.select(up.c.id))
    return (db.select(Unit.id, Unit.parent_id, Unit.name, Unit.kind, Unit.path, Unit.is_village,
                      BoardSetting.section, BoardSetting.display_days,
                      BoardSetting.objection_days, version_clause().label("version"))
            .outerjoin(BoardSetting, db.and_(BoardSetting.unit_id == Unit.id, mine))
            .where(db.or_(mine, db.and_(Unit.parent_id == unit_id, Unit.kind != "building")))
            .order_by(Unit.name, Unit.id))


def place_or_404(unit_id: int) -> Place:
    """The unit as the board needs it; 404 for a missing unit or a building."""
    rows = db.session.execute(_place_query(), {"unit_id": unit_id}).all()
    me = next((r for r in rows if r.id == unit_id), None)
    if me is None or me.kind == "building":
        abort(404)  # a building's board would come close to naming households
    above = {r.id: r for r in rows if me.path.startswith(r.path)}
    parent = above.get(me.parent_id)
    children = OrderedDict((r.id, r.name) for r in rows if r.parent_id == unit_id)
    return Place(me.id, me.name, me.kind, me.path,
                 Link(parent.id, parent.name, parent.kind) if parent else None,
                 list(children.items()), any(r.is_village for r in above.values()),
                 {(r.id, r.section): (r.display_days, r.objection_days)
                  for r in rows if r.section is not None}, me.version)


def window(place: Place, section: str) -> tuple[int, int]:
    """(display days, objection days): the nearest unit's own setting, else the defaults."""
    for uid in reversed(place.ancestor_ids()):
        if (uid, section) in place.settings:
            return place.settings[uid, section]
    cfg = current_app.config
    display = cfg.get("BOARD_DISPLAY_DAYS", DISPLAY_DAYS)[section]
    return display, cfg.get("BOARD_OBJECTION_DAYS", OBJECTION_DAYS)[section]


def save_settings(unit: Unit, values: dict[str, tuple[int, int]], actor) -> None:
    """Set the unit's own display and objection days per section; audit; commit once."""
    current = {s.section: s for s in db.session.scalars(
        db.select(BoardSetting).where(BoardSetting.unit_id == unit.id))}
    for section, (display, objection) in values.items():
        row = current.get(section) or BoardSetting(unit_id=unit.id, section=section)
        row.display_days, row.objection_days = display, objection
        db.session.add(row)
    record("board_settings", unit, actor=actor, unit_id=unit.id,
           **{k: list(v) for k, v in values.items()})
    db.session.commit()


def sections(place: Place, wanted: dict[str, tuple[int, int]]) -> dict[str, tuple[list, int]]:
    """Each wanted section's (limit, offset) page: (items, how many in all), newest first,
    with their display and objection windows and the dates the page prints."""
    found = sources.gather(place.path, wanted, _when, village=place.village)
    for section, (items, _total) in found.items():
        display, objection = window(place, section)
        for item in items:
            item.display_until = item.posted_at + timedelta(days=display)
            item.posted_day, item.display_day = _day(item.posted_at), _day(item.display_until)
            if objection:
                item.objection_until = item.posted_at + timedelta(days=objection)
                item.objection_day = _day(item.objection_until)
    return found


def _day(at: datetime) -> str:
    """yyyy-MM-dd in Beijing time (what datetimeformat("yyyy-MM-dd") printed)."""
    return local(at).date().isoformat()


def _when(at: datetime) -> str:
    """"M月d日 HH:mm" in Beijing time, the pattern parsed once per language."""
    pattern = _("M月d日 HH:mm")
    return _pattern(pattern).apply(local(at), get_locale())


@lru_cache(maxsize=16)
def _pattern(pattern: str):
    return parse_pattern(pattern)


def section_items(place: Place, section: str, limit: int = PER_SECTION, offset: int = 0):
    """One section's items, newest first, with their display and objection windows."""
    return sections(place, {section: (limit, offset)})[section]


def board(place: Place, per_section: int = PER_SECTION) -> list[tuple[str, str, list, int]]:
    """Every section: (key, label, latest items, how many in all)."""
    found = sections(place, dict.fromkeys(SECTIONS, (per_section, 0)))
    return [(s, str(SECTION_LABELS[s]), *found[s]) for s in SECTIONS]


def feed(place: Place, limit: int = 30) -> list:
    """The newest items of every section together, for the Atom feed."""
    found = sections(place, dict.fromkeys(SECTIONS, (limit, 0)))
    items = [i for s in SECTIONS for i in found[s][0]]
    return sorted(items, key=lambda i: i.posted_at, reverse=True)[:limit]


def find_item(place: Place, section: str, key: str):
    """An item still inside its objection window, or None."""
    if section not in SECTIONS:
        return None
    items, _total = section_items(place, section, limit=200)
    return next((i for i in items if i.key == key), None)


def objection_open(item) -> bool:
    return item is not None and item.objection_until is not None and now() < item.objection_until


def file_objection(unit: Unit, item, resident, text: str, token: str | None = None) -> Objection:
    """A resident of the unit objects within the window; it becomes an issue; commit once."""
    if token and (done := db.session.scalar(
            db.select(Objection).where(Objection.submit_token == token))):
        return done
    if not lives_in(resident, unit):
        abort(403)
    if not objection_open(item):
        raise ObjectionRefused(_("这一项的异议期已过，或不接受异议"))
    obj = Objection(unit_id=unit.id, section=item.section, item_key=item.key,
                    item_title=item.title[:120], resident_id=resident.id, text=text.strip(),
                    submit_token=token)
    db.session.add(obj)
    db.session.flush()
    record("objection_filed", obj, actor=resident, unit_id=unit.id, section=item.section,
           item=item.key)
    obj.issue_id = _as_issue(unit, item, resident, obj)
    db.session.commit()
    return obj


def _as_issue(unit: Unit, item, resident, obj: Objection) -> int:
    """Turn the objection into an issue through the issues area (it commits itself)."""
    # The issue's own text, kept as the resident's words (data, like the objection itself).
    title = f"异议：{item.title}"[:60]  # i18n: data
    section = SECTION_LABELS[item.section]
    body = f"对公开栏“{section}”中“{item.title}”的异议：\n{obj.text}"  # i18n: data
    issue = post_issue(author=resident, unit=unit, title=title, body=body[:2000],
                       token=f"objection:{obj.submit_token or obj.id}")
    return issue.id
