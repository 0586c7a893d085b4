"""Each area's public items for the notice board, as plain BoardItems (aggregates only).

Every section is one select of the columns its lines need, in one common shape (`SLOTS`), its
rows counted by a window (`total`) and numbered (`rank`), counts of related rows in correlated
subqueries over the page's rows only. The board runs the six as one UNION ALL; a section's own
page runs one. Project contributions come in one more query for the page's projects."""

from collections import OrderedDict
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from functools import lru_cache

from flask import url_for
from flask_babel import get_locale
from sqlalchemy import (
    Date,
    DateTime,
    Integer,
    String,
    and_,
    bindparam,
    cast,
    literal,
    null,
    type_coerce,
)
from sqlalchemy.orm import aliased

from ..ballots.labels import OUTCOME_LABELS as BALLOT_OUTCOMES
from ..ballots.labels import STATUS_LABELS as BALLOT_STATES
from ..ballots.models import Ballot, Elector, Participation
from ..evaluations import service as evaluation_service
from ..evaluations.models import CHOICE_LABELS, OUTCOME_LABELS, Answer, Evaluation
from ..extensions import db
from ..i18n import gettext as _
from ..issues.models import CATEGORY_LABELS, Issue
from ..issues.models import STATUS_LABELS as ISSUE_STATES
from ..meetings.models import AgendaItem, Attendance, Body, Meeting
from ..projects import ledger
from ..projects.models import (
    FUND_LABELS,
    MONEY,
    MOVEMENT_LABELS,
    Contribution,
    Fund,
    FundMovement,
    Project,
)
from ..projects.models import STATUS_LABELS as PROJECT_STATES
from ..residents.models import Resident
from ..units.models import Household, Unit

ZERO = Decimal("0.00")
NAMES_SHOWN = 8  # consented entries a project's thanks line reads

# The common shape of every section's rows: name → type (a section leaves the rest NULL).
SLOTS = {"title": String, "at": DateTime, "s1": String, "s2": String, "s3": String,
         "s4": String, "s5": String, "s6": String, "n1": Integer, "n2": Integer,
         "n3": Integer, "n4": Integer, "m1": MONEY, "m2": MONEY, "d1": DateTime,
         "d2": DateTime, "day": Date}


_WORDS: dict[tuple[int, str], dict[str, str]] = {}


def words(labels: dict) -> dict[str, str]:
    """A dict of lazy labels resolved in the request's language, once per language."""
    key = (id(labels), str(get_locale()))
    if key not in _WORDS:
        _WORDS[key] = {k: str(v) for k, v in labels.items()}
    return _WORDS[key]


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
    # The dates as the page prints them (Beijing time), set with the windows by the service.
    posted_day: str = ""
    display_day: str = ""
    objection_day: str = ""


# Statements are built once per shape (gather's lru_cache); the unit's path and each section's
# limit and offset are parameters.
PATH = bindparam("path", type_=String)


def _in_unit():
    return Unit.path.startswith(PATH)


def shaped(section: str, base, order, whole: bool, **slots):
    """The section's select in the common shape: base is a select of the section's own
    columns (and `id`); slots map slot names to functions of its paged subquery's columns.
    A page of :<section>_limit rows from :<section>_offset, or all of them (whole)."""
    page = (base.add_columns(db.func.count().over().label("total"),
                             db.func.row_number().over(order_by=order).label("rank"))
            .order_by(*order))
    if not whole:
        page = (page.limit(bindparam(f"{section}_limit", type_=Integer))
                .offset(bindparam(f"{section}_offset", type_=Integer)))
    page = page.subquery()
    cols = [cast(literal(section), String).label("section"), page.c.id, page.c.total,
            page.c.rank]
    for name, kind in SLOTS.items():
        expr = slots[name](page.c) if name in slots else cast(null(), kind)
        cols.append(type_coerce(expr, kind).label(name) if name in slots else expr.label(name))
    return db.select(*cols)


def _count(model, *where):
    return db.select(db.func.count()).select_from(model).where(*where).scalar_subquery()


def triage(whole: bool = False):
    """Triage results: which issues are 大事/小事/微事, forwarded or not accepted."""
    base = (db.select(Issue.id, Issue.title, Issue.triaged_at, Issue.category, Issue.status,
                      Issue.responsible).join(Unit, Unit.id == Issue.unit_id)
            .where(_in_unit(), Issue.triaged_at.is_not(None),
                   Issue.status.not_in(("withdrawn", "merged"))))
    return shaped("triage", base, (Issue.triaged_at.desc(), Issue.id.desc()), whole,
                  title=lambda c: c.title, at=lambda c: c.triaged_at,
                  s1=lambda c: c.category, s2=lambda c: c.status, s3=lambda c: c.responsible)


