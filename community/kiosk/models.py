"""Registered kiosk devices. Only a hash of each device's token is kept."""

from datetime import datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..clock import now
from ..extensions import db
from ..residents.models import Resident
from ..units.models import Unit


class KioskDevice(db.Model):
    """A browser a worker registered as a kiosk; its cookie carries the token."""

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(40))
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    registered_by_id: Mapped[int] = mapped_column(ForeignKey("resident.id"))
    created_at: Mapped[datetime] = mapped_column(default=now)
    revoked_at: Mapped[datetime | None]

    unit: Mapped[Unit] = relationship()
    registered_by: Mapped[Resident] = relationship()

    @property
    def active(self) -> bool:
        return self.revoked_at is None
