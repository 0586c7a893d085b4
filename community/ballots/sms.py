"""Voting by SMS, the channel 短信 (issue 17 §2), through the same `cast_vote` as the web.

When a ballot whose channels include "sms" opens, `invite()` texts each elector with a phone
who takes SMS: the question, the options as numbers, the closing time, the link and a 4-digit
voting code for that voter and ballot (only its HMAC is stored, in `SmsCode`).

- "1 4821" (option number or 同意/反对/弃权, then the code; full-width digits and spaces are
  fine) repeats the choice in words and asks for "确认 4821" within 10 minutes (counted from
  when the question can go out: a reply at night is answered at 8:00).
- "确认 4821" casts the vote with channel "sms" and answers with the receipt code.
- Five wrong codes lock the SMS channel for that voter and ballot and tell the worker who made
  the ballot; anything else from a voter with an open SMS vote gets a short help line (899).

Answers within a vote go out as `Private` (a `Must`): the voter asked, so neither 退订 nor the
daily cap may hold a receipt or the confirmation question; and they are never shown on staff
pages and are cleared once sent, as is the voter's "1 4821" (secret from staff, like every
vote). Invitations honour 退订 and are private too (they carry the code).
"""

import hmac
import re
import secrets
from datetime import timedelta

from flask import current_app
from flask_babel import format_datetime

from .. import clock
from ..audit.service import record
from ..database import write_transaction
from ..extensions import db
from ..i18n import gettext as _
from ..notify.inbound import Private, command, normal
from ..notify.models import SmsInbound
from ..notify.service import notify, wants_sms
from ..notify.sms import MAX_LENGTH, SIGNATURE, queue
from ..residents.models import Resident
from ..web import site_path
from . import service  # service imports this module too; used at call time
from .errors import BallotError
from .labels import format_receipt
from .models import Ballot, BallotOption, Caster, Participation, SmsCode
from .queries import already_message

CONFIRM_WINDOW = timedelta(minutes=10)
MAX_WRONG = 5
ROOM = MAX_LENGTH - len(SIGNATURE)
# What a voter types, after NFKC and upper case (inbound.normal).
VOTE_RE = re.compile(r"^(\d{1,2}|同意|不同意|反对|弃权)\s*[,.:;、]?\s*(\d{4})$")  # i18n: data
CONFIRM_RE = re.compile(r"^(?:确认|确定|QR)\s*[,.:;、]?\s*(\d{4})$")  # i18n: data
KIND_WORDS = {"同意": "yes", "反对": "no", "不同意": "no", "弃权": "abstain"}  # i18n: data


def code_hash(ballot_id: int, resident_id: int, code: str) -> str:
    """The stored form of a voting code: an HMAC under the app's secret key, never the code."""
    return hmac.new(current_app.secret_key.encode(),
                    f"sms-vote:{ballot_id}:{resident_id}:{code}".encode(), "sha256").hexdigest()


def invite(ballot: Ballot, choose=secrets.randbelow) -> int:
    """Give each elector with a phone a code and queue the invitation (the caller commits);
    returns how many were invited. Nothing when the ballot does not take SMS votes."""
    if "sms" not in ballot.channel_list:
        return 0
    rows = db.session.execute(
        db.select(Caster.voter_key, Resident).join(Resident, Resident.id == Caster.resident_id)
        .where(Caster.ballot_id == ballot.id).order_by(Caster.voter_key)).all()
    invited: set[int] = set()
    for key, resident in rows:
        if resident.id in invited or not wants_sms(resident):
            continue  # one code per person: the first of their votes (rare: two flats)
        invited.add(resident.id)
        code = f"{choose(10_000):04d}"
        db.session.add(SmsCode(ballot_id=ballot.id, resident_id=resident.id, voter_key=key,
                               code_hash=code_hash(ballot.id, resident.id, code), wrong=0,
                               locked=False))
        for text in invitation(ballot, code):
            queue(resident.phone, text, resident.id, private=True)  # it carries the code
    return len(invited)


def invitation(ballot: Ballot, code: str) -> list[str]:
    """The invitation in as few messages as fit: question, options, closing, how, link."""
    parts = [_("投票：%(title)s", title=ballot.title[:40]),
             *[f"{o.position}.{o.label}" for o in ballot.options],
             _("%(when)s截止", when=format_datetime(ballot.closes_at, _("M月d日 HH:mm"))),
             _("您的投票码%(code)s，回复“1 %(code)s”即选第1项", code=code),
             site_path("ballots.show", ballot_id=ballot.id)]
    texts = [""]
    for part in parts:
        if texts[-1] and len(texts[-1]) + 1 + len(part) > ROOM:
            texts.append("")
        texts[-1] = f"{texts[-1]} {part}".strip()
    return texts