def _triage_item(r):
    said = (words(CATEGORY_LABELS)[r.s1] if r.s1 else "", words(ISSUE_STATES)[r.s2], r.s3 or "")
    return BoardItem("triage", f"issue:{r.id}", r.title, r.at, [" · ".join(x for x in said if x)])


def minutes(whole: bool = False):
    """Published meeting minutes: which meeting, which body, how many attended."""
    base = (db.select(Meeting.id, Meeting.title, Meeting.minutes_published_at,
                      Body.name.label("body"))
            .join(Body, Body.id == Meeting.body_id).join(Unit, Unit.id == Body.unit_id)
            .where(_in_unit(), Meeting.minutes_published_at.is_not(None)))
    return shaped("minutes", base, (Meeting.minutes_published_at.desc(), Meeting.id.desc()),
                  whole, title=lambda c: c.title, at=lambda c: c.minutes_published_at,
                  s1=lambda c: c.body,
                  n1=lambda c: _count(Attendance, Attendance.meeting_id == c.id),
                  n2=lambda c: _count(AgendaItem, AgendaItem.meeting_id == c.id))


def _minutes_item(r):
    return BoardItem("minutes", f"meeting:{r.id}", r.title, r.at,
                     [_("%(body)s · 出席 %(n)s 人 · %(items)s 项议程", body=r.s1, n=r.n1,
                        items=r.n2)], url_for("meetings.show", meeting_id=r.id))


def ballots(whole: bool = False):
    """Ballots from their announcement on: when voting opens (the 公示期 before an owners'
    vote runs on the board), while it is open, then the verdict and turnout (never who voted
    how). Newest announcement or result first."""
    posted = db.func.coalesce(Ballot.closed_at, Ballot.created_at)
    base = (db.select(Ballot.id, Ballot.title, Ballot.status, Ballot.outcome, Ballot.basis,
                      Ballot.eligible_heads, Ballot.created_at, Ballot.opens_at,
                      Ballot.closes_at, Ballot.closed_at).join(Unit, Unit.id == Ballot.unit_id)
            .where(_in_unit(), Ballot.status.in_(("scheduled", "open", "closed"))))
    # Turnout as results.turnout counts it: participations with their elector.
    def cast_votes(c):
        return (db.select(db.func.count()).select_from(Participation).join(
            Elector, and_(Elector.ballot_id == Participation.ballot_id,
                          Elector.voter_key == Participation.voter_key))
            .where(Participation.ballot_id == c.id, c.status == "closed").scalar_subquery())
    return shaped("ballots", base, (posted.desc(), Ballot.id.desc()), whole,
                  title=lambda c: c.title, at=lambda c: db.func.coalesce(c.closed_at,
                                                                         c.created_at),
                  s1=lambda c: c.status, s2=lambda c: c.outcome, s3=lambda c: c.basis,
                  n1=lambda c: c.eligible_heads, n2=cast_votes, d1=lambda c: c.opens_at,
                  d2=lambda c: c.closes_at)


def _ballot_item(r, when):
    if r.s1 == "closed":
        line = _("%(verdict)s · 参与 %(cast)s/%(eligible)s",
                 verdict=words(BALLOT_OUTCOMES).get(r.s2 or "", words(BALLOT_STATES)["closed"]),
                 cast=r.n2, eligible=r.n1)
        return BoardItem("ballots", f"ballot:{r.id}", r.title, r.at, [line],
                         url_for("ballots.results", ballot_id=r.id))
    line = _("%(state)s · 投票时间 %(start)s 至 %(end)s", state=words(BALLOT_STATES)[r.s1],
             start=when(r.d1), end=when(r.d2))
    if r.s1 == "scheduled" and r.s3 == "owner":
        line += _(" · 公示 %(days)s 天", days=(r.d1 - r.at).days)  # whole days of notice
    return BoardItem("ballots", f"ballot:{r.id}", r.title, r.at, [line],
                     url_for("ballots.show", ballot_id=r.id))
def projects(whole: bool = False):
    """Projects: state, who leads, contributions by type, and names given with consent."""
    base = (db.select(Project.id, Project.title, Project.updated_at, Project.status,
                      Project.responsible).join(Unit, Unit.id == Project.unit_id)
            .where(_in_unit()))
    return shaped("projects", base, (Project.updated_at.desc(), Project.id.desc()), whole,
                  title=lambda c: c.title, at=lambda c: c.updated_at,
                  s1=lambda c: c.status, s2=lambda c: c.responsible)


