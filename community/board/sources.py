"""Each area's public items for the notice board, as plain BoardItems (aggregates only)."""

from collections import OrderedDict
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal

from flask import url_for
from flask_babel import format_datetime
from sqlalchemy.orm import selectinload

from ..ballots import results as counted
from ..ballots.labels import OUTCOME_LABELS as BALLOT_OUTCOMES
from ..ballots.models import Ballot
from ..evaluations import service as evaluation_service
from ..evaluations.models import OUTCOME_LABELS, Evaluation
from ..extensions import db
from ..issues.models import Issue
from ..meetings.models import Body, Meeting
from ..projects import ledger
from ..projects.models import Contribution, Fund, FundMovement, Project
from ..units.models import Unit

ZERO = Decimal("0.00")


@dataclass
class BoardItem:
    section: str
    key: str  # "<kind>:<id>", stable: objections and the feed refer to it
    title: str
    posted_at: datetime
    lines: list[str] = field(default_factory=list)
    url: str | None = None
    display_until: datetime | None = None
    objection_until: datetime | None = None


def _page(stmt, limit: int, offset: int):
    total = db.session.scalar(db.select(db.func.count()).select_from(stmt.subquery()))
    return list(db.session.scalars(stmt.limit(limit).offset(offset))), total or 0


def triage(unit: Unit, limit: int, offset: int):
    """Triage results: which issues are 大事/小事/微事, forwarded or not accepted."""
    stmt = (db.select(Issue).join(Issue.unit).where(
        Unit.path.startswith(unit.path), Issue.triaged_at.is_not(None),
        Issue.status.not_in(("withdrawn", "merged")))
        .order_by(Issue.triaged_at.desc(), Issue.id.desc()))
    rows, total = _page(stmt, limit, offset)
    return [BoardItem("triage", f"issue:{i.id}", i.title, i.triaged_at,
                      [" · ".join(x for x in (i.category_label, i.status_label,
                                               i.responsible or "") if x)]) for i in rows], total


def minutes(unit: Unit, limit: int, offset: int):
    """Published meeting minutes: which meeting, which body, how many attended."""
    stmt = (db.select(Meeting).join(Meeting.body).join(Body.unit).where(
        Unit.path.startswith(unit.path), Meeting.minutes_published_at.is_not(None))
        .order_by(Meeting.minutes_published_at.desc()))
    rows, total = _page(stmt, limit, offset)
    return [BoardItem("minutes", f"meeting:{x.id}", x.title, x.minutes_published_at,
                      [f"{x.body.name} · 出席 {len(x.attendance)} 人 · {len(x.items)} 项议程"],
                      url_for("meetings.show", meeting_id=x.id)) for x in rows], total




def ballots(unit: Unit, limit: int, offset: int):
    """Ballots from their announcement on: when voting opens (the 公示期 before an owners'
    vote runs on the board), while it is open, then the verdict and turnout (never who voted
    how). Newest announcement or result first."""
    posted = db.func.coalesce(Ballot.closed_at, Ballot.created_at)
    stmt = (db.select(Ballot).join(Ballot.unit).where(
        Unit.path.startswith(unit.path), Ballot.status.in_(("scheduled", "open", "closed")))
        .order_by(posted.desc(), Ballot.id.desc()))
    rows, total = _page(stmt, limit, offset)
    items = []
    for b in rows:
        if b.status == "closed":
            line = str(BALLOT_OUTCOMES.get(b.outcome or "", "已结束"))
            line += f" · 参与 {counted.turnout(b)[0]}/{b.eligible_heads}"
            items.append(BoardItem("ballots", f"ballot:{b.id}", b.title, b.closed_at or
                                   b.created_at, [line], url_for("ballots.results",
                                                                 ballot_id=b.id)))
            continue
        when = f"{_when(b.opens_at)} 至 {_when(b.closes_at)}"
        line = (f"公示中，{when}投票" if b.status == "scheduled" else f"投票中，{when}")
        if b.status == "scheduled" and b.basis == "owner":
            days = (b.opens_at - b.created_at).days  # whole days of notice
            line += f" · 公示 {days} 天"
        items.append(BoardItem("ballots", f"ballot:{b.id}", b.title, b.created_at, [line],
                               url_for("ballots.show", ballot_id=b.id)))
    return items, total


def _when(at: datetime) -> str:
    return format_datetime(at, "M月d日 HH:mm")


