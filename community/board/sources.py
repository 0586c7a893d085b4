"""Each area's public items for the notice board, as plain BoardItems (aggregates only)."""

from collections import OrderedDict
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal

from flask import url_for
from flask_babel import format_datetime
from flask_babel import gettext as _
from sqlalchemy.orm import selectinload

from ..ballots import results as counted
from ..ballots.labels import OUTCOME_LABELS as BALLOT_OUTCOMES
from ..ballots.labels import STATUS_LABELS as BALLOT_STATES
from ..ballots.models import Ballot
from ..evaluations import service as evaluation_service
from ..evaluations.models import CHOICE_LABELS, OUTCOME_LABELS, Evaluation
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
                      [_("%(body)s · 出席 %(n)s 人 · %(items)s 项议程", body=x.body.name,
                         n=len(x.attendance), items=len(x.items))],
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
            line = _("%(verdict)s · 参与 %(cast)s/%(eligible)s",
                     verdict=BALLOT_OUTCOMES.get(b.outcome or "", BALLOT_STATES["closed"]),
                     cast=counted.turnout(b)[0], eligible=b.eligible_heads)
            items.append(BoardItem("ballots", f"ballot:{b.id}", b.title, b.closed_at or
                                   b.created_at, [line], url_for("ballots.results",
                                                                 ballot_id=b.id)))
            continue
        line = _("%(state)s · 投票时间 %(start)s 至 %(end)s", state=BALLOT_STATES[b.status],
                 start=_when(b.opens_at), end=_when(b.closes_at))
        if b.status == "scheduled" and b.basis == "owner":
            days = (b.opens_at - b.created_at).days  # whole days of notice
            line += _(" · 公示 %(days)s 天", days=days)
        items.append(BoardItem("ballots", f"ballot:{b.id}", b.title, b.created_at, [line],
                               url_for("ballots.show", ballot_id=b.id)))
    return items, total


def _when(at: datetime) -> str:
    return format_datetime(at, _("M月d日 HH:mm"))


def projects(unit: Unit, limit: int, offset: int):
    """Projects: state, who leads, contributions by type, and names given with consent."""
    stmt = (db.select(Project).join(Project.unit).where(Unit.path.startswith(unit.path))
            .order_by(Project.updated_at.desc(), Project.id.desc()))
    rows, total = _page(stmt, limit, offset)
    items = []
    for p in rows:
        t = ledger.totals([p.id])
        goods = "、".join(f"{k}{_num(v)}" for k, v in t.materials.items())
        lines = [_("%(state)s · 责任方 %(who)s", state=p.status_label, who=p.responsible),
                 _("出资 %(money)s 元 · 投工 %(hours)s 小时", money=f"{t.money:,.2f}",
                   hours=_num(t.hours)) + (_(" · 物资 %(goods)s", goods=goods) if goods else "")]
        named = [ledger.consented_name(c) for c in db.session.scalars(db.select(Contribution)
                 .where(Contribution.project_id == p.id, Contribution.consent_publish).limit(8)
                 .options(*ledger.NAMES))]
        named = [n for n in named if n]
        if named:
            lines.append(_("致谢：%(names)s", names="、".join(OrderedDict.fromkeys(named))))
        items.append(BoardItem("projects", f"project:{p.id}", p.title, p.updated_at, lines))
    return items, total


def _num(value) -> str:
    text = f"{value:f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def _movement_line(mv) -> str:
    what = _("%(kind)s %(amount)s 元", kind=mv.kind_label, amount=f"{mv.amount:,.2f}")
    if mv.project is not None:
        what += f" · {mv.project.title}"
    if mv.voucher:
        what += _(" · 凭证 %(voucher)s", voucher=mv.voucher)
    return _("%(what)s · 余额 %(balance)s 元", what=what, balance=f"{mv.balance_after:,.2f}")


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
    items = [BoardItem("funds", f"month:{fid}:{ym}", _(
        "%(fund)s %(month)s 月度公开", fund=f"{s['fund'].unit.name}{s['fund'].label}", month=ym),
        s["posted"], [_month_line(s)])
             for (fid, ym), s in months.items()]
    return items[offset:offset + limit], len(items)


def _month_line(s: dict) -> str:
    return _("收入 %(income)s 元 · 拨付 %(allocation)s 元 · 支出 %(spending)s 元 · 共 %(n)s 笔 · "
             "月末余额 %(close)s 元", income=f"{s['income']:,.2f}",
             allocation=f"{s['allocation']:,.2f}", spending=f"{s['spending']:,.2f}", n=s["n"],
             close=f"{s['close']:,.2f}")


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
            "evaluations", f"evaluation:{ev.id}", _("%(title)s（第%(round)s轮）",
                                                    title=ev.project.title, round=ev.round),
            ev.closed_at, [_("满意率 %(rate)s · %(satisfied)s %(s)s · %(basic)s %(b)s · "
                             "%(unsatisfied)s %(u)s · %(outcome)s", rate=rate(t.rate),
                             satisfied=CHOICE_LABELS["satisfied"], s=t.satisfied,
                             basic=CHOICE_LABELS["basic"], b=t.basic,
                             unsatisfied=CHOICE_LABELS["unsatisfied"], u=t.unsatisfied,
                             outcome=OUTCOME_LABELS[ev.outcome])]))
    return items, total


GATHERERS = {"triage": triage, "minutes": minutes, "ballots": ballots, "projects": projects,
             "funds": funds, "evaluations": evaluations}
