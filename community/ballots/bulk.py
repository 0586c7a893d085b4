"""Ballots written in bulk (the generated city, `flask generate`): the same rows, counts,
audit rows and closing verdict as the ballot services write one by one, made by the same
functions, so the two cannot drift. The caller decides what happens (who votes what, when);
this module decides how it is stored.

Rows go to a sink (ops.loader.Loader): `add(model, **row) -> id` queues one row and hands out
its id; `audit(action, model, object_id, at=, actor_id=, unit_id=, **detail)` queues the next
row of the audit chain. Nothing here reads or writes the session per row."""

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Protocol

from ..extensions import db
from . import electorate, results, service
from .electorate import Voter
from .models import (
    Ballot,
    BallotCount,
    BallotOption,
    Caster,
    Elector,
    Participation,
    SecretChoice,
)


class Sink(Protocol):
    def add(self, model, **row) -> int | None: ...

    def audit(self, action: str, model, object_id: int | None, *, at: datetime,
              actor_id: int | None, unit_id: int | None, **detail) -> None: ...


class Receipts:
    """Receipt codes drawn as the service draws them, from a seeded `choose`, never one
    already stored or drawn (the service relies on the primary key and a retry)."""

    def __init__(self, choose):
        self.choose = choose
        self.used: set[str] = set(db.session.scalars(db.select(SecretChoice.receipt)))

    def draw(self) -> str:
        while (code := service.new_receipt(self.choose)) in self.used:
            pass
        self.used.add(code)
        return code


@dataclass
class _Vote:
    at: datetime
    key: str
    option: int  # index into the ballot's options
    channel: str
    receipt: str
    who: dict


class BulkBallot:
    """One ballot through its life: made, opened (electorate frozen), voted on, maybe closed;
    then `write` sends every row to the sink. A transient (never added) Ballot carries its
    state so the services' own functions can read and set it."""

    def __init__(self, *, unit_id: int, title: str, basis: str, rule: str, secret: bool,
                 channels: list[str], options: list[str], opens_at: datetime,
                 closes_at: datetime, created_by_id: int | None, created_at: datetime,
                 notice_days: int = 0, entrance: str | None = None):
        self.ballot = Ballot(
            unit_id=unit_id, entrance=entrance, title=title, basis=basis, rule=rule,
            secret=secret, channels=",".join(channels), opens_at=opens_at, closes_at=closes_at,
            status="scheduled", eligible_heads=0, eligible_area=Decimal("0"), outcome=None,
            closed_at=None, created_by_id=created_by_id, created_at=created_at,
            submit_token=None, issue_id=None,
            options=[BallotOption(**row) for row in service.option_rows(options)])
        notice = notice_days if basis == "owner" else 0
        self.audits = [("ballot_created", created_at, created_by_id, service.created_detail(
            self.ballot, notice, created_at, acknowledged=False))]
        self.voters: list[Voter] = []
        self.area: dict[str, Decimal] = {}
        self.votes: list[_Vote] = []
        self.counts = [[0, 0] for _ in self.ballot.options]  # heads, area_cm per option

    def open(self, voters: list[Voter]) -> None:
        """Opened by time at opens_at: the electorate frozen as electorate.freeze does."""
        self.ballot.status = "open"
        self.voters = voters
        self.area = {v.key: v.area for v in voters}
        electorate.count_eligible(self.ballot, voters)
        self.audits.append(("ballot_opened", self.ballot.opens_at, None,
                            service.opened_detail(self.ballot)))

    def vote(self, key: str, option: int, channel: str, at: datetime, receipt: str, *,
             resident_id: int, assisted_by_id: int | None = None,
             witness_id: int | None = None, entered_by_id: int | None = None) -> None:
        """The vote of voter `key` for the option at this index, counted as record_vote
        counts it."""
        who = {"resident_id": resident_id, "assisted_by_id": assisted_by_id,
               "witness_id": witness_id, "entered_by_id": entered_by_id}
        self.votes.append(_Vote(at, key, option, channel, receipt, who))
        self.counts[option][0] += 1
        self.counts[option][1] += int(self.area[key] * 100)

    def close(self, at: datetime) -> str:
        """Closed by time at `at`, decided as the service decides; returns the outcome."""
        _, detail = service.settle(self.ballot, results.tally_of(self.ballot, self.counts), at,
                                   by_worker=False)
        self.audits.append(("ballot_closed", at, None, detail))
        return self.ballot.outcome

    def write(self, sink: Sink) -> int:
        """Send the ballot's rows (and audit rows, in time order) to the sink; its id."""
        b = self.ballot
        b.id = sink.add(Ballot, **{c.key: getattr(b, c.key) for c in Ballot.__table__.columns
                                   if c.key != "id"})
        for o in b.options:
            o.id = sink.add(BallotOption, ballot_id=b.id, position=o.position, label=o.label,
                            kind=o.kind, abstain=o.abstain)
        for row in electorate.elector_rows(b.id, self.voters):
            sink.add(Elector, **row)
        for row in electorate.caster_rows(b.id, self.voters):
            sink.add(Caster, **row)
        for o, (heads, area_cm) in zip(b.options, self.counts, strict=True):
            sink.add(BallotCount, ballot_id=b.id, option_id=o.id, heads=heads, area_cm=area_cm)
        votes = sorted(self.votes, key=lambda v: v.at)
        choices = []
        audits = list(self.audits)
        for v in votes:
            taken, choice = service.vote_rows(b, b.options[v.option].id, v.key, v.channel,
                                              v.receipt, tally_id=None, at=v.at, **v.who)
            sink.add(Participation, **taken)
            choices.append(choice)
            action, actor_id, detail = service.vote_audit(
                v.channel, v.key, v.who["resident_id"], assisted_by_id=v.who["assisted_by_id"],
                witness_id=v.who["witness_id"], entered_by_id=v.who["entered_by_id"])
            audits.append((action, v.at, actor_id, detail))
        if b.status == "closed":  # closing rewrites the choices in receipt order
            choices.sort(key=lambda c: c["receipt"])
        for choice in choices:
            sink.add(SecretChoice, **choice)
        for action, at, actor_id, detail in sorted(audits, key=lambda a: a[1]):
            sink.audit(action, Ballot, b.id, at=at, actor_id=actor_id, unit_id=b.unit_id,
                       **detail)
        return b.id
