"""What a generated community has been doing: issues with supports and comments, ballots
with their frozen electorate and votes (open ones still running, closed ones decided)."""

import random
from datetime import datetime, timedelta
from decimal import Decimal

from ..ballots import rules
from ..ballots.models import (
    Ballot,
    BallotCount,
    BallotOption,
    Caster,
    Elector,
    Participation,
    SecretChoice,
)
from ..ballots.service import RECEIPT_ALPHABET, option_kinds
from ..extensions import db
from ..issues.models import Comment, Issue, IssueEvent, Support
from .city import Community, Place
from .loader import Loader

TOPICS = ("楼道灯不亮", "消防通道被占", "电动车充电难", "下水道堵塞", "广场舞噪音扰民",
          "雨天门口积水", "健身器材损坏", "楼顶漏水", "外墙瓷砖脱落", "垃圾分类点有异味",
          "想设老年食堂", "快递柜不够用", "绿化带改停车位", "加装电梯意向", "路灯坏了没人修",
          "小区门禁失灵")
STATUS_WEIGHTS = {"submitted": 10, "triaged": 10, "forwarded": 5, "rejected": 5,
                  "deliberating": 15, "outcome_review": 5, "deciding": 5, "implementing": 15,
                  "evaluating": 10, "closed": 20}
CHANNEL_WEIGHTS = {"web": 40, "visit": 20, "phone": 10, "wechat": 10, "hotline": 8, "kiosk": 6,
                   "box": 3, "forum": 3}
OPTIONS = ("同意", "反对", "弃权")
KINDS = option_kinds(list(OPTIONS))  # as the ballot service decides them
CHOICE_WEIGHTS = (70, 20, 10)
VOTE_CHANNELS = ("web", "web", "web", "web", "web", "web", "kiosk", "visit", "visit", "paper")


