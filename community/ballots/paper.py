"""Votes a worker enters: paper ballots one by one, and a show of hands at an assembly."""

import json

from sqlalchemy import update
from sqlalchemy.exc import IntegrityError

from ..audit.service import record
from ..auth.service import find_resident
from ..extensions import db
from ..i18n import gettext as _
from ..residents.models import Resident
from .electorate import my_votes
from .errors import AlreadyVoted, BallotError, NotEligible
from .models import Ballot, BallotCount, BallotOption, PaperTally, Participation, SecretChoice
from .queries import already_message
from .service import lock_open, record_vote, vote_audit


def voter_key_for(ballot: Ballot, resident: Resident) -> str:
    """The vote this resident casts on paper: their first one not yet cast."""
    if resident.died_on is not None:
        raise NotEligible(_("%(name)s 已登记去世，不能再投票。", name=resident.name))
    votes = my_votes(ballot, resident)
    if not votes:
        raise NotEligible(_("%(name)s 不在这次表决的投票人名单中。", name=resident.name))
    waiting = [v for v in votes if v.done is None]
    if not waiting:
        raise AlreadyVoted(already_message(votes[0].done, resident, to_voter=False))
    return waiting[0].key


def enter_paper(ballot: Ballot, worker: Resident, voter: Resident, option: BallotOption,
                witness: Resident, receipt: str) -> str:
    """Record one paper ballot (voter, choice, witness); a resent form counts once."""
    try:
        lock_open(ballot, "paper")
        key = voter_key_for(ballot, voter)
        record_vote(ballot, option, key, "paper", receipt, resident_id=voter.id,
                    entered_by_id=worker.id, witness_id=witness.id)
        # The choice stays out of the audit log: the paper itself is the record.
        action, _actor, detail = vote_audit("paper", key, voter.id, witness_id=witness.id,
                                            entered_by_id=worker.id)
        record(action, ballot, actor=worker, unit_id=ballot.unit_id, **detail)
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        if db.session.get(SecretChoice, receipt) is not None:
            return receipt
        done = db.session.scalar(db.select(Participation).where(
            Participation.ballot_id == ballot.id, Participation.resident_id == voter.id))
        raise AlreadyVoted(already_message(done, voter, to_voter=False) if done
                           else _("刚刚有人投了票，请再提交一次。")) from None
    return receipt


def resolve_present(ballot: Ballot, lines: list[str]) -> dict[str, Resident]:
    """Map the present list (resident codes or phones, one a line) to voter keys; every
    problem is reported at once, line by line."""
    keys: dict[str, Resident] = {}
    problems = []
    for n, login in enumerate(lines, 1):
        resident = find_resident(login)
        if resident is None:
            problems.append(_("第%(n)d行 %(login)s：找不到这位居民", n=n, login=login))
            continue
        try:
            key = voter_key_for(ballot, resident)
        except BallotError as e:
            problems.append(_("第%(n)d行 %(msg)s", n=n, msg=e.message))
            continue
        if key in keys:
            problems.append(_("第%(n)d行 %(name)s 与 %(other)s 是同一户，只算一次", n=n,
                              name=resident.name, other=keys[key].name))
            continue
        keys[key] = resident
    if problems:
        raise BallotError("；".join(problems), "present")
    return keys


def enter_assembly(ballot: Ballot, worker: Resident, lines: list[str],
                   counts: dict[BallotOption, int], witness: Resident) -> PaperTally:
    """Record a show of hands: who was present (marked as having voted) and the counts."""
    lock_open(ballot, "assembly")
    if ballot.weighs_area or ballot.secret:
        raise BallotError(_("业主表决和无记名投票要逐张登记，不能举手表决。"))
    keys = resolve_present(ballot, lines)
    if sum(counts.values()) != len(keys):
        raise BallotError(_("各选项举手人数合计 %(sum)d，与到会 %(present)d 不符，请核对。",
                            sum=sum(counts.values()), present=len(keys)), "counts")
    tally = PaperTally(ballot_id=ballot.id, entered_by_id=worker.id, witness_id=witness.id,
                       present=len(keys),
                       counts=json.dumps({o.label: n for o, n in counts.items()},
                                         ensure_ascii=False))
    db.session.add(tally)
    db.session.flush()
    db.session.add_all([Participation(
        ballot_id=ballot.id, voter_key=k, channel="assembly", resident_id=r.id,
        entered_by_id=worker.id, witness_id=witness.id, tally_id=tally.id)
        for k, r in keys.items()])
    try:
        db.session.flush()
    except IntegrityError:  # someone voted online between the check and now
        db.session.rollback()
        raise BallotError(_("有人刚刚投了票，请重新核对到会名单。"), "present") from None
    for option, n in counts.items():
        db.session.execute(update(BallotCount).where(
            BallotCount.ballot_id == ballot.id, BallotCount.option_id == option.id)
            .values(heads=BallotCount.heads + n))
    record("ballot_assembly_tally", tally, actor=worker, unit_id=ballot.unit_id,
           ballot_id=ballot.id, present=len(keys), counts=json.loads(tally.counts),
           witness_id=witness.id)
    db.session.commit()
    return tally
