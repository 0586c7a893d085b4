"""The shape of a generated city: streets, communities and villages, compounds, buildings,
households with floor areas, residents and the roles they hold. Names are made up."""

import random
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal

from ..demo import people
from ..residents.models import Membership, Resident, RoleAssignment
from ..units.models import Household, Unit
from .loader import Loader

# Yichang's districts, counties and county-level cities (宜昌市辖区、县、县级市).
DISTRICTS = ("西陵区", "伍家岗区", "点军区", "猇亭区", "夷陵区", "宜都市", "当阳市", "枝江市",
             "远安县", "兴山县", "秭归县", "长阳县", "五峰县")
COMMUNITIES_PER_STREET = 15
HOUSEHOLD_SIZES = (1, 2, 2, 2, 3, 3, 4)
FLAT_AREAS = (62, 75, 88, 96, 105, 118, 126, 142)
ESTATES = ("锦绣", "和平", "幸福", "阳光", "滨江", "桃花", "书香", "金色", "翠苑", "丽景", "怡园",
           "长江")
ESTATE_SUFFIXES = ("小区", "花园", "家园", "苑")
VILLAGE_EVERY = (3, 4)  # of every five communities, these positions are villages
ADULT_AGE = 18


@dataclass
class Person:
    id: int
    household: int
    adult: bool
    owner: bool
    name: str = ""


@dataclass
class Place:
    """A compound (小区/村民小组) with its households and the people living there."""
    unit: int
    name: str
    households: list[tuple[int, str, Decimal]] = field(default_factory=list)  # id, label, area
    people: list[Person] = field(default_factory=list)
    flats: list[tuple[int, str, str]] = field(default_factory=list)  # building, name, address


@dataclass
class Community:
    unit: int
    name: str
    village: bool
    places: list[Place] = field(default_factory=list)
    staff: dict[str, int] = field(default_factory=dict)  # role → resident id
    volunteers: dict[int, int] = field(default_factory=dict)  # compound unit → resident id
    role_holders: set[int] = field(default_factory=set)

    @property
    def people(self) -> list[Person]:
        return [p for place in self.places for p in place.people]


class CityBuilder:
    """Adds communities one at a time to a Loader; everything is drawn from one seeded rng."""

    def __init__(self, loader: Loader, rng: random.Random, pin_hash: str, now: datetime):
        self.load, self.r, self.pin_hash, self.now = loader, rng, pin_hash, now
        self.street: int | None = None
        self.street_path = ""

    def unit(self, parent_path: str, parent: int | None, name: str, kind: str,
             village: bool = False) -> tuple[int, str]:
        uid = self.load.next_id[Unit]
        path = f"{parent_path}{uid}/"
        self.load.add(Unit, parent_id=parent, name=name, kind=kind, path=path,
                      is_village=village)
        return uid, path

    def community(self, index: int, residents: int) -> Community:
        """One 社区 (or 村) with about `residents` people; a new 街道/镇 every fifteen."""
        n = index // COMMUNITIES_PER_STREET
        district = DISTRICTS[n % len(DISTRICTS)]
        if index % COMMUNITIES_PER_STREET == 0:
            self.street, self.street_path = self.unit(
                "", None, f"{district}第{n + 1}{'镇' if n % 3 == 2 else '街道'}", "street")
        village = index % 5 in VILLAGE_EVERY
        name = f"{district}{index + 1}{'村' if village else '社区'}"
        cid, cpath = self.unit(self.street_path, self.street, name, "community", village)
        c = Community(cid, name, village)
        left, k = residents, 0
        while left > 0:
            k += 1
            place = self._village_group(cpath, cid, k) if village else \
                self._compound(cpath, cid, k)
            left -= self._fill(place, left)
            c.places.append(place)
        self._roles(c)
        return c

    def _compound(self, cpath, cid, k) -> Place:
        name = ESTATES[(cid + k) % len(ESTATES)] + ESTATE_SUFFIXES[k % len(ESTATE_SUFFIXES)]
        if k > len(ESTATES):
            name += str(k)
        uid, path = self.unit(cpath, cid, name, "compound")
        place = Place(uid, name)
        r = self.r
        buildings = []
        for b in range(1, r.randint(3, 8) + 1):
            bid, _ = self.unit(path, uid, f"{b}栋", "building")
            entrances, floors = r.choice((1, 2, 2, 3)), r.choice((6, 6, 7, 11))
            buildings += [(bid, f"{b}栋", f"{e}单元{f}{n:02d}")
                          for e in range(1, entrances + 1) for f in range(1, floors + 1)
                          for n in (1, 2)]
        place.flats = buildings
        return place

    def _village_group(self, cpath, cid, k) -> Place:
        uid, path = self.unit(cpath, cid, f"第{k}组", "compound")
        place = Place(uid, f"第{k}组")
        surname = people.SURNAMES[(uid + k) % len(people.SURNAMES)]
        bid, _ = self.unit(path, uid, f"{surname}家湾", "building")
        place.flats = [(bid, f"{surname}家湾", f"{n}号") for n in range(1, self.r.randint(30, 60))]
        return place

    def _fill(self, place: Place, wanted: int) -> int:
        """Households with residents until the flats or the wanted people run out."""
        r, made, year = self.r, 0, self.now.year
        for building, bname, address in place.flats:
            if made >= wanted:
                break
            base = Decimal(r.choice(FLAT_AREAS)) if "单元" in address else \
                Decimal(r.randint(120, 220))
            area = base + Decimal(r.randint(0, 99)) / 100
            hid = self.load.add(Household, building_id=building, address=address, area_m2=area,
                                developer_held=False)
            place.households.append((hid, bname + address, area))
            for i in range(min(r.choice(HOUSEHOLD_SIZES), wanted - made)):
                born = people.birth_year(r)
                rid = self.load.next_id[Resident]
                name = people.name(r)
                self.load.add(
                    Resident, name=name, phone=f"15{rid:09d}" if r.random() < .7
                    else None, code=f"{40000000 + rid}", pin_hash=self.pin_hash,
                    birth_year=born, publish_name=False, pin_failures=0,
                    pin_failures_since=None, locked_until=None, created_at=self.now)
                owner = i == 0 or (i == 1 and r.random() < 0.3)
                self.load.add(Membership, resident_id=rid, household_id=hid, is_owner=owner)
                place.people.append(Person(rid, hid, year - born >= ADULT_AGE, owner, name))
                made += 1
        place.flats = []
        return made

    def _roles(self, c: Community) -> None:
        """两委 worker, Party reviewer, supervisor; a volunteer per compound; representatives."""
        adults = [p for p in c.people if p.adult]
        for role, person in zip(("worker", "party_reviewer", "supervisor"), adults, strict=False):
            c.staff[role] = person.id
            self.load.add(RoleAssignment, resident_id=person.id, unit_id=c.unit, role=role)
        for place in c.places:
            helpers = [p for p in place.people if p.adult and p.id not in c.staff.values()]
            if helpers:
                c.volunteers[place.unit] = helpers[-1].id
                self.load.add(RoleAssignment, resident_id=helpers[-1].id, unit_id=place.unit,
                              role="volunteer")
        for person in adults[3::40]:
            self.load.add(RoleAssignment, resident_id=person.id, unit_id=c.unit,
                          role="representative")
        c.role_holders = {*c.staff.values(), *c.volunteers.values(),
                          *(p.id for p in adults[3::40])}