def _contributions(project_ids: list[int]) -> dict[int, tuple[ledger.Totals, list[str]]]:
    """Each project's totals (exact, added as Decimal) and the names given with consent
    (of its first NAMES_SHOWN consented entries), in one query."""
    out = {pid: (ledger.Totals(), []) for pid in project_ids}
    if not project_ids:
        return out
    rows = db.session.execute(_contributions_query(), {"ids": project_ids})
    consented = dict.fromkeys(project_ids, 0)
    for r in rows:
        totals, names = out[r.project_id]
        totals.add(r)
        if r.consent_publish and consented[r.project_id] < NAMES_SHOWN:
            consented[r.project_id] += 1
            names.append(_consented_name(r))
    return out


@lru_cache(maxsize=1)
def _contributions_query():
    building = aliased(Unit)
    return (db.select(Contribution.project_id, Contribution.kind, Contribution.hours,
                      Contribution.amount, Contribution.material, Contribution.quantity,
                      Contribution.unit_label, Contribution.consent_publish,
                      Contribution.source, Contribution.organisation, Resident.name,
                      Resident.publish_name, building.name.label("building"),
                      Household.address)
            .outerjoin(Resident, Resident.id == Contribution.resident_id)
            .outerjoin(Household, Household.id == Contribution.household_id)
            .outerjoin(building, building.id == Household.building_id)
            .where(Contribution.project_id.in_(bindparam("ids", expanding=True)))
            .order_by(Contribution.id))


def _consented_name(r) -> str | None:
    """ledger.consented_name of an entry given with consent, from the row's columns."""
    if r.source == "anonymous":
        return None
    if r.source == "organisation":
        return r.organisation or None
    if r.source == "household":
        return f"{r.building}{r.address}"
    return r.name if r.name is not None and r.publish_name else None


def _project_items(rows):
    given = _contributions([r.id for r in rows])
    items = []
    for r in rows:
        t, named = given[r.id]
        goods = "、".join(f"{k}{_num(v)}" for k, v in t.materials.items())
        lines = [_("%(state)s · 责任方 %(who)s", state=words(PROJECT_STATES)[r.s1], who=r.s2),
                 _("出资 %(money)s 元 · 投工 %(hours)s 小时", money=f"{t.money:,.2f}",
                   hours=_num(t.hours)) + (_(" · 物资 %(goods)s", goods=goods) if goods else "")]
        named = [n for n in named if n]
        if named:
            lines.append(_("致谢：%(names)s", names="、".join(OrderedDict.fromkeys(named))))
        items.append(BoardItem("projects", f"project:{r.id}", r.title, r.at, lines))
    return items


def _num(value) -> str:
    text = f"{value:f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def funds(whole: bool = False):
    """Every movement of the funds (a village: all of them, for one statement a month)."""
    base = (db.select(FundMovement.id, FundMovement.fund_id, FundMovement.kind,
                      FundMovement.amount, FundMovement.balance_after, FundMovement.voucher,
                      FundMovement.note, FundMovement.occurred_on, FundMovement.created_at,
                      Fund.kind.label("fund_kind"), Fund.year, Unit.name.label("unit_name"),
                      Project.title.label("project"))
            .join(Fund, Fund.id == FundMovement.fund_id).join(Unit, Unit.id == Fund.unit_id)
            .outerjoin(Project, Project.id == FundMovement.project_id).where(_in_unit()))
    return shaped("funds", base, (FundMovement.occurred_on.desc(), FundMovement.id.desc()),
                  whole, title=lambda c: c.unit_name, at=lambda c: c.created_at,
                  s1=lambda c: c.kind, s2=lambda c: c.fund_kind, s3=lambda c: c.voucher,
                  s4=lambda c: c.note, s5=lambda c: c.project, n1=lambda c: c.year,
                  n2=lambda c: c.fund_id, m1=lambda c: c.amount, m2=lambda c: c.balance_after,
                  day=lambda c: c.occurred_on)


def _fund_title(r) -> str:
    return f"{r.title}" + _("%(year)s年%(fund)s", year=r.n1, fund=words(FUND_LABELS)[r.s2])


def _movement_line(r) -> str:
    what = _("%(kind)s %(amount)s 元", kind=words(MOVEMENT_LABELS)[r.s1], amount=f"{r.m1:,.2f}")
    if r.s5 is not None:
        what += f" · {r.s5}"
    if r.s3:
        what += _(" · 凭证 %(voucher)s", voucher=r.s3)
    return _("%(what)s · 余额 %(balance)s 元", what=what, balance=f"{r.m2:,.2f}")


def _fund_item(r):
    return BoardItem("funds", f"movement:{r.id}", _fund_title(r), r.at,
                     [f"{r.day} {_movement_line(r)}"] + ([r.s4] if r.s4 else []))


