"""The figures the city's "吹哨报到" review asks for, gathered from every area for a period.

Each sheet is a title, a header row and data rows.
"""

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal

from .. import clock
from ..ballots import results
from ..ballots.labels import OUTCOME_LABELS as BALLOT_OUTCOMES
from ..ballots.models import Ballot
from ..evaluations import service as evaluation_service
from ..evaluations.models import OUTCOME_LABELS, Evaluation
from ..extensions import db
from ..i18n import gettext as _
from ..issues.models import Issue
from ..meetings.models import Body, Meeting
from ..projects import funds, ledger
from ..projects.models import Fund, Project
from ..units.models import Unit


@dataclass
class Sheet:
    title: str
    header: list[str]
    rows: list[list] = field(default_factory=list)


@dataclass
class Report:
    unit: Unit
    start: date
    end: date
    sheets: list[Sheet]


def bounds(start: date, end: date) -> tuple[datetime, datetime]:
    """The period as naive UTC instants: from local midnight of start to after end."""
    return clock.to_utc(start), clock.to_utc(end + timedelta(days=1))  # 宜昌 dates


def issues_sheet(unit: Unit, lo: datetime, hi: datetime) -> Sheet:
    """Issues raised in the period by category and status, and days to close."""
    sheet = Sheet(_("议题"), [_("分类"), _("状态"), _("数量"), _("已办结"), _("平均办结天数")])
    rows = db.session.execute(db.select(Issue).join(Issue.unit).where(
        Unit.path.startswith(unit.path), Issue.created_at >= lo, Issue.created_at < hi)
    ).scalars().all()
    groups: dict[tuple[str, str], list] = {}
    for issue in rows:
        key = (issue.category_label or _("未分流"), issue.status_label)
        groups.setdefault(key, []).append(issue)
    for (category, status), issues in sorted(groups.items()):
        secs = [int((e.at - i.created_at).total_seconds()) for i in issues
                for e in i.events if e.to_status == "closed"]
        avg = (Decimal(sum(secs)) / 86400 / len(secs)).quantize(Decimal("0.1")) \
            if secs else None
        days = secs
        sheet.rows.append([category, status, len(issues), len(days), avg])
    return sheet


def meetings_sheet(unit: Unit, lo: datetime, hi: datetime) -> Sheet:
    """Meetings held in the period and how many attended."""
    sheet = Sheet(_("会议"), [_("日期"), _("议事机构"), _("会议"), _("出席人数"), _("议程数"),
                            _("纪要已公开")])
    for x in db.session.scalars(db.select(Meeting).join(Meeting.body).join(Body.unit).where(
            Unit.path.startswith(unit.path), Meeting.starts_at >= lo,
            Meeting.starts_at < hi).order_by(Meeting.starts_at)):
        sheet.rows.append([clock.local(x.starts_at).date(), x.body.name, x.title,
                           len(x.attendance), len(x.items),
                           _("是") if x.minutes_published_at else _("否")])
    return sheet


def ballots_sheet(unit: Unit, lo: datetime, hi: datetime) -> Sheet:
    """Ballots closed in the period: electorate, turnout and verdict."""
    sheet = Sheet(_("表决"), [_("结束日期"), _("表决事项"), _("应参与"), _("实际参与"),
                            _("参与率"), _("结果")])
    for b in db.session.scalars(db.select(Ballot).join(Ballot.unit).where(
            Unit.path.startswith(unit.path), Ballot.closed_at >= lo, Ballot.closed_at < hi)
            .order_by(Ballot.closed_at)):
        heads = results.turnout(b)[0]
        share = (Decimal(heads * 100) / b.eligible_heads).quantize(Decimal("0.1")) \
            if b.eligible_heads else None
        sheet.rows.append([clock.local(b.closed_at).date(), b.title, b.eligible_heads,
                           heads, share, str(BALLOT_OUTCOMES.get(b.outcome, "")) or "—"])
    return sheet


def projects_sheet(unit: Unit, lo: datetime, hi: datetime) -> Sheet:
    """Every project active in the period: contributions by type and money from funds."""
    sheet = Sheet(_("项目"), [_("项目"), _("地方"), _("状态"), _("出资（元）"), _("投工（小时）"),
                            _("物资"), _("拨付（元）"), _("支出（元）")])
    money = hours = allocated = spent = Decimal("0.00")
    for p in db.session.scalars(db.select(Project).join(Project.unit).where(
            Unit.path.startswith(unit.path), Project.created_at < hi, Project.updated_at >= lo)
            .order_by(Project.id)):
        t, f = ledger.totals([p.id]), funds.project_funding(p)
        goods = "、".join(f"{k}{v.normalize():f}" for k, v in t.materials.items())
        sheet.rows.append([p.title, p.unit.name, p.status_label, t.money, t.hours, goods,
                           f["allocated"], f["spent"]])
        money, hours = money + t.money, hours + t.hours
        allocated, spent = allocated + f["allocated"], spent + f["spent"]
    sheet.rows.append([_("合计"), "", "", money, hours, "", allocated, spent])
    return sheet


def funds_sheet(unit: Unit, lo: datetime, hi: datetime) -> Sheet:
    """Each fund book of the units: budget, income, allocations, spending, balance."""
    sheet = Sheet(_("资金"), [_("社区/村"), _("账目"), _("预算"), _("收入"), _("已拨付"),
                            _("已支出"), _("可用余额")])
    for f in db.session.scalars(db.select(Fund).join(Fund.unit).where(
            Unit.path.startswith(unit.path)).order_by(Fund.year, Fund.unit_id, Fund.kind)):
        b = funds.balance(f.id)
        sheet.rows.append([f.unit.name, f.label, b.budget, b.income, b.allocated, b.spent,
                           b.available])
    return sheet


def satisfaction_sheet(unit: Unit, lo: datetime, hi: datetime) -> Sheet:
    """Evaluations closed in the period: answers by choice and the satisfaction rate."""
    sheet = Sheet(_("满意度"), [_("项目"), _("轮次"), _("满意"), _("基本满意"), _("不满意"),
                             _("合计"), _("满意率"), _("结果")])
    for ev in db.session.scalars(db.select(Evaluation).join(Evaluation.project)
                                 .join(Project.unit).where(
            Unit.path.startswith(unit.path), Evaluation.closed_at >= lo,
            Evaluation.closed_at < hi).order_by(Evaluation.closed_at)):
        t = evaluation_service.tally(ev)
        sheet.rows.append([ev.project.title, ev.round, t.satisfied, t.basic, t.unsatisfied,
                           t.total, evaluation_service.percent(t.rate),
                           str(OUTCOME_LABELS[ev.outcome])])
    return sheet


SHEETS = (issues_sheet, meetings_sheet, ballots_sheet, projects_sheet, funds_sheet,
          satisfaction_sheet)


def collect(unit: Unit, start: date, end: date) -> Report:
    """Every sheet of the report for the unit and below, for start..end (local dates)."""
    lo, hi = bounds(start, end)
    return Report(unit, start, end, [make(unit, lo, hi) for make in SHEETS])
