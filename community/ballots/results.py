"""From the stored counts to the rules' verdict, turnout and the published receipts (the words
for all of it are in labels.py)."""

from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction

from ..extensions import db
from . import rules
from .labels import CHANNEL_LABELS, plain_receipt
from .models import Ballot, BallotCount, Elector, Participation, SecretChoice


def tally(ballot: Ballot) -> rules.Tally:
    """The exact running totals as a rules.Tally (area only where it counts)."""
    counts = {o: (heads, area_cm) for o, heads, area_cm in db.session.execute(
        db.select(BallotCount.option_id, BallotCount.heads, BallotCount.area_cm)
        .where(BallotCount.ballot_id == ballot.id))}
    return tally_of(ballot, [counts.get(o.id, (0, 0)) for o in ballot.options])


def tally_of(ballot: Ballot, counts: list[tuple[int, int]]) -> rules.Tally:
    """The Tally of the ballot's options given each one's (heads, area_cm), in option order;
    ballots.bulk counts a generated ballot through this too."""
    options = tuple(
        rules.OptionCount(o.label, heads, Decimal(area_cm).scaleb(-2) if ballot.weighs_area
                          else 0, o.kind)
        for o, (heads, area_cm) in zip(ballot.options, counts, strict=True))
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
    closed = ballot.state == "closed"  # past its closing time, published or not yet
    verdict, rows = None, None
    if closed or not ballot.secret:
        t = tally(ballot)
        verdict = rules.decide(ballot.rule, t, ballot.basis) if closed else None
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


def find_receipt(ballot: Ballot, code: str) -> str | None:
    """The choice recorded under a receipt code (as shown, or typed with any dash or space),
    if the code is on this ballot."""
    choice = db.session.get(SecretChoice, plain_receipt(code))
    if choice is None or choice.ballot_id != ballot.id:
        return None
    return next(o.label for o in ballot.options if o.id == choice.option_id)
