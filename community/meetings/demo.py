"""Demo bodies and meetings: 锦江社区's 围楼夜话 under the building, 船柴's 周周碰 and 月月议.

Members are residents of the demo units; outside people (物业, 社工) have no account.
"""

from datetime import date, time, timedelta
from decimal import Decimal

from .. import clock
from ..access import residents_in
from ..extensions import db
from ..issues.models import Issue
from ..residents.models import Membership, Resident, RoleAssignment
from ..units.models import Household
from .models import AgendaItem, Attendance, Body, BodyMember, Meeting, Outcome, Review, Stakeholder
from .service import announce, new_code, occurrences

# unit, name, kind, quorum, seats: (seat, "login:ROLE" | "resident" | "名字|单位")
BODIES = [
    ("船柴社区", "船柴社区居民议事协商委员会", "committee", "2/3", [
        ("liangwei", "login:worker"), ("liangwei", "resident"), ("resident_rep", "login:resident"),
        ("resident_rep", "resident"), ("migrant_rep", "resident"),
        ("social_org", "周晓燕|船柴社区社工站")]),
    ("船柴一区", "船柴一区议事协商会", "urban", None, [  # 社会组织 left empty: the page warns
        ("liangwei", "login:worker"), ("party_branch", "resident"),
        ("owners_committee", "resident"), ("property", "何德明|船柴物业服务站")]),
    ("锦江社区", "锦江社区居民议事协商委员会", "committee", "2/3", [
        ("liangwei", "login:jj_worker"), ("resident_rep", "resident"), ("resident_rep", "resident"),
        ("migrant_rep", "resident"), ("social_org", "黄春兰|锦江社区志愿者协会")]),
    ("锦江花园", "锦江花园议事协商会", "urban", None, [
        ("liangwei", "login:jj_worker"), ("party_branch", "resident"),
        ("owners_committee", "resident"), ("property", "罗永生|锦江物业"),
        ("social_org", "邓佳怡|宜都市阳光社工")]),
]
# Staff of 锦江社区 (the five DESIGN logins all live in 船柴): PIN 135790 like the others.
JINJIANG_STAFF = [("13800000031", "吴丽华", "worker", "jj_worker"),
                  ("13800000032", "杨德明", "party_reviewer", "jj_reviewer")]


def seed(ctx) -> None:
    """Bodies with members, the past 围楼夜话 and 周周碰, and the coming 月月议 series."""
    _jinjiang_staff(ctx)
    bodies = {name: _body(ctx, unit, name, kind, quorum, seats)
              for unit, name, kind, quorum, seats in BODIES}
    _night_talk(ctx, bodies["锦江花园议事协商会"])
    _weekly(ctx, bodies["船柴一区议事协商会"])
    _monthly(ctx, bodies["船柴社区居民议事协商委员会"])
    db.session.flush()


def _jinjiang_staff(ctx) -> None:
    building = ctx.units["锦江花园/1栋"]
    for i, (phone, name, role, key) in enumerate(JINJIANG_STAFF):
        hh = Household(building=building, address=f"9单元10{i + 1}", area_m2=Decimal("96.00"))
        person = Resident(name=name, phone=phone, code=f"2000003{i + 1}", birth_year=1972 + i,
                          pin_hash=ctx.pin_hash, publish_name=True)
        person.memberships.append(Membership(household=hh, is_owner=True))
        person.roles.append(RoleAssignment(unit=ctx.units["锦江社区"], role=role))
        db.session.add_all([hh, person])
        ctx.logins[key] = person
    db.session.flush()


def _body(ctx, unit_name, name, kind, quorum, seats) -> Body:
    unit = ctx.units[unit_name]
    body = Body(unit=unit, name=name, kind=kind, quorum=quorum)
    taken = {p.id for p in ctx.logins.values()}
    pool = iter(db.session.scalars(residents_in(unit).where(Resident.id.not_in(taken))
                                   .order_by(Resident.id.desc()).limit(len(seats))).all())
    for seat, who in seats:
        if who.startswith("login:"):
            person = ctx.logins[who[6:]]
            body.members.append(BodyMember(resident=person, name=person.name, seat=seat))
        elif who == "resident":
            person = next(pool)
            body.members.append(BodyMember(resident=person, name=person.name, seat=seat))
        else:
            person_name, org = who.split("|")
            body.members.append(BodyMember(name=person_name, org=org, seat=seat))
    db.session.add(body)
    db.session.flush()
    return body


def _meeting(body, title, day: date, start: time, minutes: int, place, *, kind="regular",
             mode="onsite", by=None, items=()) -> Meeting:
    starts = clock.to_utc(day, start)
    meeting = Meeting(body=body, title=title, kind=kind, starts_at=starts, place=place, mode=mode,
                      ends_at=starts + timedelta(minutes=minutes), code=new_code(),
                      created_by_id=getattr(by, "id", None),
                      created_at=starts - timedelta(days=5))
    for n, (title_, note, issue) in enumerate(items, 1):
        meeting.items.append(AgendaItem(position=n, title=title_, note=note, issue=issue))
    db.session.add(meeting)
    return meeting


def _attend(meeting: Meeting, residents, by) -> None:
    """Members with accounts marked by the worker; the other residents checked in by code."""
    seats = {m.resident_id: m.seat for m in meeting.body.members if m.resident_id}
    for r in {r.id: r for r in residents}.values():
        meeting.attendance.append(Attendance(
            person=f"r{r.id}", resident_id=r.id, name=r.name, seat=seats.get(r.id, "resident"),
            method="marked" if r.id in seats else "code", recorded_by_id=by.id,
            at=meeting.starts_at + timedelta(minutes=5)))


