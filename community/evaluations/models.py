"""民事民评: satisfaction surveys of those a project served ("服务谁、谁评价")."""

from datetime import datetime
from fractions import Fraction

from sqlalchemy import CheckConstraint, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..clock import now
from ..extensions import db
from ..i18n import gettext as _
from ..i18n import lazy_gettext as _l
from ..projects.models import Project

CHOICE_LABELS = {"satisfied": _l("满意"), "basic": _l("基本满意"), "unsatisfied": _l("不满意")}
OUTCOME_LABELS = {"passed": _l("评价通过"), "rectify": _l("需要整改"),
                  "no_answers": _l("无人评价")}
COMMENT_MAX = 500


class Evaluation(db.Model):
    """One round of evaluation of a finished project, opened by the supervision committee."""

    __table_args__ = (
        UniqueConstraint("project_id", "round"),
        CheckConstraint("threshold_num > 0 AND threshold_den > 0 "
                        "AND threshold_num <= threshold_den", name="threshold"),
        CheckConstraint("closes_at > opened_at", name="dates"),
        CheckConstraint(f"outcome IS NULL OR outcome IN {tuple(OUTCOME_LABELS)}",
                        name="outcome"),
        CheckConstraint("(closed_at IS NULL) = (outcome IS NULL)", name="closed"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("project.id"), index=True)
    round: Mapped[int] = mapped_column(default=1)
    opened_by_id: Mapped[int] = mapped_column(ForeignKey("resident.id"))
    opened_at: Mapped[datetime] = mapped_column(default=now)
    closes_at: Mapped[datetime] = mapped_column(index=True)
    # 不满意 share at or above which the project goes back to 整改 (an exact fraction).
    threshold_num: Mapped[int] = mapped_column(default=1)
    threshold_den: Mapped[int] = mapped_column(default=3)
    by_household: Mapped[bool] = mapped_column(default=False)
    closed_at: Mapped[datetime | None] = mapped_column(index=True)
    outcome: Mapped[str | None] = mapped_column(String(12))
    submit_token: Mapped[str | None] = mapped_column(String(60), unique=True)

    project: Mapped[Project] = relationship()

    @property
    def threshold(self) -> Fraction:
        return Fraction(self.threshold_num, self.threshold_den)

    @property
    def threshold_text(self) -> str:
        return f"{self.threshold_num}/{self.threshold_den}"

    @property
    def is_open(self) -> bool:
        return self.closed_at is None and now() < self.closes_at

    @property
    def state_label(self) -> str:
        if self.outcome:
            return str(OUTCOME_LABELS[self.outcome])
        return _("评价中") if self.is_open else _("已到截止时间")


class Answer(db.Model):
    """One resident's (or household's) answer. Once each: the database keeps it so."""

    __table_args__ = (
        UniqueConstraint("evaluation_id", "resident_id"),
        # NULL household ids (evaluation by resident) never collide; by household they do.
        UniqueConstraint("evaluation_id", "household_id"),
        CheckConstraint(f"choice IN {tuple(CHOICE_LABELS)}", name="choice"),
        CheckConstraint(f"length(comment) <= {COMMENT_MAX}", name="comment_length"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    evaluation_id: Mapped[int] = mapped_column(ForeignKey("evaluation.id", ondelete="CASCADE"),
                                               index=True)
    resident_id: Mapped[int] = mapped_column(ForeignKey("resident.id"))
    household_id: Mapped[int | None] = mapped_column(ForeignKey("household.id"))
    choice: Mapped[str] = mapped_column(String(12))
    comment: Mapped[str] = mapped_column(String(COMMENT_MAX), default="")
    channel: Mapped[str] = mapped_column(String(10), default="web")
    created_at: Mapped[datetime] = mapped_column(default=now)
