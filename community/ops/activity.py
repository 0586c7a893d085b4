"""What a generated community has been doing: issues with supports and comments, ballots
with their frozen electorate and votes (open ones still running, closed ones decided)."""

import random
from datetime import datetime, timedelta

from ..ballots import bulk, electorate
from ..ballots.electorate import Voter
from ..ballots.queries import DEFAULT_NOTICE_DAYS
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
CHOICE_WEIGHTS = (70, 20, 10)
VOTE_CHANNELS = ("web", "web", "web", "web", "web", "web", "kiosk", "visit", "visit", "paper")
CHANNELS = ("web", "kiosk", "visit", "paper")  # what a generated ballot takes


class Activity:
    def __init__(self, loader: Loader, rng: random.Random, now: datetime):
        self.load, self.r, self.now = loader, rng, now
        # Receipts already used (by an earlier run, with --append) must not come round again.
        self.receipts = bulk.Receipts(rng.choice)
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

    def _voters(self, place: Place, basis: str) -> list[Voter]:
        """The place's electorate, made by the functions electorate.freeze uses."""
        if basis == "resident":
            return [electorate.resident_voter(p.id, p.name) for p in place.people if p.adult]
        casters: dict[int, list] = {}
        for p in place.people:
            if p.adult if basis == "household" else p.owner:
                casters.setdefault(p.household, []).append(p.id)
        if basis == "household":
            return [electorate.household_voter(hid, label, casters.get(hid, ()))
                    for hid, label, _ in place.households]
        return electorate.owner_voters((hid, label, casters.get(hid, ()), area, False)
                                       for hid, label, area in place.households)

    def _ballot(self, c: Community, place: Place, basis: str, rule: str, open_=False,
                keep_out=None) -> int:
        r = self.r
        opens = self.now - timedelta(days=2 if open_ else r.randint(20, 300))
        closes = opens + timedelta(days=14 if open_ else 10)
        # An owners' vote is announced its 公示期 ahead; the others open as they are made.
        notice = timedelta(days=DEFAULT_NOTICE_DAYS if basis == "owner" else 0)
        b = bulk.BulkBallot(
            unit_id=place.unit, title=f"{place.name}{r.choice(TOPICS)}的解决方案", basis=basis,
            rule=rule, secret=basis != "owner", channels=list(CHANNELS), options=list(OPTIONS),
            opens_at=opens, closes_at=closes, created_by_id=c.staff.get("worker"),
            created_at=opens - notice, notice_days=DEFAULT_NOTICE_DAYS)
        voters = self._voters(place, basis)
        b.open(voters)
        share = r.uniform(.2, .35) if open_ else r.uniform(.5, .9)
        minutes = int((min(closes, self.now) - opens).total_seconds() // 60) - 1
        for v in voters:
            if not v.casters or keep_out in v.casters or r.random() > share:
                continue
            option = r.choices(range(len(OPTIONS)), CHOICE_WEIGHTS)[0]
            at = opens + timedelta(minutes=r.randint(1, min(minutes, 9000)))
            self._vote(c, place, b, v.key, min(v.casters), option, at)
        if not open_:
            b.close(closes)
        return b.write(self.load)

    def _vote(self, c: Community, place: Place, b: bulk.BulkBallot, key: str, rid: int,
              option: int, at: datetime) -> None:
        """One vote by a channel the ballot takes: at the door with the compound's volunteer,
        on paper entered by the worker before that volunteer as witness, or by the resident."""
        channel = self.r.choice(VOTE_CHANNELS)
        helper, worker = c.volunteers.get(place.unit), c.staff.get("worker")
        if (channel in ("visit", "paper") and helper in (None, rid)) or \
                (channel == "paper" and worker in (None, rid, helper)):
            channel = "web"
        b.vote(key, option, channel, at, self.receipts.draw(), resident_id=rid,
               assisted_by_id=helper if channel == "visit" else None,
               witness_id=helper if channel == "paper" else None,
               entered_by_id=worker if channel == "paper" else None)