class Activity:
    def __init__(self, loader: Loader, rng: random.Random, now: datetime):
        self.load, self.r, self.now = loader, rng, now
        # Receipts already used (by an earlier run, with --append) must not come round again.
        self.receipts: set[str] = set(db.session.scalars(db.select(SecretChoice.receipt)))
        self.statuses, self.status_w = zip(*STATUS_WEIGHTS.items(), strict=True)
        self.channels, self.channel_w = zip(*CHANNEL_WEIGHTS.items(), strict=True)

    def issues(self, c: Community, count: int) -> None:
        """`count` issues in the community or one of its compounds, at most a year old."""
        r, people = self.r, [p.id for p in c.people]
        for _ in range(count):
            place = r.choice(c.places)
            unit, where = (place.unit, place.name) if r.random() < .6 else (c.unit, c.name)
            status = r.choices(self.statuses, self.status_w)[0]
            created = self.now - timedelta(days=r.randint(0, 365), minutes=r.randint(0, 1439))
            triaged = None if status == "submitted" else created + timedelta(days=1)
            topic = r.choice(TOPICS)
            iid = self.load.add(
                Issue, title=f"{where}{topic}"[:60], body=f"{where}{topic}，希望社区帮忙协调解决。",
                unit_id=unit, author_id=r.choice(people), submitted_by_id=None,
                channel=r.choices(self.channels, self.channel_w)[0], urgent=r.random() < .05,
                category=None if triaged is None else r.choice(("big", "small", "micro")),
                status=status, responsible=None, due_on=None, triaged_at=triaged,
                merged_into_id=None, submit_token=None, created_at=created)
            self.load.add(IssueEvent, issue_id=iid, at=created, actor_id=None, from_status=None,
                          to_status="submitted", note="")
            if triaged is not None:
                self.load.add(IssueEvent, issue_id=iid, at=triaged, actor_id=c.staff.get("worker"),
                              from_status="submitted", to_status=status, note="")
            for rid in set(r.sample(people, min(len(people), r.choice((0, 1, 2, 3, 5))))):
                self.load.add(Support, issue_id=iid, resident_id=rid, created_at=created)
            for _ in range(r.choice((0, 0, 1, 2))):
                self.load.add(Comment, issue_id=iid, author_id=r.choice(people),
                              body="同意，这个问题确实存在。", created_at=created, hidden_at=None,
                              hidden_by_id=None, hide_reason=None, submit_token=None)

    def ballots(self, c: Community, count: int, keep_out: int | None) -> list[int]:
        """The first ballot is open in the first compound (without `keep_out`'s vote); the
        others are closed: household votes, and owners' votes by floor area. Returns ids."""
        made = []
        for k in range(count):
            place = c.places[k % len(c.places)]
            if k == 0:
                made.append(self._ballot(c, place, "resident", "majority", open_=True,
                                         keep_out=keep_out))
            elif k % 2:
                made.append(self._ballot(c, place, "household", "majority"))
            else:
                made.append(self._ballot(c, place, "owner", "owners_ordinary"))
        return made

    def _electorate(self, place: Place, basis: str) -> list[tuple[str, str, Decimal, list]]:
        """(voter key, label, area, who may cast it), as electorate.freeze would write it."""
        if basis == "resident":
            return [(f"r{p.id}", "居民", Decimal("0"), [p.id]) for p in place.people if p.adult]
        casters: dict[int, list] = {}
        for p in place.people:
            if p.adult if basis == "household" else p.owner:
                casters.setdefault(p.household, []).append(p.id)
        if basis == "household":
            return [(f"h{hid}", label, Decimal("0"), casters.get(hid, []))
                    for hid, label, _ in place.households]
        return [(f"o{hid}", label, area, casters.get(hid, []))
                for hid, label, area in place.households]

    def _ballot(self, c: Community, place: Place, basis: str, rule: str, open_=False,
                keep_out=None) -> int:
        r = self.r
        electors = self._electorate(place, basis)
        opens = self.now - timedelta(days=2 if open_ else r.randint(20, 300))
        closes = opens + timedelta(days=14 if open_ else 10)
        area = sum((e[2] for e in electors), Decimal("0")) if basis == "owner" else Decimal("0")
        secret = basis != "owner"
        bid = self.load.add(
            Ballot, unit_id=place.unit, entrance=None, basis=basis, rule=rule, secret=secret,
            title=f"{place.name}{r.choice(TOPICS)}的解决方案", channels="web,kiosk,visit,paper",
            opens_at=opens, closes_at=closes, status="open" if open_ else "closed",
            eligible_heads=len(electors), eligible_area=area, outcome=None, closed_at=None,
            created_by_id=c.staff.get("worker"), created_at=opens, submit_token=None,
            issue_id=None)
        options = [self.load.add(BallotOption, ballot_id=bid, position=i, label=label, kind=kind,
                                 abstain=kind == "abstain")
                   for i, (label, kind) in enumerate(KINDS, 1)]
        heads, areas = [0, 0, 0], [Decimal("0")] * 3
        share = r.uniform(.2, .35) if open_ else r.uniform(.5, .9)
        for key, label, e_area, casters in electors:
            self.load.add(Elector, ballot_id=bid, voter_key=key, label=label, heads=1, area=e_area)
            for rid in casters:
                self.load.add(Caster, ballot_id=bid, voter_key=key, resident_id=rid)
            if not casters or keep_out in casters or r.random() > share:
                continue
            i = r.choices((0, 1, 2), CHOICE_WEIGHTS)[0]
            heads[i] += 1
            areas[i] += e_area
            self._vote(c, place, bid, key, casters[0], options[i], secret, opens)
        for i, option in enumerate(options):
            self.load.add(BallotCount, ballot_id=bid, option_id=option, heads=heads[i],
                          area_cm=int(areas[i] * 100))
        if not open_:
            tally = rules.Tally(len(electors), area, tuple(
                rules.OptionCount(label, heads[i], areas[i] if basis == "owner" else 0, kind)
                for i, (label, kind) in enumerate(KINDS)))
            ballot = self.load.rows[Ballot][-1]
            ballot["outcome"] = rules.decide(rule, tally, basis).outcome
            ballot["closed_at"] = closes
        return bid

    def _vote(self, c, place, bid, key, rid, option, secret, opens) -> None:
        r = self.r
        channel = r.choice(VOTE_CHANNELS)
        helper = c.volunteers.get(place.unit)
        self.load.add(
            Participation, ballot_id=bid, voter_key=key, resident_id=rid, channel=channel,
            assisted_by_id=helper if channel == "visit" else None,
            witness_id=helper if channel == "paper" else None,
            entered_by_id=c.staff.get("worker") if channel == "paper" else None, tally_id=None,
            at=opens + timedelta(minutes=r.randint(1, 9000)),
            option_id=None if secret else option)
        self.load.add(SecretChoice, receipt=self._receipt(), ballot_id=bid, option_id=option)

    def _receipt(self) -> str:
        while True:
            code = "".join(self.r.choices(RECEIPT_ALPHABET, k=8))
            if code not in self.receipts:
                self.receipts.add(code)
                return code