def monthly(rows, limit: int | None, offset: int):
    """A village's movements (all of them, newest first) as one statement a month."""
    months: OrderedDict = OrderedDict()
    for r in rows:  # newest first, so the first row of a month holds its closing balance
        key = (r.n2, r.day.strftime("%Y-%m"))
        if key not in months:
            months[key] = {"fund": _fund_title(r), "posted": r.at, "close": r.m2,
                           "income": ZERO, "allocation": ZERO, "spending": ZERO, "n": 0}
        s = months[key]
        s[r.s1] += r.m1
        s["n"] += 1
    items = [BoardItem("funds", f"month:{fid}:{ym}", _(
        "%(fund)s %(month)s 月度公开", fund=s["fund"], month=ym), s["posted"], [_month_line(s)])
             for (fid, ym), s in months.items()]
    end = None if limit is None else offset + limit
    return items[offset:end], len(items)


def _month_line(s: dict) -> str:
    return _("收入 %(income)s 元 · 拨付 %(allocation)s 元 · 支出 %(spending)s 元 · 共 %(n)s 笔 · "
             "月末余额 %(close)s 元", income=f"{s['income']:,.2f}",
             allocation=f"{s['allocation']:,.2f}", spending=f"{s['spending']:,.2f}", n=s["n"],
             close=f"{s['close']:,.2f}")


def evaluations(whole: bool = False):
    """Closed evaluations: satisfaction as an exact share, and what follows from it."""
    base = (db.select(Evaluation.id, Evaluation.round, Evaluation.outcome,
                      Evaluation.closed_at, Project.title)
            .join(Project, Project.id == Evaluation.project_id)
            .join(Unit, Unit.id == Project.unit_id)
            .where(_in_unit(), Evaluation.closed_at.is_not(None)))

    def answers(choice):
        return lambda c: _count(Answer, Answer.evaluation_id == c.id, Answer.choice == choice)
    return shaped("evaluations", base, (Evaluation.closed_at.desc(), Evaluation.id.desc()),
                  whole, title=lambda c: c.title, at=lambda c: c.closed_at,
                  s1=lambda c: c.outcome, n1=lambda c: c.round, n2=answers("satisfied"),
                  n3=answers("basic"), n4=answers("unsatisfied"))


def _evaluation_item(r):
    t, choice = evaluation_service.Tally(r.n2, r.n3, r.n4), words(CHOICE_LABELS)
    return BoardItem(
        "evaluations", f"evaluation:{r.id}", _("%(title)s（第%(round)s轮）", title=r.title,
                                                round=r.n1),
        r.at, [_("满意率 %(rate)s · %(satisfied)s %(s)s · %(basic)s %(b)s · "
                 "%(unsatisfied)s %(u)s · %(outcome)s", rate=evaluation_service.percent(t.rate),
                 satisfied=choice["satisfied"], s=t.satisfied, basic=choice["basic"],
                 b=t.basic, unsatisfied=choice["unsatisfied"], u=t.unsatisfied,
                 outcome=words(OUTCOME_LABELS)[r.s1])])


SELECTS = {"triage": triage, "minutes": minutes, "ballots": ballots, "projects": projects,
           "funds": funds, "evaluations": evaluations}


@lru_cache(maxsize=32)
def _statement(sections: tuple[str, ...], village: bool):
    """The UNION ALL of the sections' selects (one select alone), built once per shape."""
    selects = [SELECTS[s](whole=village and s == "funds") for s in sections]
    return selects[0] if len(selects) == 1 else db.union_all(*selects)


def gather(path: str, wanted: dict[str, tuple[int, int]], when, village: bool = False):
    """{section: (items, total)} for each wanted section's (limit, offset), in one query
    (plus one for the projects' contributions). A village's funds are read whole and shown
    a month at a time."""
    params = {"path": path}
    for section, (limit, offset) in wanted.items():
        params[f"{section}_limit"], params[f"{section}_offset"] = limit, offset
    rows: dict[str, list] = {s: [] for s in wanted}
    for r in sorted(db.session.execute(_statement(tuple(wanted), village), params),
                    key=lambda r: r.rank):
        rows[r.section].append(r)
    out = {}
    for section, found in rows.items():
        total = found[0].total if found else 0
        if section == "funds" and village:
            out[section] = monthly(found, *wanted[section])
        elif section == "projects":
            out[section] = _project_items(found), total
        elif section == "ballots":
            out[section] = [_ballot_item(r, when) for r in found], total
        else:
            out[section] = [MAKERS[section](r) for r in found], total
    return out


MAKERS = {"triage": _triage_item, "minutes": _minutes_item, "funds": _fund_item,
          "evaluations": _evaluation_item}
