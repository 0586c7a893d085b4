"""From the stored counts to the rules' verdict, and what the results page shows."""

from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction

from flask_babel import lazy_gettext as _l

from ..extensions import db
from . import rules
from .models import Ballot, BallotCount, Elector, Participation, SecretChoice

OUTCOME_LABELS = {"passed": _l("通过"), "failed": _l("未通过"), "no_quorum": _l("表决不成立")}
CHANNEL_LABELS = {"web": _l("网上投票"), "kiosk": _l("自助终端"), "visit": _l("入户走访"),
                  "paper": _l("纸质票"), "assembly": _l("现场举手")}
BASIS_LABELS = {"resident": _l("十八周岁以上居民，一人一票"), "household": _l("一户一票"),
                "owner": _l("业主：按专有部分面积和人数双重计算")}
RULE_LABELS = {
    "majority": _l("简单多数：投票的人中同意的过半数即通过"),
    "assembly": _l("居民会议：过半数成年居民或三分之二以上的户参加，到会者过半数同意"),
    "representatives": _l("居民代表会议：三分之二以上代表参加，到会代表过半数同意"),
    "owners_ordinary": _l("业主共同决定一般事项（民法典第二百七十八条）：面积和人数都三分之二以上"
                          "参与，参与表决的面积和人数都过半数同意"),
    "owners_special": _l("业主共同决定重大事项（民法典第二百七十八条）：面积和人数都三分之二以上"
                         "参与，参与表决的面积和人数都四分之三以上同意"),
}
# A ballot between several solutions (金字塔议事): a solution passes, nobody "agrees".
SOLUTION_RULE_LABELS = {
    "majority": _l("简单多数：投票的人中选同一个方案的过半数，该方案通过"),
    "assembly": _l("居民会议：过半数成年居民或三分之二以上的户参加，到会者过半数选同一个方案，"
                   "该方案通过"),
    "representatives": _l("居民代表会议：三分之二以上代表参加，到会代表过半数选同一个方案，"
                          "该方案通过"),
    "owners_ordinary": _l("业主共同决定一般事项（民法典第二百七十八条）：面积和人数都三分之二以上"
                          "参与，参与表决的面积和人数都过半数选同一个方案，该方案通过"),
    "owners_special": _l("业主共同决定重大事项（民法典第二百七十八条）：面积和人数都三分之二以上"
                         "参与，参与表决的面积和人数都四分之三以上选同一个方案，该方案通过"),
}
HEAD_WORDS = {"resident": _l("人"), "household": _l("户"), "owner": _l("人")}
STATUS_LABELS = {"scheduled": _l("公示中，尚未开始"), "open": _l("投票进行中"),
                 "closed": _l("已结束")}


def who_votes(ballot: Ballot) -> str:
    """Who may vote, for someone who may not ("本次只有业主可以投票")."""
    where = f"{ballot.unit.name}{ballot.entrance or ''}"
    if ballot.rule == "representatives":
        return str(_l("本次只有%(where)s的居民代表可以投票", where=where))
    if ballot.basis == "owner":
        return str(_l("本次只有%(where)s的业主可以投票", where=where))
    if ballot.basis == "household":
        return str(_l("本次由%(where)s的住户一户一票", where=where))
    return str(_l("本次由%(where)s十八周岁以上的居民投票", where=where))


def rule_label(ballot: Ballot) -> str:
    """The ballot's rule in words: "同意" for a yes/no question, "选同一个方案" otherwise."""
    yes_no = rules.is_yes_no(o.label for o in ballot.options)
    return str((RULE_LABELS if yes_no else SOLUTION_RULE_LABELS)[ballot.rule])


def tally(ballot: Ballot) -> rules.Tally:
    """The exact running totals as a rules.Tally (area only where it counts)."""
    counts = {c.option_id: c for c in db.session.scalars(
        db.select(BallotCount).where(BallotCount.ballot_id == ballot.id))}
    zero = BallotCount(heads=0, area_cm=0)
    options = tuple(
        rules.OptionCount(o.label, counts.get(o.id, zero).heads,
                          counts.get(o.id, zero).area if ballot.weighs_area else 0, o.abstain)
        for o in ballot.options)
    area = ballot.eligible_area if ballot.weighs_area else Decimal("0")
    return rules.Tally(ballot.eligible_heads, area, options)


