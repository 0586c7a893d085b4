"""The organisation tree, households, residents and the five demo logins.

Street and compound names below the communities named in the article are illustrative.
"""

from dataclasses import dataclass, field
from decimal import Decimal

from ..extensions import db
from ..residents.models import Membership, Resident, RoleAssignment
from ..residents.pins import hash_pin
from ..units.models import Household, Unit
from ..units.service import create_unit
from . import people

DEMO_PIN = "135790"

# (street, community, is_village, compounds{compound: (buildings, entrances, floors, per floor)})
TREE = [
    ("西陵区西陵街道", "船柴社区", False, {"船柴一区": (4, 2, 6, 2), "船柴二区": (3, 2, 6, 2)}),
    ("宜都市陆城街道", "锦江社区", False, {"锦江花园": (3, 2, 7, 2), "滨江小区": (2, 2, 6, 2)}),
    ("远安县鸣凤镇", "城关社区", False, {"三吉花园小区": (3, 2, 6, 2)}),
    ("秭归县郭家坝镇", "邓家坡村", True, {"张家山组": (1, 1, 1, 24), "邓家坡组": (1, 1, 1, 20)}),
]

# phone, name, role, unit name the role is held in
LOGINS = [
    ("13800000001", "张秀英", None, None),
    ("13800000002", "李志刚", "volunteer", "船柴一区"),
    ("13800000003", "王建华", "worker", "船柴社区"),
    ("13800000004", "刘国强", "party_reviewer", "船柴社区"),
    ("13800000005", "陈淑珍", "supervisor", "船柴社区"),
    # A second community worker: paper ballots and shows of hands need a witness.
    ("13800000006", "赵丽", "worker", "船柴社区"),
]


@dataclass
class DemoContext:
    """What later seed steps need: units by name, the demo logins by role."""
    units: dict[str, Unit] = field(default_factory=dict)
    logins: dict[str, Resident] = field(default_factory=dict)
    pin_hash: str = ""


def seed(ctx: DemoContext) -> None:
    """Create the tree, the households with residents, and the demo logins."""
    ctx.pin_hash = hash_pin(DEMO_PIN)
    r = people.rng("yichang")
    counter = iter(range(10000001, 99999999))
    for street_name, community_name, village, compounds in TREE:
        street = create_unit(None, street_name, "street")
        community = create_unit(street, community_name, "community", is_village=village)
        ctx.units.update({street_name: street, community_name: community})
        for compound_name, shape in compounds.items():
            compound = create_unit(community, compound_name, "compound")
            ctx.units[compound_name] = compound
            _seed_compound(ctx, r, compound, shape, counter, village)
    _seed_logins(ctx, counter)
    db.session.flush()
    _seed_representatives(ctx)


def _seed_representatives(ctx, per_community: int = 5) -> None:
    """A few 居民代表 in 船柴一区 (2栋), so a 代表会议 ballot can be held in 船柴社区."""
    building = ctx.units["船柴一区/2栋"]
    people_here = db.session.scalars(
        db.select(Resident).join(Membership).join(Household)
        .where(Household.building_id == building.id, Resident.birth_year < 2000)
        .order_by(Household.id, Resident.id).limit(per_community)).all()
    for res in people_here:
        res.roles.append(RoleAssignment(unit=ctx.units["船柴一区"], role="representative"))


def _seed_compound(ctx, r, compound, shape, counter, village):
    buildings, entrances, floors, per_floor = shape
    for b in range(1, buildings + 1):
        bname = f"{compound.name.removesuffix('组')}湾" if village else f"{b}栋"
        building = create_unit(compound, bname, "building")
        ctx.units[f"{compound.name}/{bname}"] = building
        for e in range(1, entrances + 1):
            for f in range(1, floors + 1):
                for n in range(1, per_floor + 1):
                    address = f"{n}号" if village else f"{e}单元{f}{n:02d}"
                    if village:
                        address = f"{(f - 1) * per_floor + n}号"
                    area = Decimal(r.choice((62, 75, 88, 96, 105, 118, 126, 142))) + \
                        Decimal(r.randint(0, 99)) / 100
                    hh = Household(building=building, address=address, area_m2=area)
                    db.session.add(hh)
                    _seed_people(ctx, r, hh, counter)


def _seed_people(ctx, r, hh, counter):
    """One to three residents a household; the first owns it (a few are co-owned)."""
    for i in range(r.choice((1, 2, 2, 3))):
        year = people.birth_year(r)
        phone = None if year < 1950 and r.random() < 0.6 else f"139{next(counter):08d}"
        res = Resident(name=people.name(r), code=str(next(counter)), phone=phone,
                       birth_year=year, pin_hash=ctx.pin_hash)
        owner = i == 0 or (i == 1 and r.random() < 0.3)
        res.memberships.append(Membership(household=hh, is_owner=owner))
        db.session.add(res)


def _seed_logins(ctx, counter):
    home = ctx.units["船柴一区/1栋"]
    for i, (phone, name, role, unit_name) in enumerate(LOGINS):
        hh = Household(building=home, address=f"3单元{5 - i // 2}0{i % 2 + 1}",
                       area_m2=Decimal("89.50") + i * 10)
        res = Resident(name=name, phone=phone, code=f"2000000{i + 1}", birth_year=1950 + i * 8,
                       pin_hash=ctx.pin_hash, publish_name=True)
        res.memberships.append(Membership(household=hh, is_owner=True))
        if role:
            res.roles.append(RoleAssignment(unit=ctx.units[unit_name], role=role))
        db.session.add_all([hh, res])
        ctx.logins.setdefault(role or "resident", res)  # the first of each role