def projects(unit: Unit, limit: int, offset: int):
    """Projects: state, who leads, contributions by type, and names given with consent."""
    stmt = (db.select(Project).join(Project.unit).where(Unit.path.startswith(unit.path))
            .order_by(Project.updated_at.desc(), Project.id.desc()))
    rows, total = _page(stmt, limit, offset)
    items = []
    for p in rows:
        t = ledger.totals([p.id])
        goods = "、".join(f"{k}{_num(v)}" for k, v in t.materials.items())
        lines = [f"{p.status_label} · 责任方 {p.responsible}",
                 f"出资 {t.money:,.2f} 元 · 投工 {_num(t.hours)} 小时" + (f" · 物资 {goods}"
                                                                   if goods else "")]
        named = [ledger.public_name(c) for c in db.session.scalars(db.select(Contribution).where(
            Contribution.project_id == p.id, Contribution.consent_publish).limit(8)
            .options(*ledger.NAMES))]
        named = [n for n in named if n not in ("一位居民", "一户居民", "爱心单位", "匿名")]
        if named:
            lines.append("致谢：" + "、".join(OrderedDict.fromkeys(named)))
        items.append(BoardItem("projects", f"project:{p.id}", p.title, p.updated_at, lines))
    return items, total


def _num(value) -> str:
    text = f"{value:f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def _movement_line(mv) -> str:
    what = f"{mv.kind_label} {mv.amount:,.2f} 元"
    if mv.project is not None:
        what += f" · {mv.project.title}"
    if mv.voucher:
        what += f" · 凭证 {mv.voucher}"
    return f"{what} · 余额 {mv.balance_after:,.2f} 元"


def funds(unit: Unit, limit: int, offset: int, monthly: bool = False):
    """Every movement of the funds (a village: one statement a month, 村务 finances)."""
    stmt = (db.select(FundMovement).join(FundMovement.fund).join(Fund.unit).where(
        Unit.path.startswith(unit.path)).order_by(FundMovement.occurred_on.desc(),
                                                  FundMovement.id.desc())
            .options(selectinload(FundMovement.fund).selectinload(Fund.unit),
                     selectinload(FundMovement.project)))
    if monthly:
        return _monthly(list(db.session.scalars(stmt)), limit, offset)
    rows, total = _page(stmt, limit, offset)
    return [BoardItem("funds", f"movement:{mv.id}", f"{mv.fund.unit.name}{mv.fund.label}",
                      mv.created_at, [f"{mv.occurred_on} {_movement_line(mv)}"]
                      + ([mv.note] if mv.note else [])) for mv in rows], total


def _monthly(rows, limit: int, offset: int):
    months: OrderedDict = OrderedDict()
    for mv in rows:  # newest first, so the first row of a month holds its closing balance
        key = (mv.fund_id, mv.occurred_on.strftime("%Y-%m"))
        if key not in months:
            months[key] = {"fund": mv.fund, "posted": mv.created_at, "close": mv.balance_after,
                           "income": ZERO, "allocation": ZERO, "spending": ZERO, "n": 0}
        s = months[key]
        s[mv.kind] += mv.amount
        s["n"] += 1
    items = [BoardItem("funds", f"month:{fid}:{ym}", f"{s['fund'].unit.name}{s['fund'].label}"
                       f" {ym} 月度公开", s["posted"], [_month_line(s)])
             for (fid, ym), s in months.items()]
    return items[offset:offset + limit], len(items)


def _month_line(s: dict) -> str:
    return (f"收入 {s['income']:,.2f} 元 · 拨付 {s['allocation']:,.2f} 元 · 支出 "
            f"{s['spending']:,.2f} 元 · 共 {s['n']} 笔 · 月末余额 {s['close']:,.2f} 元")


def evaluations(unit: Unit, limit: int, offset: int):
    """Closed evaluations: satisfaction as an exact share, and what follows from it."""
    stmt = (db.select(Evaluation).join(Evaluation.project).join(Project.unit).where(
        Unit.path.startswith(unit.path), Evaluation.closed_at.is_not(None))
        .order_by(Evaluation.closed_at.desc()).options(selectinload(Evaluation.project)))
    rows, total = _page(stmt, limit, offset)
    items = []
    for ev in rows:
        t, rate = evaluation_service.tally(ev), evaluation_service.percent
        items.append(BoardItem(
            "evaluations", f"evaluation:{ev.id}", f"{ev.project.title}（第{ev.round}轮）",
            ev.closed_at, [f"满意率 {rate(t.rate)} · 满意 {t.satisfied} · 基本满意 "
                           f"{t.basic} · 不满意 {t.unsatisfied} · {OUTCOME_LABELS[ev.outcome]}"]))
    return items, total


GATHERERS = {"triage": triage, "minutes": minutes, "ballots": ballots, "projects": projects,
             "funds": funds, "evaluations": evaluations}
