"""Notices shown in a resident's to-dos, and the SMS messages sent for them."""

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, UniqueConstraint, false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..clock import now
from ..extensions import db


class Notice(db.Model):
    """One line in a resident's to-dos: something changed that concerns them."""

    id: Mapped[int] = mapped_column(primary_key=True)
    resident_id: Mapped[int] = mapped_column(ForeignKey("resident.id", ondelete="CASCADE"),
                                             index=True)
    text: Mapped[str] = mapped_column(String(70))
    url: Mapped[str | None] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(default=now, index=True)
    read_at: Mapped[datetime | None]


class SmsMessage(db.Model):
    """An SMS in the outbox: queued (not before send_after), then handed to the gateway once
    by `flask sms-deliver` (sending → sent, or failed after its tries)."""

    __table_args__ = (
        CheckConstraint("length(text) <= 70", name="sms_length"),
        CheckConstraint("status IN ('queued', 'sending', 'sent', 'failed')", name="sms_status"),
        Index("ix_sms_message_due", "status", "send_after"),
        Index("ix_sms_message_phone", "phone", "sent_at"),  # the daily cap, the STOP
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    phone: Mapped[str] = mapped_column(String(11))
    text: Mapped[str] = mapped_column(String(70))
    backend: Mapped[str] = mapped_column(String(40))
    created_at: Mapped[datetime] = mapped_column(default=now)
    resident_id: Mapped[int | None] = mapped_column(
        ForeignKey("resident.id", ondelete="SET NULL"))
    status: Mapped[str] = mapped_column(String(10), default="queued", server_default="sent")
    send_after: Mapped[datetime | None]
    sent_at: Mapped[datetime | None]
    attempts: Mapped[int] = mapped_column(default=0, server_default="0")
    error: Mapped[str | None] = mapped_column(String(200))
    # A message the resident must receive by law: sent despite 退订 (never at night).
    must: Mapped[bool] = mapped_column(default=False, server_default=false())
    # About a vote (a code, a choice, a receipt): never shown on staff pages, and the text is
    # cleared once sent or given up (the carrier sees it; nobody here needs it again).
    private: Mapped[bool] = mapped_column(default=False, server_default=false())


class SmsInbound(db.Model):
    """An SMS a phone sent to the app, as its gateway handed it in: stored once per provider
    message id (a gateway's retry stores nothing), then handled by `inbound.process` — at
    once by `flask sms-receive`, else by the next `flask sms-deliver`."""

    __table_args__ = (
        UniqueConstraint("backend", "provider_id"),
        CheckConstraint("status IN ('new', 'handling', 'done', 'failed')",
                        name="sms_inbound_status"),
        Index("ix_sms_inbound_todo", "status", "id"),
        Index("ix_sms_inbound_phone", "phone", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    backend: Mapped[str] = mapped_column(String(40))
    provider_id: Mapped[str] = mapped_column(String(64))
    phone: Mapped[str] = mapped_column(String(20))
    text: Mapped[str] = mapped_column(String(500))
    received_at: Mapped[datetime] = mapped_column(default=now)  # the provider's time
    created_at: Mapped[datetime] = mapped_column(default=now)
    status: Mapped[str] = mapped_column(String(10), default="new")
    handled_at: Mapped[datetime | None]
    resident_id: Mapped[int | None] = mapped_column(
        ForeignKey("resident.id", ondelete="SET NULL"), index=True)
    command: Mapped[str | None] = mapped_column(String(20))  # the handler that answered
    # A reply about a vote ("1 4821"): its text is cleared once handled, never shown to staff.
    private: Mapped[bool] = mapped_column(default=False, server_default=false())
    # The answer in the outbox; no foreign key, so sms_message stays a table nothing points
    # at, which SQLite's batch migrations may still copy.
    reply_id: Mapped[int | None]
    error: Mapped[str | None] = mapped_column(String(200))

    resident = relationship("Resident")


class SmsOptOut(db.Model):
    """A phone outside the roster that replied 退订 (a resident's own switch is
    `Resident.sms_opt_out`): it gets nothing but must messages until it replies 恢复."""

    id: Mapped[int] = mapped_column(primary_key=True)
    phone: Mapped[str] = mapped_column(String(20), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=now)
