"""Open, advance and close ballots; cast one vote per voter whatever the channel."""

import hmac
import secrets
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal

from flask import abort, current_app, has_request_context, request
from flask_babel import format_datetime
from sqlalchemy import insert, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload, selectinload

from .. import clock
from ..access import belongs_to, has_role, roles_of
from ..audit.service import record
from ..database import write_transaction
from ..extensions import db, login_manager
from ..i18n import gettext as _
from ..notify.service import notify, notify_many
from ..residents.models import Resident
from ..units.models import Unit
from ..web import site_path
from . import electorate, labels, link, results, rules
from . import sms as by_sms
from .errors import AlreadyVoted, BallotClosed, BallotError, NotEligible, NoticeTooShort, NotOpen
from .models import (
    Ballot,
    BallotCount,
    BallotOption,
    Caster,
    Elector,
    Participation,
    SecretChoice,
)
from .queries import already_message, notice_days_for

# The words a worker types as options, read once to store each option's kind.
ABSTAIN = "弃权"  # i18n: data
AGREE = "同意"  # i18n: data
OPPOSE = ("反对", "不同意")  # i18n: data
# Receipt codes: no 0/O, 1/I/L, so they can be read aloud and copied by hand.
RECEIPT_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
RULE_BASES = {"owners_ordinary": ("owner",), "owners_special": ("owner",),
              "assembly": ("resident", "household"), "representatives": ("resident",)}

HELPERS = ("volunteer", "worker")  # may help a resident vote at the door


@dataclass
class Draft:
    """What a worker asks for on /ballots/new."""
    unit: Unit
    title: str
    basis: str
    rule: str
    options: list[str]
    closes_at: datetime
    opens_at: datetime | None = None
    secret: bool = True
    channels: list[str] = field(default_factory=lambda: ["web", "kiosk", "visit", "paper"])
    entrance: str | None = None
    notice_acknowledged: bool = False
    submit_token: str | None = None
    issue_id: int | None = None


def option_kinds(labels: list[str]) -> list[tuple[str, str]]:
    """Each option's label with its kind, decided once, as the ballot is made: 同意 agrees,
    反对/不同意 opposes, 弃权 abstains, anything else is a solution to choose (金字塔议事).
    From then on the counting reads the kind, never the words."""
    words = {AGREE: "yes", ABSTAIN: "abstain", **{w: "no" for w in OPPOSE}}
    return [(label, words.get(label, "choice")) for label in labels]


def option_rows(labels: list[str]) -> list[dict]:
    """The option rows of a new ballot (position, label, kind), as every ballot gets them."""
    return [{"position": i, "label": label, "kind": kind, "abstain": kind == "abstain"}
            for i, (label, kind) in enumerate(option_kinds(labels), 1)]


def new_receipt(choose=secrets.choice) -> str:
    """A random 8-character receipt code (about 40 bits). Bulk loads pass a seeded `choose`."""
    return "".join(choose(RECEIPT_ALPHABET) for _ in range(8))


def sealed_receipt(nonce: str) -> str:
    """The receipt code for a paper ballot entered under this nonce. The entry form carries
    only the nonce: its signed ticket is readable, and a worker who knew the code beside the
    voter could find the choice of a secret ballot in the published list."""
    digest = hmac.new(current_app.secret_key.encode(), f"paper-receipt:{nonce}".encode(),
                      "sha256").digest()
    n = int.from_bytes(digest, "big")
    code = []
    while len(code) < 8:
        n, i = divmod(n, len(RECEIPT_ALPHABET))
        code.append(RECEIPT_ALPHABET[i])
    return "".join(code)


def get_ballot_or_404(ballot_id: int) -> Ballot:
    """Load a ballot with its unit and options. A GET writes nothing: pages read the state
    from the times (`Ballot.state`). A write (POST) first opens or closes the ballot if its
    time has come, as `flask close-due-ballots` does from cron, so it acts on what is stored."""
    ballot = db.session.scalar(db.select(Ballot).where(Ballot.id == ballot_id).options(
        joinedload(Ballot.unit), selectinload(Ballot.options)))
    if ballot is None:
        abort(404)
    if has_request_context() and request.method not in ("GET", "HEAD"):
        advance(ballot)
    return ballot


