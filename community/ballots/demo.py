"""Demo ballots: one open for the demo resident, a closed 加装电梯 vote of one 单元's owners,
and a closed 居民会议 decided by a show of hands."""

import json
import random
from datetime import timedelta

from .. import clock
from ..audit.service import record
from ..extensions import db
from ..units.models import Household
from . import electorate, service
from .models import Ballot, BallotCount, Caster, PaperTally, Participation


def seed(ctx) -> None:
    """Add the demo ballots (in the caller's transaction)."""
    r = random.Random("ballots")
    _charging_points(ctx, r)
    _elevator(ctx)
    _assembly(ctx, r)


def _draft(ctx, unit_name, title, days_ago, length, **kw) -> service.Draft:
    now = clock.now()
    opens = now - timedelta(days=days_ago)
    kw.setdefault("options", ["同意", "反对", "弃权"])
    return service.Draft(unit=ctx.units[unit_name], title=title, opens_at=opens,
                         closes_at=opens + timedelta(days=length), notice_acknowledged=True,
                         **kw)


def _option(ballot: Ballot, label: str):
    return next(o for o in ballot.options if o.label == label)


def _cast(ballot, key, label, when, channel="web", **who) -> None:
    service.record_vote(ballot, _option(ballot, label), key, channel, service.new_receipt(),
                        at=when, **who)


def _first_casters(ballot: Ballot) -> dict[str, int]:
    """Each voter key with the first resident who may cast it."""
    rows = db.session.execute(db.select(Caster.voter_key, Caster.resident_id)
                              .where(Caster.ballot_id == ballot.id)
                              .order_by(Caster.resident_id)).all()
    return dict(reversed(rows))


def _charging_points(ctx, r) -> None:
    """Open now: 船柴一区, one vote per household; the demo resident has not voted yet."""
    ballot = service.build_ballot(_draft(
        ctx, "船柴一区", "船柴一区增设电动自行车集中充电棚", 2, 12, basis="household",
        rule="majority"), ctx.logins["worker"], clock.now())
    mine = {v.key for v in electorate.my_votes(ballot, ctx.logins["resident"])}
    first = _first_casters(ballot)
    for key in sorted(first, key=lambda k: int(k[1:]))[::3]:
        if key not in mine:
            label = r.choice(["同意"] * 6 + ["反对"] * 2 + ["弃权"])
            _cast(ballot, key, label, clock.now() - timedelta(hours=r.randint(1, 40)),
                  resident_id=first[key])


def _elevator(ctx) -> None:
    """Closed: 船柴一区 2栋 2单元 owners, 民法典第278条 special matter (3/4 of area and heads).
    The ground floor objects (it gains nothing and loses light); one top-floor flat is silent."""
    worker, volunteer = ctx.logins["worker"], ctx.logins["volunteer"]
    ballot = service.build_ballot(_draft(
        ctx, "船柴一区/2栋", "2栋2单元加装电梯", 30, 14, basis="owner",
        rule="owners_special", secret=False, entrance="2单元",
        channels=["web", "visit", "paper"]), worker, clock.now())
    flats = db.session.scalars(db.select(Household).where(
        Household.building_id == ballot.unit_id, Household.address.startswith("2单元"))
        .order_by(Household.address)).all()
    when = ballot.opens_at + timedelta(days=3)
    for i, flat in enumerate(flats):
        owner = next(m.resident for m in flat.members if m.is_owner)
        floor = flat.address[3]
        if flat.address == "2单元602":
            continue
        label = {"1": "反对"}.get(floor, "同意")
        if flat.address == "2单元102":
            label = "弃权"
        who = {"resident_id": owner.id}
        channel = ("paper", "visit", "web")[i % 3]
        if channel == "paper":
            who.update(entered_by_id=worker.id, witness_id=volunteer.id)
        elif channel == "visit":
            who["assisted_by_id"] = volunteer.id
        key = electorate.my_votes(ballot, owner)[0].key
        _cast(ballot, key, label, when + timedelta(hours=i), channel, **who)
    service.publish_result(ballot, worker)
    ballot.closed_at = ballot.closes_at


def _assembly(ctx, r) -> None:
    """Closed: 船柴二区 居民会议, one household one hand; 2/3 of households must attend."""
    worker, witness = ctx.logins["worker"], ctx.logins["supervisor"]
    ballot = service.build_ballot(_draft(
        ctx, "船柴二区", "船柴二区楼道堆放物清理和绿化改造方案（居民会议）", 20, 1,
        basis="household", rule="assembly", secret=False, channels=["assembly"]),
        worker, clock.now())
    present = r.sample(sorted(_first_casters(ballot).items()), 52)
    counts = {"同意": 40, "反对": 8, "弃权": 4}
    tally = PaperTally(ballot_id=ballot.id, entered_by_id=worker.id, witness_id=witness.id,
                       present=len(present), counts=json.dumps(counts, ensure_ascii=False),
                       at=ballot.opens_at + timedelta(hours=2))
    db.session.add(tally)
    db.session.flush()
    db.session.add_all(Participation(
        ballot_id=ballot.id, voter_key=k, channel="assembly", resident_id=rid,
        entered_by_id=worker.id, witness_id=witness.id, tally_id=tally.id, at=tally.at)
        for k, rid in present)
    for label, n in counts.items():
        db.session.get(BallotCount, (ballot.id, _option(ballot, label).id)).heads = n
    record("ballot_assembly_tally", tally, actor=worker, unit_id=ballot.unit_id,
           ballot_id=ballot.id, present=len(present), counts=counts, witness_id=witness.id)
    service.publish_result(ballot, worker)
    ballot.closed_at = ballot.closes_at
