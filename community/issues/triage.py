"""Triage (议题分流): 大事/小事/微事, reject, merge duplicates; the 三事分送清单."""

import calendar
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import delete, or_, update
from sqlalchemy.orm import contains_eager

from .. import clock
from ..access import role_units
from ..audit.service import record
from ..extensions import db
from ..i18n import gettext as _
from ..units.models import Unit
from .models import RESPONSIBLE_MAX, Comment, Issue, Support
from .queries import support_count
from .service import IssueError, change_status
from .states import CATEGORIES, FINISHED, TRANSITIONS, TRIAGEABLE

BOARD_LIMIT = 100


def _ancestors(issue: Issue) -> dict[str, Unit]:
    """The issue's unit and those above it, by kind."""
    units = db.session.scalars(db.select(Unit).where(Unit.id.in_(issue.unit.ancestor_ids())))
    return {u.kind: u for u in units}


def default_responsible(issue: Issue, category: str) -> str:
    """Who leads on it by default: 大事 the street, 小事 the community, 微事 the compound."""
    up = _ancestors(issue)
    if category == "big" and "street" in up:
        return up["street"].name
    community = up.get("community")
    if category == "micro" and "compound" in up:
        return _("%(name)s议事协商会", name=up["compound"].name)
    if community is None:
        return issue.unit.name
    who = _("村民") if community.is_village else _("居民")
    return _("%(name)s%(who)s议事协商委员会", name=community.name, who=who)


def triage_issue(issue: Issue, worker, category: str, responsible: str = "",
                 due_on: date | None = None, reason: str = "") -> None:
    """Sort the issue into 大事 (forwarded), 小事 or 微事, name who leads, tell the author."""
    to_status = "forwarded" if category == "big" else "triaged"
    if issue.status not in TRIAGEABLE or to_status not in TRANSITIONS[issue.status]:
        raise IssueError(_("这个议题现在是“%(status)s”，不能这样分流。", status=issue.status_label))
    issue.category, issue.due_on = category, due_on
    issue.responsible = (responsible or default_responsible(issue, category))[:RESPONSIBLE_MAX]
    issue.triaged_at = clock.now()
    note = f"{issue.category_label}，{issue.responsible}"
    change_status(issue, to_status, worker, f"{note}：{reason}" if reason else note)
    db.session.commit()


def reject_issue(issue: Issue, worker, reason: str) -> None:
    """Refuse the issue (不予受理) with a reason the author sees."""
    change_status(issue, "rejected", worker, reason)
    db.session.commit()


def merge_issue(dup: Issue, target: Issue, worker, reason: str = "") -> None:
    """Merge a duplicate into target: its supports, comments and author move along."""
    if target.id == dup.id or target.status in FINISHED:
        raise IssueError(_("不能合并到这个议题。"), "into")
    # Someone who supported both keeps one support (the unique constraint), and nobody ends
    # up supporting their own issue.
    taken = db.select(Support.resident_id).where(Support.issue_id == target.id)
    db.session.execute(delete(Support).where(Support.issue_id == dup.id, or_(
        Support.resident_id.in_(taken), Support.resident_id == target.author_id)))
    db.session.execute(update(Support).where(Support.issue_id == dup.id)
                       .values(issue_id=target.id))
    db.session.execute(update(Comment).where(Comment.issue_id == dup.id)
                       .values(issue_id=target.id))
    already = db.select(Support.id).where(Support.issue_id == target.id,
                                          Support.resident_id == dup.author_id)
    if dup.author_id not in (None, target.author_id) and db.session.scalar(already) is None:
        db.session.add(Support(issue_id=target.id, resident_id=dup.author_id))
    dup.merged_into_id = target.id
    change_status(dup, "merged", worker, _("并入第%(id)d号议题%(why)s", id=target.id,
                                           why=f"：{reason}" if reason else ""))
    record("issue_merged_into", target, actor=worker, unit_id=target.unit_id, merged=dup.id)
    db.session.commit()


def _served(worker):
    """A condition on Unit: in a unit where the worker serves, or below it."""
    return or_(*[Unit.path.startswith(u.path) for u in role_units(worker, "worker")])


def triage_board(worker) -> tuple[list, list]:
    """Untriaged issues (urgent on top, oldest first) and the latest triaged ones."""
    base = (db.select(Issue, support_count()).join(Issue.unit).where(_served(worker))
            .options(contains_eager(Issue.unit)))
    waiting = db.session.execute(base.where(Issue.status == "submitted").order_by(
        Issue.urgent.desc(), Issue.created_at, Issue.id).limit(BOARD_LIMIT)).all()
    done = db.session.execute(base.where(Issue.status.in_(("triaged", "forwarded"))).order_by(
        Issue.triaged_at.desc(), Issue.id.desc()).limit(20)).all()
    return [tuple(r) for r in waiting], [tuple(r) for r in done]


@dataclass
class Sheet:
    """One A4 page of the dispatch list: the issues one body leads on."""
    category: str
    responsible: str
    rows: list


def _utc(day: date) -> datetime:
    """Local midnight at the start of day, as naive UTC."""
    return clock.to_utc(day)


def parse_period(args) -> tuple[date, date, str]:
    """The ?from=&to= dates (default: this month) and an error message if they are bad."""
    today = clock.today()
    start = today.replace(day=1)
    end = today.replace(day=calendar.monthrange(today.year, today.month)[1])
    try:
        start = date.fromisoformat(args["from"]) if args.get("from") else start
        end = date.fromisoformat(args["to"]) if args.get("to") else end
    except ValueError:
        return start, end, _("日期格式应为 2024-05-01")
    if end < start or end - start > timedelta(days=366):
        return start, end, _("结束日期要在开始日期之后，最长一年")
    return start, end, ""


def dispatch_sheets(worker, start: date, end: date) -> list[Sheet]:
    """Issues triaged in the period, one sheet per category and responsible body."""
    rows = db.session.execute(
        db.select(Issue, support_count()).join(Issue.unit).where(_served(worker))
        .where(Issue.category.is_not(None), Issue.status.not_in(("withdrawn", "merged")),
               Issue.triaged_at >= _utc(start), Issue.triaged_at < _utc(end + timedelta(1)))
        .options(contains_eager(Issue.unit))
        .order_by(Issue.urgent.desc(), Issue.triaged_at, Issue.id)).all()
    sheets: dict[tuple[str, str], Sheet] = {}
    for issue, n in rows:
        key = (issue.category, issue.responsible or "")
        sheets.setdefault(key, Sheet(*key, [])).rows.append((issue, n))
    return sorted(sheets.values(), key=lambda s: (CATEGORIES.index(s.category), s.responsible))
