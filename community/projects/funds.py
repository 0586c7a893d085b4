"""Funds: 惠民资金 per unit per year and the charity fund; allocations, spending, balances.

Money is Decimal throughout. A fund's *available* balance is what is neither allocated to a
project nor spent directly: budget + income − allocations − direct spending. Its money *on
hand* (账上余额, the ledger's 余额) is budget + income − all spending: an allocation only sets
money aside, a spending takes it out. A project's *remaining* allocation from a fund is what
was allocated to it less what was spent on it.
"""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from flask import abort, current_app
from sqlalchemy.exc import IntegrityError

from ..access import has_role
from ..audit.service import record
from ..errors.domain import DomainError
from ..extensions import db
from ..i18n import gettext as _
from ..units.models import Unit
from .models import MONEY_MAX, Fund, FundMovement, FundPolicy, Project

ZERO = Decimal("0.00")
READERS = ("worker", "party_reviewer", "supervisor")


class FundError(DomainError):
    """A movement the rules refuse; `field` names the form field to show it beside."""

    def __init__(self, message: str, field: str = "amount"):
        super().__init__(message, field)


@dataclass
class Balance:
    budget: Decimal
    income: Decimal
    allocated: Decimal
    spent: Decimal  # all spending, on projects and direct
    available: Decimal

    @property
    def on_hand(self) -> Decimal:
        """账上余额: what the fund still holds, allocated or not."""
        return self.budget + self.income - self.spent


def get_fund_or_404(fund_id: int, user, roles=READERS) -> Fund:
    """A fund book the user may read (or act on with one of `roles`), else 404/403."""
    fund = db.get_or_404(Fund, fund_id)
    if not has_role(user, roles, fund.unit):
        abort(403)
    return fund


def huimin_yearly(unit: Unit) -> Decimal:
    """The unit's yearly 惠民资金: its own setting, else the city default for its kind."""
    policy = db.session.scalar(db.select(FundPolicy).where(FundPolicy.unit_id == unit.id))
    if policy is not None:
        return policy.huimin_yearly
    key = "HUIMIN_VILLAGE" if unit.is_village else "HUIMIN_COMMUNITY"
    return Decimal(current_app.config.get(key, "100000" if unit.is_village else "200000"))


def set_huimin_yearly(unit: Unit, amount: Decimal, actor) -> FundPolicy:
    """Change the unit's yearly 惠民资金 setting (takes effect for funds opened later)."""
    if amount < 0 or amount > MONEY_MAX:
        raise FundError(_("金额不合理"), "amount")
    policy = db.session.scalar(db.select(FundPolicy).where(FundPolicy.unit_id == unit.id))
    if policy is None:
        policy = FundPolicy(unit_id=unit.id, huimin_yearly=amount)
        db.session.add(policy)
    policy.huimin_yearly = amount
    record("fund_policy_set", policy, actor=actor, unit_id=unit.id, huimin_yearly=amount)
    db.session.commit()
    return policy


def open_fund(unit: Unit, kind: str, year: int, actor) -> Fund:
    """Open the year's book for a fund (惠民资金 starts at the unit's yearly amount)."""
    fund = db.session.scalar(db.select(Fund).where(
        Fund.unit_id == unit.id, Fund.kind == kind, Fund.year == year))
    if fund is not None:
        return fund
    budget = huimin_yearly(unit) if kind == "huimin" else ZERO
    fund = Fund(unit_id=unit.id, kind=kind, year=year, budget=budget)
    db.session.add(fund)
    db.session.flush()
    record("fund_opened", fund, actor=actor, unit_id=unit.id, kind=kind, year=year,
           budget=budget)
    db.session.commit()
    return fund


def balance(fund_id: int) -> Balance:
    """The fund's sums, added in Python as Decimal (SQLite would add REALs)."""
    budget = db.session.scalar(db.select(Fund.budget).where(Fund.id == fund_id))
    sums = {"income": ZERO, "allocation": ZERO, "spending": ZERO, "direct": ZERO}
    for kind, project_id, amount in db.session.execute(db.select(
            FundMovement.kind, FundMovement.project_id, FundMovement.amount)
            .where(FundMovement.fund_id == fund_id)):
        sums[kind] += amount
        if kind == "spending" and project_id is None:
            sums["direct"] += amount
    return Balance(budget, sums["income"], sums["allocation"], sums["spending"],
                   budget + sums["income"] - sums["allocation"] - sums["direct"])


