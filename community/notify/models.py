"""Notices shown in a resident's to-dos, and the SMS messages sent for them."""

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, String
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
    """An SMS handed to the gateway (the default backend only records it here)."""

    __table_args__ = (CheckConstraint("length(text) <= 70", name="sms_length"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    phone: Mapped[str] = mapped_column(String(11))
    text: Mapped[str] = mapped_column(String(70))
    backend: Mapped[str] = mapped_column(String(40))
    created_at: Mapped[datetime] = mapped_column(default=now)