def serves(helper: Resident, ballot: Ballot) -> bool:
    """True when the helper volunteers (or works) in the ballot's unit, above it or below it."""
    return any(r.role in HELPERS and (r.unit.contains(ballot.unit) or ballot.unit.contains(r.unit))
               for r in roles_of(helper))


def get_member_ballot_or_404(ballot_id: int, user, public_when_closed: bool = False) -> Ballot:
    """Load a ballot for someone who lives in its unit or serves in it (staff above it,
    volunteers in one of its buildings); the login page for the anonymous, 403 for others."""
    ballot = get_ballot_or_404(ballot_id)
    if public_when_closed and ballot.state == "closed":
        return ballot  # published on the notice board
    if not user.is_authenticated:
        abort(login_manager.unauthorized())
    if not (belongs_to(user, ballot.unit) or serves(user, ballot)):
        abort(403)
    return ballot


def get_staff_ballot_or_404(ballot_id: int, user) -> Ballot:
    """Load a ballot for a worker of its unit; 403 for anyone else."""
    ballot = get_ballot_or_404(ballot_id)
    if not has_role(user, "worker", ballot.unit):
        abort(403)
    return ballot


def _basis_words(rule: str) -> str:
    """Who may vote under a rule, in words ("业主" or "居民或各户")."""
    return {("owner",): _("业主"), ("resident",): _("居民（一人一票）")}.get(
        RULE_BASES[rule], _("居民或各户"))


def _check_draft(d: Draft, now: datetime) -> None:
    if d.basis not in RULE_BASES.get(d.rule, ("resident", "household", "owner")):
        raise BallotError(_("这种表决规则要由%(who)s投票，请在“谁来投票”里改选",
                            who=_basis_words(d.rule)), "basis")
    if d.rule == "representatives" and not electorate.has_representatives(d.unit):
        raise BallotError(_("“%(unit)s”还没有居民代表，不能用居民代表会议表决。请先在“查找居民”"
                            "里任命居民代表，或改选其他表决规则。", unit=d.unit.name), "rule")
    labels = [x.strip() for x in d.options if x.strip()]
    if len(labels) < 2 or len(set(labels)) != len(labels):
        raise BallotError(_("至少要有两个不同的选项，每行一个"), "options")
    if len(labels) > 10 or max(map(len, labels)) > 40:
        raise BallotError(_("最多10个选项，每个选项最多40个字"), "options")
    start = d.opens_at or now
    if d.closes_at <= max(start, now):
        raise BallotError(_("结束时间要晚于开始时间和现在"), "closes_at")
    if d.secret and "assembly" in d.channels:
        raise BallotError(_("无记名投票不能用现场举手表决：请去掉“现场举手”，或取消“无记名投票”"),
                          "channels")
    if d.basis == "owner" and "assembly" in d.channels:
        raise BallotError(_("业主表决要按面积逐张登记，不能用现场举手表决：请去掉“现场举手”"),
                          "channels")
    if d.basis == "owner" and not d.notice_acknowledged:
        days = notice_days_for(d.unit)
        if start - now < timedelta(days=days):
            raise NoticeTooShort(_("业主表决应提前 %(days)d 天公示，现在离开始投票不足 "
                                   "%(days)d 天。如确需发起，请勾选“已知晓公示期不足，仍要发起”。",
                                   days=days), "acknowledge")


def create_ballot(d: Draft, actor: Resident) -> Ballot:
    """Announce a ballot; with no opening time it opens (and freezes its electorate) now.
    A resent form (same submit_token) finds the ballot it made instead of a second one."""
    now = clock.now()
    if d.submit_token and (done := _by_token(d.submit_token)):
        return done
    _check_draft(d, now)
    try:
        ballot = build_ballot(d, actor, now)
    except IntegrityError:  # the same form submitted twice at once
        db.session.rollback()
        return _by_token(d.submit_token) or abort(409)
    db.session.commit()
    return ballot


