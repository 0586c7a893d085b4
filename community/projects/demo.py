"""Demo projects: 三吉花园小区 "推墙联心" with residents' money, labour and goods (空调、饮水机、
书籍, as the article tells), projects in 船柴社区, and 惠民资金 books with movements."""

from datetime import datetime, time, timedelta
from decimal import Decimal

from ..access import residents_in
from ..clock import now
from ..clock import today as today_
from ..extensions import db
from ..residents.models import Membership, Resident, RoleAssignment
from ..units.models import Household
from . import funds
from .models import Contribution, Fund, FundMovement, ProgressUpdate, Project, Task

D = Decimal


def seed(ctx) -> None:
    """Add the projects, ledgers and fund books (no commit: seed_all commits once)."""
    today = today_()
    worker = ctx.logins["worker"]
    sanji_worker = _local_worker(ctx)
    sanji = _project(ctx.units["三吉花园小区"], "三吉花园小区推墙联心", "小区党支部、业委会",
                     "active", today - timedelta(days=60), sanji_worker,
                     "拆除围墙、修庭院、搞绿化、建充电桩、搭停车棚，建小区“党群连心站”。")
    _tasks(sanji, today, [("拆除围墙", "done"), ("修整庭院和绿化", "done"),
                          ("建充电桩和停车棚", "doing"), ("布置党群连心站", "todo")])
    _updates(sanji, sanji_worker, ["围墙已拆除，清运建筑垃圾 12 车。",
                                   "庭院修整完成，新种桂花树 20 棵。",
                                   "充电桩基座已浇筑，停车棚钢架进场。"])
    _sanji_ledger(ctx, sanji, sanji_worker, today)
    ctx.projects = {"sanji": sanji}
    chuanchai = ctx.units["船柴一区"]
    lights = _project(chuanchai, "船柴一区楼道照明改造", "船柴社区居委会", "done",
                      today - timedelta(days=50), worker, "更换老旧楼道灯为声控节能灯。")
    lights.finished_on = today - timedelta(days=25)
    shed = _project(chuanchai, "船柴一区非机动车停车棚", "船柴一区业委会", "done",
                    today - timedelta(days=40), worker, "在 2 栋旁搭建停车棚，配充电插座。")
    shed.finished_on = today - timedelta(days=3)
    charge = _project(ctx.units["船柴社区"], "船柴社区电动车充电桩", "船柴社区居委会", "active",
                      today - timedelta(days=10), worker, "在两个小区各建一处集中充电点。")
    _tasks(charge, today, [("选址并征求意见", "done"), ("安装充电桩", "doing")])
    _updates(charge, worker, ["选址已在协商会上确定，居民无异议。"])
    _chuanchai_ledger(ctx, lights, shed, worker, today)
    ctx.projects.update({"lights": lights, "shed": shed, "charge": charge})
    _chuanchai_funds(ctx, worker, today, lights, shed, charge)
    _sanji_funds(ctx, sanji_worker, today, sanji)
    db.session.flush()


def _local_worker(ctx) -> Resident:
    """城关社区's own worker, who keeps 三吉花园小区's ledger (not a demo login)."""
    home = db.session.scalar(db.select(Household).where(
        Household.building_id == ctx.units["三吉花园小区/1栋"].id).order_by(Household.id))
    res = Resident(name="周红梅", code="21000001", birth_year=1975, pin_hash=ctx.pin_hash)
    res.memberships.append(Membership(household=home, is_owner=False))
    res.roles.append(RoleAssignment(unit=ctx.units["城关社区"], role="worker"))
    db.session.add(res)
    return res


def _project(unit, title, responsible, status, starts_on, by, description) -> Project:
    p = Project(unit_id=unit.id, title=title, responsible=responsible, status=status,
                starts_on=starts_on, due_on=starts_on + timedelta(days=90),
                description=description, created_by_id=by.id,
                updated_at=datetime.combine(starts_on, time(2)))
    db.session.add(p)
    db.session.flush()
    return p


def _tasks(project, today, rows) -> None:
    for i, (title, status) in enumerate(rows):
        start = project.starts_on + timedelta(days=i * 10)
        db.session.add(Task(project=project, title=title, status=status, starts_on=start,
                            due_on=start + timedelta(days=14),
                            done_on=start + timedelta(days=12) if status == "done" else None))


def _updates(project, author, texts) -> None:
    base = now() - timedelta(days=len(texts) * 7)
    for i, text in enumerate(texts):
        db.session.add(ProgressUpdate(project_id=project.id, author_id=author.id, text=text,
                                      created_at=base + timedelta(days=i * 7)))


