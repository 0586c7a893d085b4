"""A roster file a worker uploaded, kept between its preview and their confirmation."""

from datetime import datetime

from sqlalchemy import ForeignKey, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from ..clock import now
from ..extensions import db


class RosterUpload(db.Model):
    """One upload: previewed, then imported once. Kept in the database, not on disk, because
    the confirmation may reach another host than the upload did (DESIGN: several hosts)."""

    id: Mapped[int] = mapped_column(primary_key=True)
    # The one-time token of the confirmation: a re-sent confirmation finds it used.
    token: Mapped[str] = mapped_column(String(40), unique=True)
    actor_id: Mapped[int] = mapped_column(ForeignKey("resident.id"), index=True)
    filename: Mapped[str] = mapped_column(String(200))
    # The file itself, PINs and all: dropped once imported.
    data: Mapped[bytes | None] = mapped_column(LargeBinary, deferred=True)
    created_at: Mapped[datetime] = mapped_column(default=now, index=True)
    imported_at: Mapped[datetime | None]
    summary: Mapped[str | None] = mapped_column(Text)  # the import's counts, in words