def build_ballot(d: Draft, actor: Resident, now: datetime) -> Ballot:
    """Add the ballot, its options and counters to the transaction (the caller commits);
    open it when its opening time has come."""
    ballot = Ballot(unit=d.unit, title=d.title.strip(), basis=d.basis, rule=d.rule,
                    secret=d.secret, channels=",".join(d.channels), entrance=d.entrance or None,
                    opens_at=d.opens_at or now, closes_at=d.closes_at, status="scheduled",
                    created_by_id=actor.id, submit_token=d.submit_token, issue_id=d.issue_id)
    labels = [x.strip() for x in d.options if x.strip()]
    ballot.options = [BallotOption(**row) for row in option_rows(labels)]
    db.session.add(ballot)
    db.session.flush()
    db.session.add_all([BallotCount(ballot_id=ballot.id, option_id=o.id) for o in ballot.options])
    notice = notice_days_for(d.unit) if d.basis == "owner" else 0
    record("ballot_created", ballot, actor=actor, unit_id=ballot.unit_id,
           **created_detail(ballot, notice, now, d.notice_acknowledged))
    if ballot.opens_at <= now:
        _open(ballot, actor)
    return ballot


def created_detail(ballot: Ballot, notice: int, now: datetime, acknowledged: bool) -> dict:
    """What the ballot_created audit row says (this service and ballots.bulk write it)."""
    return {"title": ballot.title, "rule": ballot.rule, "basis": ballot.basis,
            "secret": ballot.secret, "channels": ballot.channels, "opens_at": ballot.opens_at,
            "closes_at": ballot.closes_at, "notice_days": notice,
            "notice_short": bool(notice) and ballot.opens_at - now < timedelta(days=notice),
            "notice_acknowledged": acknowledged}


def opened_detail(ballot: Ballot) -> dict:
    """What the ballot_opened audit row says: the frozen electorate's size."""
    return {"heads": ballot.eligible_heads, "area": ballot.eligible_area}


def _by_token(token: str) -> Ballot | None:
    return db.session.scalar(db.select(Ballot).where(Ballot.submit_token == token))


def _claim(ballot: Ballot, old: str, new: str, due: datetime | None) -> bool:
    """Move the ballot from one state to the next exactly once, even with racing requests.

    The conditional UPDATE is the first statement of a fresh transaction, so on SQLite it
    queues for the write lock, and on PostgreSQL the loser waits and then matches no row."""
    db.session.commit()
    stmt = update(Ballot).where(Ballot.id == ballot.id, Ballot.status == old)
    if due is not None:
        column = Ballot.opens_at if old == "scheduled" else Ballot.closes_at
        stmt = stmt.where(column <= due)
    won = db.session.execute(stmt.values(status=new)).rowcount == 1
    if not won:
        db.session.rollback()
    db.session.refresh(ballot)
    return won


def _open(ballot: Ballot, actor=None) -> None:
    ballot.status = "open"
    electorate.freeze(ballot)
    record("ballot_opened", ballot, actor=actor, unit_id=ballot.unit_id, **opened_detail(ballot))
    text = _("投票开始：%(title)s，%(when)s截止", title=ballot.title,
             when=format_datetime(ballot.closes_at, _("M月d日 HH:mm")))
    by_text = "sms" in ballot.channel_list  # then the SMS is the invitation with its code
    notify_many(electorate.residents(ballot), text,
                site_path("ballots.show", ballot_id=ballot.id), sms=not by_text)
    by_sms.invite(ballot)


def advance(ballot: Ballot) -> None:
    """Open a ballot whose opening time has come, close one whose closing time has passed."""
    now = clock.now()
    due = ballot.status == "scheduled" and ballot.opens_at <= now
    if due and _claim(ballot, "scheduled", "open", now):
        _open(ballot)
        db.session.commit()
    if ballot.status == "open" and ballot.closes_at <= now:
        close_ballot(ballot, None)


def advance_due() -> int:
    """Open and close every ballot whose time has come (cron, and lists); returns how many."""
    now = clock.now()
    due = db.session.scalars(db.select(Ballot).where(
        ((Ballot.status == "scheduled") & (Ballot.opens_at <= now))
        | ((Ballot.status == "open") & (Ballot.closes_at <= now)))).all()
    for ballot in due:
        advance(ballot)
    return len(due)


def close_ballot(ballot: Ballot, actor: Resident | None) -> bool:
    """Close the ballot (a worker now, or anyone after its closing time), publish the result
    to the voters' to-dos; False when it was not open (already closed by someone else)."""
    if not _claim(ballot, "open", "closed", None if actor else clock.now()):
        return False
    publish_result(ballot, actor)
    db.session.commit()
    return True