def _residents_of(unit, n: int) -> list[Resident]:
    return list(db.session.scalars(residents_in(unit).where(Resident.phone.is_(None) | (
        ~Resident.phone.like("138000000%"))).order_by(Resident.id).limit(n)))


def _give(project, by, when, **kw) -> None:
    db.session.add(Contribution(project_id=project.id, entered_by_id=by.id, received_on=when,
                                **kw))


def _sanji_ledger(ctx, project, by, today) -> None:
    people = _residents_of(ctx.units["三吉花园小区"], 12)
    for i, r in enumerate(people[:8]):
        r.publish_name = i % 3 == 0
        _give(project, by, today - timedelta(days=50 - i), kind="money", source="resident",
              resident_id=r.id, amount=D("500.00") * (i % 4 + 1), consent_publish=i % 3 == 0)
    for i, r in enumerate(people[8:]):
        _give(project, by, today - timedelta(days=40 - i), kind="labour", source="resident",
              resident_id=r.id, hours=D("4.5") + i, consent_publish=False)
    _give(project, by, today - timedelta(days=30), kind="money", source="organisation",
          organisation="远安县某物业服务公司", amount=D("20000.00"), consent_publish=True)
    _give(project, by, today - timedelta(days=28), kind="money", source="anonymous",
          amount=D("1200.50"))
    for what, qty, unit_label in (("空调", 2, "台"), ("饮水机", 3, "台"), ("书籍", 200, "本")):
        _give(project, by, today - timedelta(days=20), kind="material", source="organisation",
              organisation="热心居民和商户", material=what, quantity=D(qty),
              unit_label=unit_label, consent_publish=False)


def _chuanchai_ledger(ctx, lights, shed, by, today) -> None:
    people = _residents_of(ctx.units["船柴一区"], 6)
    for i, r in enumerate(people):
        _give(lights if i < 3 else shed, by, today - timedelta(days=30 + i), kind="labour",
              source="resident", resident_id=r.id, hours=D("3.0"), consent_publish=False)
    me = ctx.logins["resident"]
    _give(shed, by, today - timedelta(days=20), kind="money", source="resident",
          resident_id=me.id, amount=D("300.00"), consent_publish=True)


def _move(fund, kind, amount, by, when, project=None, voucher=None, note="") -> None:
    project_id = project.id if project else None
    after = funds.on_hand_after(funds.balance(fund.id), kind, amount)
    db.session.add(FundMovement(fund_id=fund.id, kind=kind, amount=amount, project_id=project_id,
                                voucher=voucher, note=note, occurred_on=when,
                                balance_after=after, entered_by_id=by.id,
                                created_at=datetime.combine(when, time(2))))
    db.session.flush()


def _chuanchai_funds(ctx, by, today, lights, shed, charge) -> None:
    unit = ctx.units["船柴社区"]
    year = today.year
    huimin = Fund(unit_id=unit.id, kind="huimin", year=year, budget=funds.huimin_yearly(unit))
    charity = Fund(unit_id=unit.id, kind="charity", year=year, budget=D("0"))
    db.session.add_all([huimin, charity])
    db.session.flush()
    day = today - timedelta(days=45)
    _move(huimin, "allocation", D("18000.00"), by, day, lights, note="楼道灯具和安装")
    _move(huimin, "spending", D("16850.40"), by, day + timedelta(days=15), lights,
          voucher="CC2026-001", note="声控节能灯 120 套及安装费")
    _move(huimin, "allocation", D("25000.00"), by, day + timedelta(days=5), shed)
    _move(huimin, "spending", D("23980.00"), by, day + timedelta(days=30), shed,
          voucher="CC2026-002", note="停车棚钢构及充电插座")
    _move(huimin, "allocation", D("40000.00"), by, today - timedelta(days=8), charge)
    _move(charity, "income", D("8600.00"), by, day, note="居民和辖区单位捐赠")
    _move(charity, "spending", D("1200.00"), by, day + timedelta(days=20), voucher="GY2026-001",
          note="慰问困难老人")
    ctx.funds = {"chuanchai_huimin": huimin, "chuanchai_charity": charity}


def _sanji_funds(ctx, by, today, sanji) -> None:
    unit = ctx.units["城关社区"]
    fund = Fund(unit_id=unit.id, kind="huimin", year=today.year,
                budget=funds.huimin_yearly(unit))
    db.session.add(fund)
    db.session.flush()
    _move(fund, "allocation", D("50000.00"), by, today - timedelta(days=55), sanji,
          note="推墙联心以奖代补")
    _move(fund, "spending", D("32000.00"), by, today - timedelta(days=35), sanji,
          voucher="SJ2026-001", note="庭院绿化和围墙拆除")
