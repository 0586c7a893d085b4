"""Ballots, their frozen electorate, who took part, and (apart from that) what was chosen."""

from datetime import datetime
from decimal import Decimal

from sqlalchemy import (
    BigInteger,
    Boolean,
    CheckConstraint,
    ForeignKey,
    ForeignKeyConstraint,
    Numeric,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .. import clock
from ..clock import now
from ..extensions import db
from ..units.models import Unit

BASES = ("resident", "household", "owner")
RULES = ("majority", "assembly", "representatives", "owners_ordinary", "owners_special")
CHANNELS = ("web", "kiosk", "visit", "paper", "assembly", "sms")
# SMS is off unless a worker turns it on: the carrier sees the text (issue 17 §2).
DEFAULT_CHANNELS = ("web", "kiosk", "visit", "paper", "assembly")
STATUSES = ("scheduled", "open", "closed")
OUTCOMES = ("passed", "failed", "no_quorum")


def _in(column: str, values: tuple) -> str:
    return f"{column} IN ({','.join(repr(v) for v in values)})"


class Ballot(db.Model):
    """A question put to an electorate (a unit, optionally one 单元 of it, and a basis)."""

    __table_args__ = (
        CheckConstraint(_in("basis", BASES), name="basis"),
        CheckConstraint(_in("rule", RULES), name="rule"),
        CheckConstraint(_in("status", STATUSES), name="status"),
        CheckConstraint(f"outcome IS NULL OR {_in('outcome', OUTCOMES)}", name="outcome"),
        CheckConstraint("closes_at > opens_at", name="closes_after_opening"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id"), index=True)
    # Only households whose address starts with this (e.g. "2单元"): a building's own matters.
    entrance: Mapped[str | None] = mapped_column(String(20))
    title: Mapped[str] = mapped_column(String(120))
    basis: Mapped[str] = mapped_column(String(12))
    rule: Mapped[str] = mapped_column(String(20))
    secret: Mapped[bool] = mapped_column(default=True)
    channels: Mapped[str] = mapped_column(String(60), default=",".join(DEFAULT_CHANNELS))
    opens_at: Mapped[datetime]
    closes_at: Mapped[datetime] = mapped_column(index=True)
    status: Mapped[str] = mapped_column(String(12), default="scheduled", index=True)
    # Frozen when the ballot opens: what the electorate holds.
    eligible_heads: Mapped[int] = mapped_column(default=0)
    eligible_area: Mapped[Decimal] = mapped_column(Numeric(14, 2), default=Decimal("0"))
    outcome: Mapped[str | None] = mapped_column(String(12))
    closed_at: Mapped[datetime | None]
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("resident.id"))
    created_at: Mapped[datetime] = mapped_column(default=now)
    # One-time token from the form: a retried "发起" finds this ballot instead of a second one.
    submit_token: Mapped[str | None] = mapped_column(String(40), unique=True)
    # The issue this ballot decides; it moves on when the ballot closes.
    issue_id: Mapped[int | None] = mapped_column(ForeignKey("issue.id"), index=True)

    unit: Mapped[Unit] = relationship()
    options: Mapped[list["BallotOption"]] = relationship(
        order_by="BallotOption.position", cascade="all, delete-orphan", back_populates="ballot")

    @property
    def state(self) -> str:
        """The state pages show now (see state_at), never the stored `status` alone."""
        return state_at(self, clock.now())

    @property
    def channel_list(self) -> list[str]:
        return [c for c in self.channels.split(",") if c]

    @property
    def weighs_area(self) -> bool:
        return self.basis == "owner"


def state_at(ballot: Ballot, at: datetime) -> str:
    """scheduled, open or closed at `at`, read from the stored status and the times: past its
    closing time a ballot reads as closed, past its opening time as open, before cron (`flask
    close-due-ballots`) or the next write on it has stored that. Reading writes nothing; only
    writers move `status` (and freeze the electorate, publish the result).
    An open ballot not yet opened by a writer has no electorate until one does."""
    if ballot.status == "closed" or ballot.closes_at <= at:
        return "closed"
    if ballot.status == "open" or ballot.opens_at <= at:
        return "open"
    return "scheduled"


class BallotOption(db.Model):
    """One answer, e.g. 同意 / 反对 / 弃权 (弃权 takes part but never agrees). Its kind (yes,
    no, choice, abstain; rules.KINDS) is what the counting reads, set when the ballot is made."""

    __table_args__ = (UniqueConstraint("ballot_id", "position"),
                      UniqueConstraint("ballot_id", "label"),
                      CheckConstraint("kind IN ('yes', 'no', 'choice', 'abstain')", name="kind"),
                      CheckConstraint("abstain = (kind = 'abstain')", name="abstain_kind"))

    id: Mapped[int] = mapped_column(primary_key=True)
    ballot_id: Mapped[int] = mapped_column(ForeignKey("ballot.id", ondelete="CASCADE"))
    position: Mapped[int]
    label: Mapped[str] = mapped_column(String(40))
    kind: Mapped[str] = mapped_column(String(8), default="choice", server_default="choice")
    abstain: Mapped[bool] = mapped_column(default=False)  # kind == "abstain", kept for queries

    ballot: Mapped[Ballot] = relationship(back_populates="options")


class BallotSetting(db.Model):
    """Per-unit ballot settings; a unit without a row uses its nearest ancestor's."""

    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id"), primary_key=True)
    # 公示期: days an owners' vote must be announced before it opens.
    notice_days: Mapped[int] = mapped_column(default=7)


class Elector(db.Model):
    """One voter of the frozen electorate: a resident, a household or an owner group."""

    __tablename__ = "ballot_elector"

    ballot_id: Mapped[int] = mapped_column(ForeignKey("ballot.id", ondelete="CASCADE"),
                                           primary_key=True)
    voter_key: Mapped[str] = mapped_column(String(24), primary_key=True)
    label: Mapped[str] = mapped_column(String(120))
    heads: Mapped[int] = mapped_column(default=1)
    area: Mapped[Decimal] = mapped_column(Numeric(12, 2), default=Decimal("0"))


class Caster(db.Model):
    """A resident who may cast the vote of a voter_key (any member of the household/group)."""

    __tablename__ = "ballot_caster"

    __table_args__ = (ForeignKeyConstraint(["ballot_id", "voter_key"],
                                           ["ballot_elector.ballot_id", "ballot_elector.voter_key"],
                                           ondelete="CASCADE"),)

    ballot_id: Mapped[int] = mapped_column(primary_key=True)
    voter_key: Mapped[str] = mapped_column(String(24), primary_key=True)
    resident_id: Mapped[int] = mapped_column(ForeignKey("resident.id", ondelete="CASCADE"),
                                             primary_key=True, index=True)


class Participation(db.Model):
    """That a voter took part, by which channel, with whose help. Never what they chose
    on a secret ballot: that sits in SecretChoice with nothing linking the two."""

    __tablename__ = "ballot_participation"

    __table_args__ = (
        # One vote per voter per ballot, whatever the channel: the database decides.
        UniqueConstraint("ballot_id", "voter_key"),
        ForeignKeyConstraint(["ballot_id", "voter_key"],
                             ["ballot_elector.ballot_id", "ballot_elector.voter_key"],
                             ondelete="CASCADE"),
        CheckConstraint(_in("channel", CHANNELS), name="channel"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    ballot_id: Mapped[int] = mapped_column(index=True)
    voter_key: Mapped[str] = mapped_column(String(24))
    resident_id: Mapped[int | None] = mapped_column(ForeignKey("resident.id"), index=True)
    channel: Mapped[str] = mapped_column(String(10))
    assisted_by_id: Mapped[int | None] = mapped_column(ForeignKey("resident.id"))
    witness_id: Mapped[int | None] = mapped_column(ForeignKey("resident.id"))
    entered_by_id: Mapped[int | None] = mapped_column(ForeignKey("resident.id"))
    tally_id: Mapped[int | None] = mapped_column(ForeignKey("ballot_paper_tally.id"))
    at: Mapped[datetime] = mapped_column(default=now)
    # Open (named) ballots only; always NULL on a secret ballot.
    option_id: Mapped[int | None] = mapped_column(ForeignKey("ballot_option.id"))

    resident = relationship("Resident", foreign_keys=[resident_id])
    assisted_by = relationship("Resident", foreign_keys=[assisted_by_id])


class SecretChoice(db.Model):
    """What one ballot paper said, under a random receipt code.

    No voter, no time, no sequence: the random code is the key, and on SQLite the table has
    no rowid, so rows are stored in code order rather than in the order votes came in.
    On PostgreSQL a row's physical place and xmin still follow arrival while the ballot is
    open (visible to a database superuser only); closing rewrites every row in code order in
    one transaction, and vacuum then drops the old versions."""

    __tablename__ = "ballot_choice"

    __table_args__ = {"sqlite_with_rowid": False}

    receipt: Mapped[str] = mapped_column(String(12), primary_key=True)
    ballot_id: Mapped[int] = mapped_column(ForeignKey("ballot.id", ondelete="CASCADE"),
                                           index=True)
    option_id: Mapped[int] = mapped_column(ForeignKey("ballot_option.id"))


class BallotCount(db.Model):
    """Running totals per option, so areas (which could name a household) are never kept
    per choice. Area in hundredths of m² so the database adds integers, never floats."""

    __tablename__ = "ballot_count"

    ballot_id: Mapped[int] = mapped_column(ForeignKey("ballot.id", ondelete="CASCADE"),
                                           primary_key=True)
    option_id: Mapped[int] = mapped_column(ForeignKey("ballot_option.id"), primary_key=True)
    heads: Mapped[int] = mapped_column(default=0)
    area_cm: Mapped[int] = mapped_column(BigInteger, default=0)

    @property
    def area(self) -> Decimal:
        return Decimal(self.area_cm).scaleb(-2)


class PaperTally(db.Model):
    """A show of hands at an assembly: the counts, who entered them and who witnessed."""

    __tablename__ = "ballot_paper_tally"

    __table_args__ = (CheckConstraint("present > 0", name="present"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    ballot_id: Mapped[int] = mapped_column(ForeignKey("ballot.id", ondelete="CASCADE"),
                                           index=True)
    entered_by_id: Mapped[int] = mapped_column(ForeignKey("resident.id"))
    witness_id: Mapped[int] = mapped_column(ForeignKey("resident.id"))
    present: Mapped[int]
    counts: Mapped[str] = mapped_column(Text)  # JSON {label: heads}
    at: Mapped[datetime] = mapped_column(default=now)


class SmsCode(db.Model):
    """One elector's one-time code for voting by SMS on one ballot (issue 17 §2): only its
    HMAC is kept. A reply "1 4821" leaves the choice pending until "确认 4821" (or the time
    runs out); five wrong codes lock the SMS channel for this voter and ballot."""

    __tablename__ = "ballot_sms_code"

    ballot_id: Mapped[int] = mapped_column(ForeignKey("ballot.id", ondelete="CASCADE"),
                                           primary_key=True)
    resident_id: Mapped[int] = mapped_column(ForeignKey("resident.id", ondelete="CASCADE"),
                                             primary_key=True, index=True)
    voter_key: Mapped[str] = mapped_column(String(24))
    code_hash: Mapped[str] = mapped_column(String(64))
    pending_option_id: Mapped[int | None] = mapped_column(
        ForeignKey("ballot_option.id", ondelete="SET NULL"))
    pending_until: Mapped[datetime | None]
    wrong: Mapped[int] = mapped_column(default=0)
    locked: Mapped[bool] = mapped_column(Boolean, default=False)