def publish_result(ballot: Ballot, actor: Resident | None) -> None:
    """Decide a ballot that has just closed, tell its voters, audit it (the caller commits)."""
    verdict, detail = settle(ballot, results.tally(ballot), clock.now(), actor is not None)
    _rewrite_choices(ballot)
    word = labels.OUTCOME_LABELS[verdict.outcome]
    notify_many(electorate.residents(ballot),
                _("表决结果：%(title)s——%(word)s", title=ballot.title, word=word),
                site_path("ballots.results", ballot_id=ballot.id), sms=True)
    record("ballot_closed", ballot, actor=actor, unit_id=ballot.unit_id, **detail)
    link.move_issue(ballot, verdict.outcome, actor)


def settle(ballot: Ballot, tally: rules.Tally, at: datetime,
           by_worker: bool) -> tuple[rules.Verdict, dict]:
    """Close the ballot at `at` with its rule's verdict on the tally; returns the verdict and
    what the ballot_closed audit row says (this service and ballots.bulk both close so)."""
    verdict = rules.decide(ballot.rule, tally, ballot.basis)
    ballot.status, ballot.closed_at, ballot.outcome = "closed", at, verdict.outcome
    return verdict, {"outcome": verdict.outcome, "reason": verdict.reason,
                     "by": "worker" if by_worker else "time"}


def _rewrite_choices(ballot: Ballot) -> None:
    """Write the choices again in receipt order in one transaction, so no physical order or
    transaction id (PostgreSQL's xmin) is left from the moment each vote came in."""
    rows = db.session.execute(db.select(SecretChoice.receipt, SecretChoice.option_id)
                              .where(SecretChoice.ballot_id == ballot.id)
                              .order_by(SecretChoice.receipt)).all()
    db.session.execute(db.delete(SecretChoice).where(SecretChoice.ballot_id == ballot.id))
    if rows:
        db.session.execute(db.insert(SecretChoice), [
            {"receipt": r, "ballot_id": ballot.id, "option_id": o} for r, o in rows])


def record_vote(ballot: Ballot, option: BallotOption, key: str, channel: str, receipt: str,
                *, area: Decimal | None = None, **who) -> None:
    """Add one vote to the transaction in three statements: participation, the choice apart,
    the running count. `area`: the voter's, if the caller has read it; `who`: resident_id,
    assisted_by_id, witness_id, entered_by_id."""
    taken, choice = vote_rows(ballot, option.id, key, channel, receipt, **who)
    # The unique constraint (ballot, voter) speaks here, before anything else is written.
    db.session.execute(insert(Participation).values(**taken))
    db.session.execute(insert(SecretChoice).values(**choice))
    if area is None:
        area = db.session.scalar(db.select(Elector.area).where(
            Elector.ballot_id == ballot.id, Elector.voter_key == key))
    db.session.execute(update(BallotCount).where(
        BallotCount.ballot_id == ballot.id, BallotCount.option_id == option.id).values(
        heads=BallotCount.heads + 1, area_cm=BallotCount.area_cm + int(area * 100)))


def vote_rows(ballot: Ballot, option_id: int, key: str, channel: str, receipt: str,
              **who) -> tuple[dict, dict]:
    """One vote's rows: the participation (the choice only on an open ballot) and, apart,
    the choice under its receipt. `record_vote` and ballots.bulk write these."""
    return ({"ballot_id": ballot.id, "voter_key": key, "channel": channel,
             "option_id": None if ballot.secret else option_id, **who},
            {"receipt": receipt, "ballot_id": ballot.id, "option_id": option_id})


def vote_audit(channel: str, key: str, resident_id: int, *, assisted_by_id: int | None = None,
               witness_id: int | None = None,
               entered_by_id: int | None = None) -> tuple[str, int, dict]:
    """A vote's audit row as (action, actor id, detail): who took part and how (as the
    participation row says), never the choice or the receipt, which would link the two.
    A paper ballot is the worker's entry; a vote at the door is the helper's."""
    if entered_by_id is not None:
        return "ballot_paper_entry", entered_by_id, {
            "resident_id": resident_id, "voter_key": key, "witness_id": witness_id}
    if assisted_by_id is not None:
        return "ballot_assisted_vote", assisted_by_id, {
            "resident_id": resident_id, "voter_key": key,
            "confirmed": "witness" if witness_id else "pin", "witness_id": witness_id}
    return "ballot_vote", resident_id, {"channel": channel, "voter_key": key}


