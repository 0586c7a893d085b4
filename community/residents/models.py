"""Residents, where they live, and the roles they hold per unit."""

from datetime import date, datetime
from itertools import chain

from sqlalchemy import CheckConstraint, ForeignKey, String, UniqueConstraint, event, false
from sqlalchemy.orm import Mapped, Session, mapped_column, relationship

from ..clock import now
from ..extensions import db
from ..i18n import lazy_gettext as _l
from ..units.models import Household, Unit

ROLES = ("worker", "party_reviewer", "supervisor", "volunteer", "representative",
         "building_head")
# The one word for each role, on every page and in every notice that names it.
ROLE_LABELS = {"worker": _l("社区工作者（两委）"), "party_reviewer": _l("党组织审核人"),
               "supervisor": _l("居务监督委员会"), "volunteer": _l("志愿者"),
               "representative": _l("居民代表"), "building_head": _l("楼栋长")}


class Resident(db.Model):
    """A person who can log in. No ID-card number is ever stored (PIPL: data minimisation)."""

    __table_args__ = (
        CheckConstraint("birth_year IS NULL OR (birth_year > 1900 AND birth_year < 2100)",
                        name="birth_year_range"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(40))
    phone: Mapped[str | None] = mapped_column(String(11), unique=True)
    code: Mapped[str] = mapped_column(String(12), unique=True)
    pin_hash: Mapped[str] = mapped_column(String(200))
    birth_year: Mapped[int | None]
    # Consent to show the name on public pages (contributions, minutes); off by default.
    publish_name: Mapped[bool] = mapped_column(default=False)
    # The resident asked for no SMS: notices still reach their to-dos, only the text is not sent.
    sms_opt_out: Mapped[bool] = mapped_column(default=False, server_default=false())
    pin_failures: Mapped[int] = mapped_column(default=0)
    pin_failures_since: Mapped[datetime | None]
    locked_until: Mapped[datetime | None]
    # Part of the login cookie; raised on logout and PIN reset, so copies of older cookies stop
    # working (signed cookies cannot be revoked one by one).
    session_epoch: Mapped[int] = mapped_column(default=0, server_default="0")
    # Raised whenever the resident's roles or homes change (access.py keeps what they allow
    # per version, so pages need not ask the database again on every request).
    access_version: Mapped[int] = mapped_column(default=0, server_default="0")
    # Recorded by a worker: from then on the person cannot log in or vote by any channel.
    # Nothing of theirs is deleted; votes already cast stay counted.
    died_on: Mapped[date | None]
    created_at: Mapped[datetime] = mapped_column(default=now)

    memberships: Mapped[list["Membership"]] = relationship(
        back_populates="resident", cascade="all, delete-orphan", order_by="Membership.id")
    roles: Mapped[list["RoleAssignment"]] = relationship(
        back_populates="resident", cascade="all, delete-orphan")

    # Flask-Login protocol.
    is_authenticated = True
    is_anonymous = False

    @property
    def is_active(self) -> bool:
        return self.died_on is None

    def get_id(self) -> str:
        return f"{self.id}-{self.session_epoch}"

    def end_sessions(self) -> None:
        """Make every login cookie issued so far worthless (all devices)."""
        self.session_epoch += 1

    @property
    def is_owner(self) -> bool:
        return any(m.is_owner for m in self.memberships)

    def age_in(self, year: int) -> int | None:
        return None if self.birth_year is None else year - self.birth_year

    def __repr__(self):
        return f"<Resident {self.id} {self.code}>"


class Membership(db.Model):
    """A resident living in (or owning) a household. One person may own several."""

    __table_args__ = (UniqueConstraint("resident_id", "household_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    resident_id: Mapped[int] = mapped_column(ForeignKey("resident.id", ondelete="CASCADE"),
                                             index=True)
    household_id: Mapped[int] = mapped_column(ForeignKey("household.id", ondelete="CASCADE"),
                                              index=True)
    is_owner: Mapped[bool] = mapped_column(default=False)

    resident: Mapped[Resident] = relationship(back_populates="memberships")
    household: Mapped[Household] = relationship(back_populates="members")


class RoleAssignment(db.Model):
    """A role held in a unit; it reaches every unit below it."""

    __table_args__ = (
        UniqueConstraint("resident_id", "unit_id", "role"),
        CheckConstraint(
            "role IN ('worker','party_reviewer','supervisor','volunteer','representative',"
            "'building_head')",
            name="role"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    resident_id: Mapped[int] = mapped_column(ForeignKey("resident.id", ondelete="CASCADE"),
                                             index=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id"), index=True)
    role: Mapped[str] = mapped_column(String(20))

    resident: Mapped[Resident] = relationship(back_populates="roles")
    unit: Mapped[Unit] = relationship()

    @property
    def label(self) -> str:
        return str(ROLE_LABELS[self.role])


@event.listens_for(Session, "before_flush")
def _raise_access_version(session, _context, _instances) -> None:
    """A role or a home gained, changed or lost raises the resident's access_version in the
    same transaction, so what access.py kept for the old version is never used again."""
    changed: set[Resident] = set()
    for obj in chain(session.new, session.dirty, session.deleted):
        if not isinstance(obj, (Membership, RoleAssignment)):
            continue
        if obj in session.dirty and not session.is_modified(obj):
            continue
        resident = obj.resident
        if resident is None and obj.resident_id is not None:  # taken out of its collection
            resident = session.get(Resident, obj.resident_id)
        if resident is not None and resident not in session.new:
            changed.add(resident)
    for resident in changed:
        resident.access_version = (resident.access_version or 0) + 1