def project_remaining(fund_id: int, project_id: int) -> Decimal:
    """What is left of the fund's allocations to the project."""
    left = ZERO
    for kind, amount in db.session.execute(db.select(FundMovement.kind, FundMovement.amount)
                                           .where(FundMovement.fund_id == fund_id,
                                                  FundMovement.project_id == project_id)):
        left += amount if kind == "allocation" else -amount
    return left


def _lock(fund: Fund) -> None:
    """Serialise movements on one fund: a row lock on PostgreSQL. On SQLite a POST already
    holds the write lock from BEGIN IMMEDIATE (database.py), so two spends cannot interleave."""
    db.session.execute(db.select(Fund.id).where(Fund.id == fund.id).with_for_update())


def on_hand_after(sums: Balance, kind: str, amount: Decimal) -> Decimal:
    """The fund's money on hand after this movement (the ledger's 余额)."""
    return sums.on_hand + {"income": amount, "spending": -amount}.get(kind, ZERO)


def _check(fund: Fund, kind: str, amount: Decimal, project: Project | None) -> Decimal:
    """Refuse a movement beyond the balance; return the money on hand after it."""
    sums = balance(fund.id)
    if kind == "spending" and project is not None:
        left = project_remaining(fund.id, project.id)
        if amount > left:
            raise FundError(_("超出该项目的拨款余额（还剩 %(left)s 元）", left=left))
    elif kind != "income" and amount > sums.available:
        raise FundError(_("超出资金余额（可用 %(left)s 元）", left=sums.available))
    return on_hand_after(sums, kind, amount)


def record_movement(fund: Fund, kind: str, amount: Decimal, actor, *, occurred_on: date,
                    project: Project | None = None, voucher: str | None = None, note: str = "",
                    submit_token: str | None = None) -> FundMovement:
    """Record income, an allocation or a spending; refuse overspending; audit; commit once."""
    if submit_token:
        done = db.session.scalar(db.select(FundMovement).where(
            FundMovement.submit_token == submit_token))
        if done is not None:
            return done
    if not (ZERO < amount <= MONEY_MAX) or amount != amount.quantize(ZERO):
        raise FundError(_("金额要大于0、不超过1亿元，最多两位小数"))
    if project is not None and not fund.unit.contains(project.unit):
        abort(403)
    _lock(fund)
    if voucher and db.session.scalar(db.select(FundMovement.id).where(
            FundMovement.fund_id == fund.id, FundMovement.voucher == voucher)):
        raise FundError(_("这个凭证号已经登记过了"), "voucher")
    after = _check(fund, kind, amount, project)
    move = FundMovement(fund_id=fund.id, kind=kind, amount=amount, project_id=getattr(
        project, "id", None), voucher=voucher or None, note=note, occurred_on=occurred_on,
        balance_after=after, entered_by_id=actor.id, submit_token=submit_token)
    db.session.add(move)
    try:
        db.session.flush()
    except IntegrityError:
        db.session.rollback()
        raise FundError(_("这笔记录已经登记过了，请刷新页面查看")) from None
    record(f"fund_{kind}", move, actor=actor, unit_id=fund.unit_id, fund_id=fund.id,
           amount=amount, project_id=move.project_id, voucher=move.voucher, balance=after)
    db.session.commit()
    return move


def funds_of(unit: Unit) -> list[Fund]:
    """The unit's fund books, newest year first."""
    return list(db.session.scalars(db.select(Fund).where(Fund.unit_id == unit.id)
                                   .order_by(Fund.year.desc(), Fund.kind)))


def movements(fund: Fund, page: int, per_page: int = 20):
    """One page of the fund's movements, newest first."""
    return db.paginate(db.select(FundMovement).where(FundMovement.fund_id == fund.id)
                       .order_by(FundMovement.occurred_on.desc(), FundMovement.id.desc()),
                       page=page, per_page=per_page,
                       error_out=False)


def project_funding(project: Project) -> dict[str, Decimal]:
    """Allocated to and spent on the project, across every fund."""
    sums = {"allocation": ZERO, "spending": ZERO, "income": ZERO}
    for kind, amount in db.session.execute(db.select(FundMovement.kind, FundMovement.amount)
                                           .where(FundMovement.project_id == project.id)):
        sums[kind] += amount
    return {"allocated": sums["allocation"], "spent": sums["spending"]}