def lock_open(ballot: Ballot, channel: str) -> None:
    """Refuse unless the ballot takes votes now by this channel. On PostgreSQL this holds a
    share lock on the ballot row, so a closing worker waits for votes under way."""
    status, opens, closes = db.session.execute(
        db.select(Ballot.status, Ballot.opens_at, Ballot.closes_at)
        .where(Ballot.id == ballot.id).with_for_update(read=True)).one()
    now = clock.now()
    if status == "scheduled" or opens > now:
        raise NotOpen(_("投票还没有开始，请到开始时间后再来。"))
    if status == "closed" or closes <= now:
        raise BallotClosed(_("投票已经结束，不能再投了。"))
    if channel not in ballot.channel_list:
        raise NotEligible(_("这次表决不接受这种投票方式。"))


def cast_vote(ballot: Ballot, resident: Resident, option: BallotOption, channel: str, *,
              key: str, receipt: str, assisted_by: Resident | None = None,
              witness: Resident | None = None) -> str:
    """Cast the resident's vote for voter `key` and return its receipt code. A retry carrying
    the same receipt (a double tap, a resent form) returns that receipt and counts once.

    What came before may have only read (a `reads_first` view): the write transaction opens
    here and reads again what the decision depends on (the ballot's state, the voter), then
    writes the participation, the choice, the count and the audit row, and commits once."""
    if db.session.get(SecretChoice, receipt) is not None:  # counted: a retry, no write lock
        return _replay(ballot, key, receipt, resident)
    write_transaction()
    try:
        lock_open(ballot, channel)
        area = _voter_area(ballot, resident, option, key)
        record_vote(ballot, option, key, channel, receipt, area=area, resident_id=resident.id,
                    assisted_by_id=assisted_by.id if assisted_by else None,
                    witness_id=witness.id if witness else None)
        action, _actor, detail = vote_audit(
            channel, key, resident.id, assisted_by_id=assisted_by.id if assisted_by else None,
            witness_id=witness.id if witness else None)
        record(action, ballot, actor=assisted_by or resident, unit_id=ballot.unit_id, **detail)
        if assisted_by is not None:
            _tell_assisted(ballot, resident, assisted_by)
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        return _replay(ballot, key, receipt, resident)
    return receipt


def _voter_area(ballot: Ballot, resident: Resident, option: BallotOption, key: str) -> Decimal:
    """The area of voter `key`, read in one statement with what decides whether this
    resident may cast that vote (alive, one of its casters); refuses otherwise."""
    died_on, area = db.session.execute(
        db.select(Resident.died_on, Elector.area).select_from(Resident)
        .outerjoin(Caster, (Caster.resident_id == Resident.id) & (Caster.ballot_id == ballot.id)
                   & (Caster.voter_key == key))
        .outerjoin(Elector, (Elector.ballot_id == Caster.ballot_id)
                   & (Elector.voter_key == Caster.voter_key))
        .where(Resident.id == resident.id)).one()
    if died_on is not None:  # any channel: web, kiosk, at the door
        raise NotEligible(_("这位居民已登记去世，不能再投票。"))
    if option.ballot_id != ballot.id or area is None:
        raise NotEligible(_("您不在这次表决的投票人名单中。"))
    return area


def _tell_assisted(ballot, resident, helper) -> None:
    # By SMS too, at once by day: a vote cast in someone's name is seen by them.
    notify(resident, _("志愿者 %(name)s 协助您投了票：%(title)s。如不是您本人的意思，请联系社区",
                       name=helper.name, title=ballot.title),
           site_path("ballots.show", ballot_id=ballot.id), sms=True)


def _replay(ballot: Ballot, key: str, receipt: str, resident: Resident) -> str:
    done = db.session.scalar(db.select(Participation).where(
        Participation.ballot_id == ballot.id, Participation.voter_key == key))
    if done is None:  # pragma: no cover - a receipt code collision; the voter tries again
        raise BallotError(_("系统繁忙，请再提交一次。"))
    if db.session.get(SecretChoice, receipt) is not None:
        return receipt
    raise AlreadyVoted(already_message(done, resident))
