"""Small builders for test data (STYLE rule 21: functions, not factory_boy)."""

import itertools
from decimal import Decimal

from community.extensions import db
from community.residents.models import Membership, Resident, RoleAssignment
from community.residents.pins import hash_pin
from community.units.models import Household, Unit
from community.units.service import create_unit

PIN = "135790"
_seq = itertools.count(1)
_hashes: dict[str, str] = {}


def make_tree(prefix: str = "") -> dict[str, Unit]:
    """街道 → 社区 → 小区 → two buildings. Returns the units by short name."""
    street = create_unit(None, f"{prefix}测试街道", "street")
    community = create_unit(street, f"{prefix}测试社区", "community")
    compound = create_unit(community, f"{prefix}测试小区", "compound")
    b1 = create_unit(compound, "1栋", "building")
    b2 = create_unit(compound, "2栋", "building")
    db.session.commit()
    return {"street": street, "community": community, "compound": compound, "b1": b1, "b2": b2}


def make_household(building: Unit, address: str | None = None, area="80.00") -> Household:
    """A household in the building with the given floor area."""
    hh = Household(building=building, address=address or f"1单元{next(_seq):03d}",
                   area_m2=Decimal(area))
    db.session.add(hh)
    db.session.flush()
    return hh


def make_resident(household: Household | None = None, *, name="测试居民", phone=None,
                  code=None, pin=PIN, birth_year=1960, owner=True, roles=()) -> Resident:
    """A resident living in household, with optional roles as (role, unit) pairs."""
    if pin not in _hashes:
        _hashes[pin] = hash_pin(pin)
    n = next(_seq)
    res = Resident(name=name, phone=phone, code=code or f"{30000000 + n}",
                   pin_hash=_hashes[pin], birth_year=birth_year)
    if household is not None:
        res.memberships.append(Membership(household=household, is_owner=owner))
    for role, unit in roles:
        res.roles.append(RoleAssignment(role=role, unit=unit))
    db.session.add(res)
    db.session.commit()
    return res