@command(order=20)
def vote(message):
    """"1 4821" chooses, "确认 4821" casts; a wrong code counts towards the lock."""
    text = normal(message.text)
    chosen, confirmed = VOTE_RE.match(text), CONFIRM_RE.match(text)
    if message.resident is None or not (chosen or confirmed):
        return None
    write_transaction()  # every answer below writes: take SQLite's write lock before reading
    given = (chosen or confirmed).groups()[-1]
    codes = db.session.scalars(db.select(SmsCode).where(
        SmsCode.resident_id == message.resident.id)).all()
    if not codes:
        return None  # no SMS vote for this person: another command or the help line
    hit = next((c for c in codes if hmac.compare_digest(
        c.code_hash, code_hash(c.ballot_id, c.resident_id, given))), None)
    if hit is None:
        return _wrong_code(message.resident, codes)
    if hit.locked:
        return Private(_("这次表决已不能用短信投票（投票码错了太多次）。请上网投票或联系社区。"))
    ballot = db.session.get(Ballot, hit.ballot_id)
    if ballot.state == "closed":
        return Private(_("投票已经结束，不能再投了。"))
    done = db.session.scalar(db.select(Participation).where(
        Participation.ballot_id == ballot.id, Participation.voter_key == hit.voter_key))
    if done is not None:
        hit.pending_option_id = hit.pending_until = None
        return Private(already_message(done, message.resident))
    if chosen:
        return _choose(ballot, hit, chosen.group(1), given)
    return _confirm(ballot, hit, message.resident, given)


def _choose(ballot: Ballot, hit: SmsCode, said: str, code: str) -> str:
    option = _option(ballot, said)
    if option is None:
        return Private(_("没有这个选项。请回复选项号和投票码，如“1 %(code)s”。", code=code))
    hit.pending_option_id = option.id
    hit.pending_until = clock.next_daytime(clock.now()) + CONFIRM_WINDOW
    return Private(_("您选的是“%(label)s”（%(title)s）。请在10分钟内回复“确认 %(code)s”，"
                  "投票才算数。", label=option.label, title=ballot.title[:14], code=code))


def _option(ballot: Ballot, said: str) -> BallotOption | None:
    if said.isdigit():
        return next((o for o in ballot.options if o.position == int(said)), None)
    return next((o for o in ballot.options if o.label == said), None) or next(
        (o for o in ballot.options if o.kind == KIND_WORDS[said]), None)


def _confirm(ballot: Ballot, hit: SmsCode, resident: Resident, code: str) -> str:
    if hit.pending_option_id is None or hit.pending_until < clock.now():
        hit.pending_option_id = hit.pending_until = None
        return Private(_("没有待确认的选择（或已超过10分钟）。请先回复选项号和投票码，"
                      "如“1 %(code)s”。", code=code))
    option = db.session.get(BallotOption, hit.pending_option_id)
    try:
        receipt = service.cast_vote(ballot, resident, option, "sms", key=hit.voter_key,
                                    receipt=service.new_receipt())
    except BallotError as e:  # closed, not open, voted meanwhile: nothing was written
        write_transaction()
        hit.pending_option_id = hit.pending_until = None
        return Private(e.message)
    write_transaction()  # the answer and the cleared choice: a write of their own
    hit.pending_option_id = hit.pending_until = None  # the choice is kept nowhere else
    return Private(_("已投票：%(title)s。回执码 %(receipt)s，可在网上核对。",
                  title=ballot.title[:14], receipt=format_receipt(receipt)))


def _wrong_code(resident: Resident, codes: list[SmsCode]) -> str:
    """Count a wrong code against each of the person's SMS votes still open; lock at five."""
    live = [c for c in codes if not c.locked and db.session.get(Ballot, c.ballot_id).state
            == "open"]
    if not live:
        return Private(_("您现在没有可以用短信投的票。"))
    for c in live:
        c.wrong += 1
        if c.wrong >= MAX_WRONG:
            c.locked, c.pending_option_id, c.pending_until = True, None, None
            _tell_worker(db.session.get(Ballot, c.ballot_id), resident)
    if any(c.locked for c in live):
        return Private(_("投票码错了%(n)d次，这次表决已不能用短信投票。请上网投票或联系社区。",
                      n=MAX_WRONG))
    left = MAX_WRONG - max(c.wrong for c in live)
    return Private(_("投票码不对，请核对邀请短信里的4位投票码。还可以试%(n)d次。", n=left))


def _tell_worker(ballot: Ballot, resident: Resident) -> None:
    record("ballot_sms_locked", ballot, actor=resident, unit_id=ballot.unit_id,
           resident_id=resident.id)
    worker = db.session.get(Resident, ballot.created_by_id) if ballot.created_by_id else None
    if worker is not None:
        notify(worker, _("%(name)s的短信投票码错了%(n)d次，已停用短信投票：%(title)s",
                         name=resident.name, n=MAX_WRONG, title=ballot.title[:14]),
               site_path("ballots.show", ballot_id=ballot.id))


@command(order=899)
def vote_help(message):
    """Anything else from someone with an SMS vote still to cast: how to vote, at most once
    an hour (an answering machine replying to the answer gets no second one)."""
    if message.resident is None or not _has_open_vote(message.resident):
        return None
    recent = db.session.scalar(db.select(SmsInbound.id).where(
        SmsInbound.phone == message.phone, SmsInbound.command == "vote_help",
        SmsInbound.id != message.id, SmsInbound.created_at >= clock.now() - timedelta(hours=1))
        .limit(1))
    if recent is not None:
        return ""
    return _("短信投票：回复“选项号 投票码”（如“1 1234”），再回复“确认 投票码”。"
             "“退订”停收短信。")


def _has_open_vote(resident: Resident) -> bool:
    voted = db.select(Participation.id).where(Participation.ballot_id == SmsCode.ballot_id,
                                              Participation.voter_key == SmsCode.voter_key)
    return db.session.scalar(
        db.select(SmsCode.ballot_id).join(Ballot, Ballot.id == SmsCode.ballot_id)
        .where(SmsCode.resident_id == resident.id, SmsCode.locked.is_(False),
               Ballot.status == "open", Ballot.closes_at > clock.now(), ~voted.exists())
        .limit(1)) is not None
