"""The contributions ledger: labour, money and materials, who gave them, who entered them."""

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from ..audit.service import record
from ..auth.service import find_resident
from ..errors.domain import DomainError
from ..extensions import db
from ..i18n import gettext as _
from ..residents.models import Resident
from ..units.models import Household
from .models import Contribution, Project

ZERO = Decimal("0")


class LedgerError(DomainError):
    def __init__(self, message: str, field: str = "amount"):
        super().__init__(message, field)


@dataclass
class Totals:
    """Sums by type: hours of labour, yuan of money, and each material's quantity."""
    hours: Decimal = ZERO
    money: Decimal = Decimal("0.00")
    materials: dict[str, Decimal] = field(default_factory=dict)
    entries: int = 0

    def add(self, c) -> None:
        self.entries += 1
        if c.kind == "labour":
            self.hours += c.hours
        elif c.kind == "money":
            self.money += c.amount
        else:
            key = f"{c.material}（{c.unit_label}）" if c.unit_label else c.material
            self.materials[key] = self.materials.get(key, ZERO) + c.quantity


def totals(project_ids) -> Totals:
    """Exact totals over the projects' contributions (added in Python as Decimal)."""
    t = Totals()
    ids = list(project_ids)
    if not ids:
        return t
    rows = db.session.execute(db.select(
        Contribution.kind, Contribution.hours, Contribution.amount, Contribution.material,
        Contribution.quantity, Contribution.unit_label).where(Contribution.project_id.in_(ids)))
    for row in rows:
        t.add(row)
    return t


# Load with the contributions what public_name/staff_name read (one query each, not per row).
NAMES = (selectinload(Contribution.resident),
         selectinload(Contribution.household).selectinload(Household.building))


def public_name(c: Contribution) -> str:
    """The contributor as the public may see them: a name only with consent."""
    if (name := consented_name(c)) is not None:
        return name
    if c.source == "anonymous":
        return _("匿名")
    if c.source == "organisation":
        return _("爱心单位")
    return _("一户居民") if c.source == "household" else _("一位居民")


def consented_name(c: Contribution) -> str | None:
    """The contributor's own name when they agreed to have it published, else None."""
    if not c.consent_publish or c.source == "anonymous":
        return None
    if c.source == "organisation":
        return c.organisation or None
    if c.source == "household":
        return c.household.label
    return c.resident.name if c.resident is not None and c.resident.publish_name else None


def staff_name(c: Contribution) -> str:
    """The contributor as the workers who keep the ledger see them."""
    if c.source == "resident" and c.resident is not None:
        return c.resident.name
    if c.source == "household" and c.household is not None:
        return c.household.label
    return c.organisation or _("匿名")


def add_contribution(project: Project, actor, *, kind: str, received_on: date, source: str,
                     hours=None, amount=None, material=None, quantity=None, unit_label=None,
                     resident: Resident | None = None, household: Household | None = None,
                     organisation: str | None = None, consent: bool = False,
                     submit_token: str | None = None) -> Contribution:
    """Enter one contribution with who entered it; audit; commit once (idempotent)."""
    if submit_token:
        done = db.session.scalar(db.select(Contribution).where(
            Contribution.submit_token == submit_token))
        if done is not None:
            return done
    c = Contribution(
        project_id=project.id, kind=kind, received_on=received_on, source=source,
        hours=hours if kind == "labour" else None, amount=amount if kind == "money" else None,
        material=material if kind == "material" else None,
        quantity=quantity if kind == "material" else None,
        unit_label=(unit_label or None) if kind == "material" else None,
        resident_id=resident.id if source == "resident" and resident else None,
        household_id=household.id if source == "household" and household else None,
        organisation=organisation if source == "organisation" else None,
        consent_publish=consent and source != "anonymous", entered_by_id=actor.id,
        submit_token=submit_token)
    db.session.add(c)
    try:
        db.session.flush()
    except IntegrityError:
        db.session.rollback()
        raise LedgerError(_("这笔记录不完整或已登记过，请检查后再提交")) from None
    record("contribution_added", c, actor=actor, unit_id=project.unit_id, project_id=project.id,
           kind=kind, hours=c.hours, amount=c.amount, material=c.material, quantity=c.quantity)
    db.session.commit()
    return c


def find_contributor(project: Project, source: str, who: str):
    """The resident (or their household) named by phone or resident code, in the unit."""
    resident = find_resident(who.replace(" ", ""))
    homes = [m.household for m in getattr(resident, "memberships", [])
             if project.unit.contains(m.household.building)]
    if resident is None or (source == "household" and not homes):
        raise LedgerError(_("没找到这位居民，请核对手机号或居民码"), "who")
    return resident, (homes[0] if homes else None)


def add_from_form(project: Project, actor, form) -> Contribution:
    """Enter a contribution from the ledger form (the view stays short)."""
    source, who = form.source.data, (form.who.data or "").strip()
    resident = household = None
    if source in ("resident", "household"):
        resident, household = find_contributor(project, source, who)
    return add_contribution(
        project, actor, kind=form.kind.data, received_on=form.received_on.data, source=source,
        hours=form.hours.decimal, amount=form.amount.decimal,
        material=(form.material.data or "").strip() or None, quantity=form.quantity.decimal,
        unit_label=(form.unit_label.data or "").strip(), resident=resident,
        household=household, organisation=who if source == "organisation" else None,
        consent=form.consent.data, submit_token=form.submit_token.data)


def entries(project: Project, page: int, per_page: int = 20):
    """One page of the project's ledger, newest first."""
    return db.paginate(db.select(Contribution).where(Contribution.project_id == project.id)
                       .options(*NAMES, selectinload(Contribution.entered_by))
                       .order_by(Contribution.id.desc()), page=page, per_page=per_page,
                       error_out=False)
