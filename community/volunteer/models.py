"""Which buildings a volunteer serves, and the visits they log."""

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..clock import now
from ..extensions import db
from ..i18n import lazy_gettext as _l
from ..residents.models import Resident
from ..units.models import Household, Unit

NOTE_MAX = 500
STATE_LABELS = {"todo": _l("未访"), "visited": _l("已访"), "revisit": _l("需回访")}
STATES = tuple(STATE_LABELS)


class VolunteerAssignment(db.Model):
    """A worker gave this building to this volunteer to visit."""

    __table_args__ = (UniqueConstraint("volunteer_id", "building_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    volunteer_id: Mapped[int] = mapped_column(ForeignKey("resident.id", ondelete="CASCADE"),
                                              index=True)
    building_id: Mapped[int] = mapped_column(ForeignKey("unit.id"), index=True)
    assigned_by_id: Mapped[int] = mapped_column(ForeignKey("resident.id"))
    created_at: Mapped[datetime] = mapped_column(default=now)

    volunteer: Mapped[Resident] = relationship(foreign_keys=[volunteer_id])
    building: Mapped[Unit] = relationship()


class Visit(db.Model):
    """One door-to-door visit: when, by whom, the state it left, and what was raised."""

    __table_args__ = (
        CheckConstraint("state IN ('todo','visited','revisit')", name="state"),
        CheckConstraint(f"length(note) <= {NOTE_MAX}", name="note_length"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    household_id: Mapped[int] = mapped_column(ForeignKey("household.id", ondelete="CASCADE"),
                                              index=True)
    volunteer_id: Mapped[int] = mapped_column(ForeignKey("resident.id"), index=True)
    at: Mapped[datetime] = mapped_column(default=now)
    state: Mapped[str] = mapped_column(String(8))
    note: Mapped[str] = mapped_column(String(NOTE_MAX), default="")
    # One-time token of the form, so a retried POST (weak signal) adds no second row.
    submit_token: Mapped[str | None] = mapped_column(String(60), unique=True)

    household: Mapped[Household] = relationship()
    volunteer: Mapped[Resident] = relationship()

    @property
    def state_label(self) -> str:
        return str(STATE_LABELS[self.state])
