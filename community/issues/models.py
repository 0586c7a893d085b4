"""Issues, their status history, supports (附议), comments, and intake API tokens."""

from datetime import date, datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..clock import now
from ..extensions import db
from ..residents.models import Resident
from ..units.models import Unit
from .states import (
    API_CHANNELS,
    CATEGORIES,
    CATEGORY_LABELS,
    CHANNEL_LABELS,
    CHANNELS,
    STATUS_LABELS,
    STATUSES,
    sql_in,
)

TITLE_MAX, BODY_MAX, COMMENT_MAX, REASON_MAX, RESPONSIBLE_MAX = 60, 2000, 500, 200, 60


class Issue(db.Model):
    """A matter a resident raised (民事民提), followed through the whole cycle."""

    __table_args__ = (
        CheckConstraint(f"status IN {sql_in(STATUSES)}", name="status"),
        CheckConstraint(f"channel IN {sql_in(CHANNELS)}", name="channel"),
        CheckConstraint(f"category IS NULL OR category IN {sql_in(CATEGORIES)}",
                        name="category"),
        CheckConstraint(f"length(title) BETWEEN 1 AND {TITLE_MAX}", name="title_length"),
        CheckConstraint(f"length(body) <= {BODY_MAX}", name="body_length"),
        CheckConstraint("(status = 'merged') = (merged_into_id IS NOT NULL)", name="merged"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(TITLE_MAX))
    body: Mapped[str] = mapped_column(Text, default="")
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id"), index=True)
    # The resident the issue is for; None only for anonymous outside-channel reports.
    author_id: Mapped[int | None] = mapped_column(ForeignKey("resident.id"), index=True)
    # The volunteer or worker who typed it in for the author (代提), if anyone.
    submitted_by_id: Mapped[int | None] = mapped_column(ForeignKey("resident.id"), index=True)
    channel: Mapped[str] = mapped_column(String(10), default="web")
    urgent: Mapped[bool] = mapped_column(default=False)
    category: Mapped[str | None] = mapped_column(String(8))
    status: Mapped[str] = mapped_column(String(16), default="submitted", index=True)
    # The body that leads on it (bodies arrive with 民事民议; plain text until then).
    responsible: Mapped[str | None] = mapped_column(String(RESPONSIBLE_MAX))
    due_on: Mapped[date | None]
    triaged_at: Mapped[datetime | None] = mapped_column(index=True)
    merged_into_id: Mapped[int | None] = mapped_column(ForeignKey("issue.id"))
    # One-time token of the form (or "api:CHANNEL:KEY"), so a retried submit finds this row.
    submit_token: Mapped[str | None] = mapped_column(String(120), unique=True)
    # The intake-API token it came through, whose callback hears of its state changes.
    api_token_id: Mapped[int | None] = mapped_column(ForeignKey("api_token.id"))
    created_at: Mapped[datetime] = mapped_column(default=now, index=True)

    unit: Mapped[Unit] = relationship()
    author: Mapped[Resident | None] = relationship(foreign_keys=[author_id])
    submitted_by: Mapped[Resident | None] = relationship(foreign_keys=[submitted_by_id])
    merged_into: Mapped["Issue | None"] = relationship(remote_side=[id])
    api_token: Mapped["ApiToken | None"] = relationship()
    events: Mapped[list["IssueEvent"]] = relationship(
        back_populates="issue", order_by="IssueEvent.id", cascade="all, delete-orphan")

    @property
    def status_label(self) -> str:
        return str(STATUS_LABELS[self.status])

    @property
    def channel_label(self) -> str:
        return str(CHANNEL_LABELS[self.channel])

    @property
    def category_label(self) -> str:
        return str(CATEGORY_LABELS[self.category]) if self.category else ""

    def __repr__(self):
        return f"<Issue {self.id} {self.status}>"


class IssueEvent(db.Model):
    """One step of an issue's timeline: who moved it from which status to which, and why."""

    __table_args__ = (
        CheckConstraint(f"to_status IN {sql_in(STATUSES)}", name="to_status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    issue_id: Mapped[int] = mapped_column(ForeignKey("issue.id", ondelete="CASCADE"), index=True)
    at: Mapped[datetime] = mapped_column(default=now)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("resident.id"))
    from_status: Mapped[str | None] = mapped_column(String(16))
    to_status: Mapped[str] = mapped_column(String(16))
    note: Mapped[str] = mapped_column(String(REASON_MAX), default="")

    issue: Mapped[Issue] = relationship(back_populates="events")
    actor: Mapped[Resident | None] = relationship()

    @property
    def label(self) -> str:
        return str(STATUS_LABELS[self.to_status])


class Support(db.Model):
    """附议: a resident backs an issue. One per resident per issue, kept by the database."""

    __table_args__ = (UniqueConstraint("issue_id", "resident_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    issue_id: Mapped[int] = mapped_column(ForeignKey("issue.id", ondelete="CASCADE"), index=True)
    resident_id: Mapped[int] = mapped_column(ForeignKey("resident.id", ondelete="CASCADE"),
                                             index=True)
    created_at: Mapped[datetime] = mapped_column(default=now)


class Comment(db.Model):
    """A resident's comment in the online deliberation (指尖上的协商)."""

    __table_args__ = (
        CheckConstraint(f"length(body) BETWEEN 1 AND {COMMENT_MAX}", name="body_length"),
        CheckConstraint("(hidden_at IS NULL) = (hidden_by_id IS NULL)", name="hidden"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    issue_id: Mapped[int] = mapped_column(ForeignKey("issue.id", ondelete="CASCADE"), index=True)
    author_id: Mapped[int] = mapped_column(ForeignKey("resident.id"), index=True)
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=now)
    # Hidden by a worker: the reason stays visible in place of the text ("已隐藏：原因").
    hidden_at: Mapped[datetime | None]
    hidden_by_id: Mapped[int | None] = mapped_column(ForeignKey("resident.id"))
    hide_reason: Mapped[str | None] = mapped_column(String(REASON_MAX))
    submit_token: Mapped[str | None] = mapped_column(String(60), unique=True)

    author: Mapped[Resident] = relationship(foreign_keys=[author_id])


class ApiToken(db.Model):
    """A bearer token for one outside channel (12345热线, 宜格服务 …). Only its hash is kept."""

    __table_args__ = (CheckConstraint(f"channel IN {sql_in(API_CHANNELS)}", name="channel"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    channel: Mapped[str] = mapped_column(String(10))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    note: Mapped[str] = mapped_column(String(100), default="")
    # When set, the token may only post issues in this unit or below.
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("unit.id"))
    created_at: Mapped[datetime] = mapped_column(default=now)
    revoked_at: Mapped[datetime | None]
    # Where the issues' state changes are sent (webhooks.py), signed with the secret; the
    # secret is kept in plain text because signing needs it.
    callback_url: Mapped[str | None] = mapped_column(String(300))
    callback_secret: Mapped[str | None] = mapped_column(String(80))

    unit: Mapped[Unit | None] = relationship()


DELIVERY_STATUSES = ("pending", "sending", "delivered", "dead")


class WebhookDelivery(db.Model):
    """The outbox of the intake API's callbacks: one event about one issue's state change,
    added in the transaction of the change and POSTed by `flask deliver-webhooks` until the
    channel answers 2xx (delivered) or a day has passed (dead)."""

    __table_args__ = (
        CheckConstraint(f"status IN {sql_in(DELIVERY_STATUSES)}", name="status"),
        Index("ix_webhook_delivery_due", "status", "next_try_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[str] = mapped_column(String(40), unique=True)
    api_token_id: Mapped[int] = mapped_column(ForeignKey("api_token.id"), index=True)
    issue_id: Mapped[int] = mapped_column(ForeignKey("issue.id", ondelete="CASCADE"),
                                          index=True)
    payload: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(10), default="pending")
    attempts: Mapped[int] = mapped_column(default=0)
    next_try_at: Mapped[datetime] = mapped_column(default=now)
    last_error: Mapped[str | None] = mapped_column(String(200))
    # When it was queued (again, after a worker's resend): dead a day after this.
    created_at: Mapped[datetime] = mapped_column(default=now)
    delivered_at: Mapped[datetime | None]

    api_token: Mapped[ApiToken] = relationship()
    issue: Mapped[Issue] = relationship()
