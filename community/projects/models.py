"""民事民办: projects, their tasks and progress, the contributions ledger, and funds."""

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import (
    CheckConstraint,
    ForeignKey,
    LargeBinary,
    Numeric,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..clock import now
from ..extensions import db
from ..i18n import gettext as _
from ..i18n import lazy_gettext as _l
from ..issues.models import Issue
from ..residents.models import Resident
from ..units.models import Household, Unit

# Money: yuan with fen, exact. The ceiling refuses typing slips (一亿 is beyond any project).
MONEY = Numeric(14, 2)
MONEY_MAX = Decimal("100000000")
PHOTO_MAX = 30 * 1024
TITLE_MAX, TEXT_MAX, NAME_MAX = 60, 1000, 60

STATUS_LABELS = {"planned": _l("筹备中"), "active": _l("实施中"), "done": _l("已完工"),
                 "rectifying": _l("整改中")}
TASK_LABELS = {"todo": _l("未开始"), "doing": _l("进行中"), "done": _l("已完成")}
KIND_LABELS = {"labour": _l("投工投劳"), "money": _l("出资"), "material": _l("出物")}
SOURCE_LABELS = {"resident": _l("居民"), "household": _l("住户"), "organisation": _l("单位或组织"),
                 "anonymous": _l("匿名")}
FUND_LABELS = {"huimin": _l("惠民资金"), "charity": _l("社区公益基金")}
MOVEMENT_LABELS = {"allocation": _l("拨付项目"), "spending": _l("支出"), "income": _l("收入")}


def _in(values) -> str:
    return "(" + ",".join(f"'{v}'" for v in values) + ")"


class Project(db.Model):
    """A decided matter carried out together: who leads it, its dates and its state."""

    __table_args__ = (
        CheckConstraint(f"status IN {_in(STATUS_LABELS)}", name="status"),
        CheckConstraint("due_on IS NULL OR due_on >= starts_on", name="dates"),
        CheckConstraint(f"length(title) BETWEEN 1 AND {TITLE_MAX}", name="title_length"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id"), index=True)
    issue_id: Mapped[int | None] = mapped_column(ForeignKey("issue.id"), index=True)
    title: Mapped[str] = mapped_column(String(TITLE_MAX))
    description: Mapped[str] = mapped_column(Text, default="")
    responsible: Mapped[str] = mapped_column(String(NAME_MAX))
    status: Mapped[str] = mapped_column(String(12), default="planned", index=True)
    starts_on: Mapped[date]
    due_on: Mapped[date | None]
    finished_on: Mapped[date | None]
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("resident.id"))
    created_at: Mapped[datetime] = mapped_column(default=now, index=True)
    updated_at: Mapped[datetime] = mapped_column(default=now, index=True)
    submit_token: Mapped[str | None] = mapped_column(String(60), unique=True)

    unit: Mapped[Unit] = relationship()
    issue: Mapped[Issue | None] = relationship()
    tasks: Mapped[list["Task"]] = relationship(
        back_populates="project", order_by="Task.id", cascade="all, delete-orphan")

    @property
    def status_label(self) -> str:
        return str(STATUS_LABELS[self.status])


class Task(db.Model):
    """One step of a project, with its own state and dates."""

    __table_args__ = (
        CheckConstraint(f"status IN {_in(TASK_LABELS)}", name="status"),
        CheckConstraint("due_on IS NULL OR starts_on IS NULL OR due_on >= starts_on",
                        name="dates"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("project.id", ondelete="CASCADE"),
                                            index=True)
    title: Mapped[str] = mapped_column(String(TITLE_MAX))
    status: Mapped[str] = mapped_column(String(8), default="todo")
    starts_on: Mapped[date | None]
    due_on: Mapped[date | None]
    done_on: Mapped[date | None]
    submit_token: Mapped[str | None] = mapped_column(String(60), unique=True)

    project: Mapped[Project] = relationship(back_populates="tasks")

    @property
    def status_label(self) -> str:
        return str(TASK_LABELS[self.status])


class ProgressUpdate(db.Model):
    """A dated note on how the work goes, with an optional small photo (JPEG ≤ 30 KB)."""

    __table_args__ = (
        CheckConstraint(f"length(text) BETWEEN 1 AND {TEXT_MAX}", name="text_length"),
        CheckConstraint(f"photo IS NULL OR length(photo) <= {PHOTO_MAX}", name="photo_size"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("project.id", ondelete="CASCADE"),
                                            index=True)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("resident.id"))
    text: Mapped[str] = mapped_column(Text)
    photo: Mapped[bytes | None] = mapped_column(LargeBinary, deferred=True)
    has_photo: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(default=now, index=True)
    submit_token: Mapped[str | None] = mapped_column(String(60), unique=True)

    project: Mapped[Project] = relationship()


class Contribution(db.Model):
    """One entry of the ledger: labour hours, money or materials, from whom, entered by whom."""

    __table_args__ = (
        CheckConstraint(f"kind IN {_in(KIND_LABELS)}", name="kind"),
        CheckConstraint(f"source IN {_in(SOURCE_LABELS)}", name="source"),
        CheckConstraint(
            "(kind = 'labour' AND hours > 0 AND hours <= 100000 AND amount IS NULL "
            "AND material IS NULL) OR "
            f"(kind = 'money' AND amount > 0 AND amount <= {MONEY_MAX} AND hours IS NULL "
            "AND material IS NULL) OR "
            "(kind = 'material' AND material IS NOT NULL AND quantity > 0 "
            "AND quantity <= 1000000 AND hours IS NULL AND amount IS NULL)", name="kind_values"),
        CheckConstraint("(source = 'resident') = (resident_id IS NOT NULL)", name="resident"),
        CheckConstraint("(source = 'household') = (household_id IS NOT NULL)", name="household"),
        CheckConstraint("(source = 'organisation') = (organisation IS NOT NULL)",
                        name="organisation"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("project.id", ondelete="CASCADE"),
                                            index=True)
    kind: Mapped[str] = mapped_column(String(10))
    hours: Mapped[Decimal | None] = mapped_column(Numeric(9, 1))
    amount: Mapped[Decimal | None] = mapped_column(MONEY)
    material: Mapped[str | None] = mapped_column(String(40))
    quantity: Mapped[Decimal | None] = mapped_column(Numeric(10, 2))
    unit_label: Mapped[str | None] = mapped_column(String(8))
    source: Mapped[str] = mapped_column(String(14))
    resident_id: Mapped[int | None] = mapped_column(ForeignKey("resident.id"), index=True)
    household_id: Mapped[int | None] = mapped_column(ForeignKey("household.id"))
    organisation: Mapped[str | None] = mapped_column(String(NAME_MAX))
    # Consent given for this entry; a resident's name also needs Resident.publish_name.
    consent_publish: Mapped[bool] = mapped_column(default=False)
    entered_by_id: Mapped[int] = mapped_column(ForeignKey("resident.id"))
    received_on: Mapped[date]
    created_at: Mapped[datetime] = mapped_column(default=now)
    submit_token: Mapped[str | None] = mapped_column(String(60), unique=True)

    project: Mapped[Project] = relationship()
    resident: Mapped[Resident | None] = relationship(foreign_keys=[resident_id])
    household: Mapped[Household | None] = relationship()
    entered_by: Mapped[Resident] = relationship(foreign_keys=[entered_by_id])


class FundPolicy(db.Model):
    """Per-unit setting: the yearly 惠民资金 (default 200,000 a community, 100,000 a village)."""

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id"), unique=True)
    huimin_yearly: Mapped[Decimal] = mapped_column(MONEY)

    __table_args__ = (CheckConstraint(f"huimin_yearly >= 0 AND huimin_yearly <= {MONEY_MAX}",
                                      name="huimin_range"),)


class Fund(db.Model):
    """One fund's book for one year: 惠民资金 or the community charity fund."""

    __table_args__ = (
        UniqueConstraint("unit_id", "kind", "year"),
        CheckConstraint(f"kind IN {_in(FUND_LABELS)}", name="kind"),
        CheckConstraint(f"budget >= 0 AND budget <= {MONEY_MAX}", name="budget_range"),
        CheckConstraint("year BETWEEN 2000 AND 2100", name="year_range"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id"), index=True)
    kind: Mapped[str] = mapped_column(String(10))
    year: Mapped[int]
    budget: Mapped[Decimal] = mapped_column(MONEY, default=Decimal("0"))
    created_at: Mapped[datetime] = mapped_column(default=now)

    unit: Mapped[Unit] = relationship()

    @property
    def label(self) -> str:
        return _("%(year)s年%(fund)s", year=self.year, fund=FUND_LABELS[self.kind])


class FundMovement(db.Model):
    """Money in or out of a fund: income, an allocation to a project, or spending (凭证号)."""

    __table_args__ = (
        UniqueConstraint("fund_id", "voucher"),
        CheckConstraint(f"kind IN {_in(MOVEMENT_LABELS)}", name="kind"),
        CheckConstraint(f"amount > 0 AND amount <= {MONEY_MAX}", name="amount_range"),
        CheckConstraint("kind <> 'spending' OR voucher IS NOT NULL", name="voucher"),
        CheckConstraint("kind <> 'allocation' OR project_id IS NOT NULL", name="project"),
        CheckConstraint("balance_after >= 0", name="balance"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    fund_id: Mapped[int] = mapped_column(ForeignKey("fund.id"), index=True)
    kind: Mapped[str] = mapped_column(String(10))
    project_id: Mapped[int | None] = mapped_column(ForeignKey("project.id"), index=True)
    amount: Mapped[Decimal] = mapped_column(MONEY)
    voucher: Mapped[str | None] = mapped_column(String(30))
    note: Mapped[str] = mapped_column(String(100), default="")
    occurred_on: Mapped[date]
    # The fund's unallocated balance right after this movement, as published.
    balance_after: Mapped[Decimal] = mapped_column(MONEY)
    entered_by_id: Mapped[int | None] = mapped_column(ForeignKey("resident.id"))
    created_at: Mapped[datetime] = mapped_column(default=now, index=True)
    submit_token: Mapped[str | None] = mapped_column(String(60), unique=True)

    fund: Mapped[Fund] = relationship()
    project: Mapped[Project | None] = relationship()

    @property
    def kind_label(self) -> str:
        return str(MOVEMENT_LABELS[self.kind])