def verdict_for(ballot: Ballot) -> rules.Verdict:
    """What the ballot's rule says about its counts."""
    return rules.decide(ballot.rule, tally(ballot), ballot.basis)


@dataclass
class Row:
    label: str
    heads: int
    area: str
    share: str
    winner: bool = False


@dataclass
class Results:
    ballot: Ballot
    heads: int
    area: Decimal
    assisted: int
    by_channel: list[tuple[str, int]]
    rows: list[Row] | None  # None while a secret ballot is open
    verdict: rules.Verdict | None  # None until the ballot is closed
    turnout_share: str
    area_text: str
    eligible_area_text: str


def turnout(ballot: Ballot) -> tuple[int, Decimal, int, dict[str, int]]:
    """Who took part: heads, area, how many were assisted, and heads per channel."""
    rows = db.session.execute(
        db.select(Participation.channel, Participation.assisted_by_id, Elector.area)
        .join(Elector, (Elector.ballot_id == Participation.ballot_id)
              & (Elector.voter_key == Participation.voter_key))
        .where(Participation.ballot_id == ballot.id)).all()
    channels: dict[str, int] = {}
    for channel, _, _ in rows:
        channels[channel] = channels.get(channel, 0) + 1
    area = sum((a for _, _, a in rows), Decimal("0")) if ballot.weighs_area else Decimal("0")
    return len(rows), area, sum(1 for _, h, _ in rows if h), channels


def present(ballot: Ballot) -> Results:
    """Everything the results page shows, in the order it shows it."""
    heads, area, assisted, channels = turnout(ballot)
    closed = ballot.status == "closed"
    verdict = verdict_for(ballot) if closed else None
    rows = None
    if closed or not ballot.secret:
        t = tally(ballot)
        winner = verdict.winner if verdict else None
        rows = [Row(o.label, o.heads, rules.format_area(o.area), _share(o.heads, t.cast_heads),
                    i == winner) for i, o in enumerate(t.options)]
    return Results(ballot, heads, area, assisted,
                   [(str(CHANNEL_LABELS[c]), n) for c, n in sorted(channels.items())], rows,
                   verdict, _share(heads, ballot.eligible_heads), rules.format_area(area),
                   rules.format_area(ballot.eligible_area))


def _share(part: int, whole: int) -> str:
    return rules.format_percent(Fraction(part, whole)) if whole else "0.0%"


def receipts(ballot: Ballot, page: int, per_page: int = 300) -> tuple[list, bool]:
    """One page of the published receipt list (code and choice), and whether more follow."""
    labels = {o.id: o.label for o in ballot.options}
    rows = db.session.execute(
        db.select(SecretChoice.receipt, SecretChoice.option_id)
        .where(SecretChoice.ballot_id == ballot.id).order_by(SecretChoice.receipt)
        .offset((page - 1) * per_page).limit(per_page + 1)).all()
    return [(r, labels[o]) for r, o in rows[:per_page]], len(rows) > per_page


def format_receipt(code: str) -> str:
    """The one way a receipt code is shown, on every channel: two groups of four joined by a
    non-breaking hyphen, so it never breaks across lines on a small screen (ABCD‑2345)."""
    return f"{code[:4]}\u2011{code[4:]}"


def plain_receipt(code: str) -> str:
    """A receipt code as stored: what was typed, without dashes or spaces, in capitals."""
    return "".join(c for c in code if c.isalnum()).upper()


def find_receipt(ballot: Ballot, code: str) -> str | None:
    """The choice recorded under a receipt code (as shown, or typed with any dash or space),
    if the code is on this ballot."""
    choice = db.session.get(SecretChoice, plain_receipt(code))
    if choice is None or choice.ballot_id != ballot.id:
        return None
    return next(o.label for o in ballot.options if o.id == choice.option_id)
