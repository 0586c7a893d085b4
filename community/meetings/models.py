"""Bodies and their seats, meetings with agendas, attendance, outcomes and their review."""

from datetime import datetime
from fractions import Fraction

from sqlalchemy import CheckConstraint, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..clock import now
from ..extensions import db
from ..issues.models import Issue
from ..residents.models import Resident
from ..units.models import Unit
from .seats import (
    COMPOSITIONS,
    KIND_LABELS,
    MEMBER_SEATS,
    MODE_LABELS,
    NEXT_STEPS,
    OUTCOME_KIND_LABELS,
    OUTCOME_STATUS_LABELS,
    QUORUMS,
    SEAT_LABELS,
    seat_label,
    sql_in,
)

TOKEN = 60  # length of a form's one-time submit_token


class Body(db.Model):
    """议事协商委员会 / 议事协商会 of one unit, with its standing members."""

    __table_args__ = (
        CheckConstraint(f"kind IN {sql_in(COMPOSITIONS)}", name="kind"),
        CheckConstraint(f"quorum IS NULL OR quorum IN {sql_in(QUORUMS)}", name="quorum"),
        UniqueConstraint("unit_id", "name"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id"), index=True)
    name: Mapped[str] = mapped_column(String(60))
    kind: Mapped[str] = mapped_column(String(10))
    # A fraction such as "2/3" of the standing members who must be present; None: no quorum.
    quorum: Mapped[str | None] = mapped_column(String(3))
    submit_token: Mapped[str | None] = mapped_column(String(TOKEN), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=now)

    unit: Mapped[Unit] = relationship()
    members: Mapped[list["BodyMember"]] = relationship(
        back_populates="body", cascade="all, delete-orphan",
        order_by="(BodyMember.seat, BodyMember.id)")

    @property
    def kind_label(self) -> str:
        return str(COMPOSITIONS[self.kind][0])

    @property
    def required_seats(self) -> tuple[str, ...]:
        return COMPOSITIONS[self.kind][1]

    @property
    def quorum_fraction(self) -> Fraction | None:
        return Fraction(self.quorum) if self.quorum else None

    @property
    def quorum_label(self) -> str:
        return str(QUORUMS[self.quorum][0]) if self.quorum else ""

    def seat_label(self, seat: str) -> str:
        return seat_label(seat, self.unit.is_village and self.kind == "committee")


class BodyMember(db.Model):
    """A standing member of a body in one seat; outside people may have no account."""

    __table_args__ = (
        CheckConstraint(f"seat IN {sql_in(MEMBER_SEATS)}", name="seat"),
        UniqueConstraint("body_id", "resident_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    body_id: Mapped[int] = mapped_column(ForeignKey("body.id", ondelete="CASCADE"), index=True)
    resident_id: Mapped[int | None] = mapped_column(ForeignKey("resident.id"), index=True)
    name: Mapped[str] = mapped_column(String(40))
    org: Mapped[str] = mapped_column(String(60), default="")
    seat: Mapped[str] = mapped_column(String(20))
    submit_token: Mapped[str | None] = mapped_column(String(TOKEN), unique=True)

    body: Mapped[Body] = relationship(back_populates="members")
    resident: Mapped[Resident | None] = relationship()

    @property
    def key(self) -> str:
        """Who this is for attendance: the account if there is one, else this seat."""
        return f"r{self.resident_id}" if self.resident_id else f"m{self.id}"


class Meeting(db.Model):
    """One meeting of a body: when, where, how, and its agenda."""

    __table_args__ = (
        CheckConstraint(f"kind IN {sql_in(KIND_LABELS)}", name="kind"),
        CheckConstraint(f"mode IN {sql_in(MODE_LABELS)}", name="mode"),
        CheckConstraint("ends_at > starts_at", name="time_order"),
        CheckConstraint("length(code) = 4", name="code_length"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    body_id: Mapped[int] = mapped_column(ForeignKey("body.id"), index=True)
    title: Mapped[str] = mapped_column(String(60))
    kind: Mapped[str] = mapped_column(String(10), default="regular")
    starts_at: Mapped[datetime] = mapped_column(index=True)  # naive UTC
    ends_at: Mapped[datetime]
    place: Mapped[str] = mapped_column(String(80))
    mode: Mapped[str] = mapped_column(String(6), default="onsite")
    # The 4 digits announced in the room; residents check in with them on their own phone.
    code: Mapped[str] = mapped_column(String(4))
    series: Mapped[str | None] = mapped_column(String(32), index=True)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("resident.id"))
    minutes_published_at: Mapped[datetime | None]
    submit_token: Mapped[str | None] = mapped_column(String(TOKEN + 4), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=now)

    body: Mapped[Body] = relationship()
    items: Mapped[list["AgendaItem"]] = relationship(
        back_populates="meeting", cascade="all, delete-orphan", order_by="AgendaItem.position")
    stakeholders: Mapped[list["Stakeholder"]] = relationship(
        back_populates="meeting", cascade="all, delete-orphan", order_by="Stakeholder.id")
    attendance: Mapped[list["Attendance"]] = relationship(
        back_populates="meeting", cascade="all, delete-orphan", order_by="Attendance.id")

    @property
    def kind_label(self) -> str:
        return str(KIND_LABELS[self.kind])

    @property
    def mode_label(self) -> str:
        return str(MODE_LABELS[self.mode])


class Stakeholder(db.Model):
    """+N: a person with a stake in this meeting's matters, invited to this meeting only."""

    __table_args__ = (UniqueConstraint("meeting_id", "resident_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meeting.id", ondelete="CASCADE"),
                                            index=True)
    resident_id: Mapped[int | None] = mapped_column(ForeignKey("resident.id"))
    name: Mapped[str] = mapped_column(String(40))
    org: Mapped[str] = mapped_column(String(60), default="")
    submit_token: Mapped[str | None] = mapped_column(String(TOKEN), unique=True)

    meeting: Mapped[Meeting] = relationship(back_populates="stakeholders")
    resident: Mapped[Resident | None] = relationship()

    @property
    def key(self) -> str:
        return f"r{self.resident_id}" if self.resident_id else f"s{self.id}"


class AgendaItem(db.Model):
    """One agenda item in plain words, maybe an issue; its minutes once the meeting is held."""

    __table_args__ = (UniqueConstraint("meeting_id", "position"),
                      CheckConstraint("length(title) >= 1", name="title"))

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meeting.id", ondelete="CASCADE"),
                                            index=True)
    position: Mapped[int]
    title: Mapped[str] = mapped_column(String(60))
    note: Mapped[str] = mapped_column(Text, default="")
    issue_id: Mapped[int | None] = mapped_column(ForeignKey("issue.id"), index=True)
    summary: Mapped[str | None] = mapped_column(Text)
    dissent: Mapped[str | None] = mapped_column(Text)
    minuted_at: Mapped[datetime | None]
    submit_token: Mapped[str | None] = mapped_column(String(TOKEN), unique=True)

    meeting: Mapped[Meeting] = relationship(back_populates="items")
    issue: Mapped[Issue | None] = relationship()
    outcome: Mapped["Outcome | None"] = relationship(back_populates="item",
                                                     cascade="all, delete-orphan")


class Attendance(db.Model):
    """Someone who came. One row per person per meeting, kept so by the database."""

    __table_args__ = (
        UniqueConstraint("meeting_id", "person"),
        UniqueConstraint("meeting_id", "resident_id"),
        CheckConstraint("method IN ('marked','code')", name="method"),
        CheckConstraint(f"seat IN {sql_in(SEAT_LABELS)}", name="seat"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meeting.id", ondelete="CASCADE"),
                                            index=True)
    # "r<resident id>", or "m<member id>" / "s<stakeholder id>" for people without an account.
    person: Mapped[str] = mapped_column(String(16))
    resident_id: Mapped[int | None] = mapped_column(ForeignKey("resident.id"))
    name: Mapped[str] = mapped_column(String(40))
    seat: Mapped[str] = mapped_column(String(20))
    method: Mapped[str] = mapped_column(String(6))
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("resident.id"))
    at: Mapped[datetime] = mapped_column(default=now)

    meeting: Mapped[Meeting] = relationship(back_populates="attendance")


class Outcome(db.Model):
    """协商成果 of an agenda item: one agreed solution or several alternatives to vote on."""

    __table_args__ = (
        CheckConstraint(f"kind IN {sql_in(OUTCOME_KIND_LABELS)}", name="kind"),
        CheckConstraint(f"status IN {sql_in(OUTCOME_STATUS_LABELS)}", name="status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("agenda_item.id", ondelete="CASCADE"),
                                         unique=True)
    kind: Mapped[str] = mapped_column(String(12))
    text: Mapped[str] = mapped_column(Text)
    # For alternatives: one per line, in the order they will appear on the ballot.
    options: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(10), default="pending", index=True)
    updated_at: Mapped[datetime] = mapped_column(default=now)

    item: Mapped[AgendaItem] = relationship(back_populates="outcome")
    reviews: Mapped[list["Review"]] = relationship(
        back_populates="outcome", cascade="all, delete-orphan", order_by="Review.id")

    @property
    def option_list(self) -> list[str]:
        return [o for o in self.options.splitlines() if o.strip()]

    @property
    def status_label(self) -> str:
        return str(OUTCOME_STATUS_LABELS[self.status])

    @property
    def kind_label(self) -> str:
        return str(OUTCOME_KIND_LABELS[self.kind])

    @property
    def moved_on(self) -> bool:
        return self.status in NEXT_STEPS


class Review(db.Model):
    """The Party organisation's decision on an outcome: approved, or returned with a note."""

    __table_args__ = (CheckConstraint("decision IN ('approve','return')", name="decision"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    outcome_id: Mapped[int] = mapped_column(ForeignKey("outcome.id", ondelete="CASCADE"),
                                            index=True)
    reviewer_id: Mapped[int] = mapped_column(ForeignKey("resident.id"))
    decision: Mapped[str] = mapped_column(String(8))
    note: Mapped[str] = mapped_column(String(200), default="")
    at: Mapped[datetime] = mapped_column(default=now)

    outcome: Mapped[Outcome] = relationship(back_populates="reviews")
    reviewer: Mapped[Resident] = relationship()
