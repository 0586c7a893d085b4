"""Notice-board settings per unit and section, and objections residents file."""

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..clock import now
from ..extensions import db
from ..i18n import lazy_gettext as _l
from ..residents.models import Resident
from ..units.models import Unit

SECTION_LABELS = {"triage": _l("议题分流结果"), "minutes": _l("会议纪要"),
                  "ballots": _l("表决公告与结果"), "projects": _l("项目进展"),
                  "funds": _l("资金收支"), "evaluations": _l("评价结果")}
SECTIONS = tuple(SECTION_LABELS)
OBJECTION_MAX = 500


def _in(values) -> str:
    return "(" + ",".join(f"'{v}'" for v in values) + ")"


class BoardSetting(db.Model):
    """A unit's minimum display period (公示期) and objection window for one section."""

    __table_args__ = (
        UniqueConstraint("unit_id", "section"),
        CheckConstraint(f"section IN {_in(SECTIONS)}", name="section"),
        CheckConstraint("display_days BETWEEN 1 AND 366", name="display_days"),
        CheckConstraint("objection_days BETWEEN 0 AND 366", name="objection_days"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id"), index=True)
    section: Mapped[str] = mapped_column(String(12))
    display_days: Mapped[int]
    objection_days: Mapped[int] = mapped_column(default=0)


class Objection(db.Model):
    """异议: a resident objects to something posted, within its window; it becomes an issue."""

    __table_args__ = (
        CheckConstraint(f"section IN {_in(SECTIONS)}", name="section"),
        CheckConstraint(f"length(text) BETWEEN 1 AND {OBJECTION_MAX}", name="text_length"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id"), index=True)
    section: Mapped[str] = mapped_column(String(12))
    item_key: Mapped[str] = mapped_column(String(40))
    item_title: Mapped[str] = mapped_column(String(120))
    resident_id: Mapped[int] = mapped_column(ForeignKey("resident.id"), index=True)
    text: Mapped[str] = mapped_column(Text)
    issue_id: Mapped[int | None] = mapped_column(ForeignKey("issue.id"))
    created_at: Mapped[datetime] = mapped_column(default=now)
    submit_token: Mapped[str | None] = mapped_column(String(60), unique=True)

    unit: Mapped[Unit] = relationship()
    resident: Mapped[Resident] = relationship()
