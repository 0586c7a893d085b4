"""Notices shown in a resident's to-dos, and the SMS messages sent for them."""

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

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