def _minute(item: AgendaItem, summary: str, dissent: str | None = None) -> None:
    item.summary, item.dissent = summary, dissent
    item.minuted_at = item.meeting.ends_at + timedelta(hours=12)


def _outcome(item, kind, text, status, options=(), review=None) -> Outcome:
    outcome = Outcome(item=item, kind=kind, text=text, options="\n".join(options), status=status,
                      updated_at=item.minuted_at)
    if review:
        reviewer, note = review
        outcome.reviews.append(Review(reviewer_id=reviewer.id, decision="approve", note=note,
                                      at=item.minuted_at + timedelta(days=1)))
    db.session.add(outcome)
    return outcome


def _issue(title: str) -> Issue | None:
    """A demo issue of the 民事民提 seed, if it is there."""
    return db.session.scalar(db.select(Issue).where(Issue.title == title))


def _night_talk(ctx, body: Body) -> None:
    """围楼夜话, nine evenings ago, under building 3 (宜都市锦江社区)."""
    worker, reviewer = ctx.logins["jj_worker"], ctx.logins["jj_reviewer"]
    day = clock.today() - timedelta(days=9)
    m = _meeting(body, "围楼夜话：晾晒难、停车难", day, time(19, 30), 90, "锦江花园3栋楼下",
                 by=worker, items=[
                     ("晾晒难：楼下能不能装公共晾衣架", "老人被子没地方晒，只能搭在花坛上", None),
                     ("停车难：晚上车停到消防通道", "每天晚上8点以后消防通道被占", None),
                     ("楼道堆放杂物怎么清理", "", None)])
    db.session.flush()
    neighbours = db.session.scalars(residents_in(body.unit).order_by(Resident.id).limit(14)).all()
    _attend(m, [p.resident for p in body.members if p.resident] + neighbours, worker)
    drying, parking, clutter = m.items
    _minute(drying, "二十多位居民围坐在3栋楼下，大家都说被子没处晒。"
            "物业提出3栋、5栋东侧空地可以安装。",
            "1楼两户担心晾衣架挡住窗户采光，希望离窗户远一些。")
    _outcome(drying, "agreed", "在3栋、5栋东侧空地各装两排不锈钢晾衣架，离住户窗户3米以上；"
             "物业负责日常维护，费用从社区惠民资金列支。", "approved",
             review=(reviewer, "同意。安装前请再听一听1楼住户的意见。"))
    _minute(parking, "夜里外来车辆多，消防通道常被堵。居民代表提出三种办法，交全体居民投票。")
    _outcome(parking, "alternatives", "锦江花园夜间停车怎么管？", "ballot", options=(
        "划定夜间临时停车位，消防通道装隔离桩", "和旁边单位共享停车场，晚7点到早7点开放",
        "外来车辆登记，晚上10点后不进小区"), review=(reviewer, "同意交居民网上投票。"))
    _minute(clutter, "各楼栋长本周内挨家提醒，周六志愿者集中清理。")
    m.minutes_published_at = m.ends_at + timedelta(days=1)


def _weekly(ctx, body: Body) -> None:
    """周周碰 of 船柴一区 three days ago: the 减速带 outcome waits for the Party's review."""
    worker = ctx.logins["worker"]
    day = clock.today() - timedelta(days=3)
    bump = _issue("小区门口增设减速带")
    m = _meeting(body, "周周碰", day, time(15, 0), 60, "船柴一区物业服务站", by=worker, items=[
        ("小区门口增设减速带", "北门出来就是马路，车速快", bump),
        ("上周事项进展：楼道灯维修", "", None)])
    db.session.flush()
    _attend(m, [p.resident for p in body.members if p.resident], worker)
    first, second = m.items
    _minute(first, "大家赞成在北门内侧装减速带。", "骑电动车的居民担心减速带太高，建议用缓坡式的。")
    _minute(second, "1栋、2栋楼道灯已换好，3栋下周换。")
    if bump is not None and bump.status == "outcome_review":
        _outcome(first, "agreed", "在北门内侧装两条缓坡式减速带，并立“小区出口 减速慢行”提示牌。",
                 "pending")
    m.minutes_published_at = m.ends_at + timedelta(days=1)


def _monthly(ctx, body: Body) -> None:
    """The coming 月月议 of 船柴社区, a monthly series of three, with its agenda and notice."""
    worker = ctx.logins["worker"]
    day = clock.today() + timedelta(days=6)
    start = clock.to_utc(day, time(19, 0))
    drying = _issue("晾晒难：楼下没有地方晒被子")
    standing = [("党员政治生活馆周末开放时间", "", None), ("船柴路口夜间停车秩序", "", None)]
    first = None
    for starts, _ends in occurrences(start, start, "monthly", 3):
        # The 晾晒难 issue is deliberated once, at the first meeting of the series.
        items = standing if first else [("晾晒难：楼下没有地方晒被子",
                                         "周周碰收集了意见，这次定方案", drying)] + standing
        m = _meeting(body, "月月议", clock.local(starts).date(), time(19, 0), 90,
                     "船柴社区党群服务中心二楼议事厅", mode="both", by=worker, items=items)
        m.series = "demo-monthly"
        first = first or m
    first.stakeholders.append(Stakeholder(name="孙光荣", org="船柴路口商户代表"))
    db.session.flush()
    announce(first, "会议通知", 3, "monthly")
