"""What the notice board shows, for how long, and objections filed against it."""

from datetime import timedelta

from flask import abort, current_app, g, has_request_context
from flask_babel import gettext as _

from ..audit.service import record
from ..clock import now
from ..errors.domain import DomainError
from ..extensions import db
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


def is_village(unit: Unit) -> bool:
    """True for a 村 or anything inside one (村务 finances are published monthly)."""
    if unit.is_village:
        return True
    ids = unit.ancestor_ids()
    return bool(db.session.scalar(db.select(db.func.count(Unit.id)).where(
        Unit.id.in_(ids), Unit.is_village)))


def settings_for(unit: Unit, section: str) -> tuple[int, int]:
    """(display days, objection days): the nearest unit's own setting, else the defaults."""
    rows = _settings_above(unit)
    for uid in reversed(unit.ancestor_ids()):
        if (uid, section) in rows:
            return rows[uid, section]
    cfg = current_app.config
    display = cfg.get("BOARD_DISPLAY_DAYS", DISPLAY_DAYS)[section]
    return display, cfg.get("BOARD_OBJECTION_DAYS", OBJECTION_DAYS)[section]


def _settings_above(unit: Unit) -> dict[tuple[int, str], tuple[int, int]]:
    """Every section's own settings of the unit and its ancestors, one query per request
    (the board asks once per section)."""
    memo = g.setdefault("board_settings", {}) if has_request_context() else {}
    if unit.id not in memo:
        memo[unit.id] = {(r.unit_id, r.section): (r.display_days, r.objection_days)
                         for r in db.session.scalars(db.select(BoardSetting).where(
                             BoardSetting.unit_id.in_(unit.ancestor_ids())))}
    return memo[unit.id]


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


def section_items(unit: Unit, section: str, limit: int = PER_SECTION, offset: int = 0):
    """One section's items, newest first, with their display and objection windows."""
    gather = sources.GATHERERS[section]
    kw = {"monthly": True} if section == "funds" and is_village(unit) else {}
    items, total = gather(unit, limit, offset, **kw)
    display, objection = settings_for(unit, section)
    for item in items:
        item.display_until = item.posted_at + timedelta(days=display)
        if objection:
            item.objection_until = item.posted_at + timedelta(days=objection)
    return items, total


def board(unit: Unit, per_section: int = PER_SECTION) -> list[tuple[str, str, list, int]]:
    """Every section: (key, label, latest items, how many in all)."""
    return [(s, SECTION_LABELS[s], *section_items(unit, s, per_section)) for s in SECTIONS]


def feed(unit: Unit, limit: int = 30) -> list:
    """The newest items of every section together, for the Atom feed."""
    items = [i for s in SECTIONS for i in section_items(unit, s, limit)[0]]
    return sorted(items, key=lambda i: i.posted_at, reverse=True)[:limit]


def find_item(unit: Unit, section: str, key: str):
    """An item still inside its objection window, or None."""
    if section not in SECTIONS:
        return None
    items, _ = section_items(unit, section, limit=200)
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
