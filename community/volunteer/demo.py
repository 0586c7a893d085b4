"""Demo: the volunteer 李志刚 walks the four buildings of 船柴一区, with a few visits logged."""

from datetime import timedelta

from .. import clock
from ..extensions import db
from ..units.models import Household
from .models import Visit, VolunteerAssignment

# (address in 船柴一区/1栋, days ago, state, what was raised)
VISITS = [
    ("1单元101", 12, "visited", "老两口身体还好，希望楼道装扶手。"),
    ("1单元102", 12, "revisit", "家里没人接电话，邻居说去女儿家了，下周再来。"),
    ("1单元201", 9, "visited", "反映1栋加装电梯的事，愿意出一部分钱。"),
    ("1单元301", 5, "todo", ""),
    ("2单元101", 3, "visited", "独居老人，想知道怎么在自助终端上投票，已教会。"),
]


def seed(ctx) -> None:
    """Assign 船柴一区's buildings to the demo volunteer and log some visits in 1栋."""
    volunteer, worker = ctx.logins["volunteer"], ctx.logins["worker"]
    compound = ctx.units["船柴一区"]
    for name in sorted(k for k in ctx.units if k.startswith(f"{compound.name}/")):
        db.session.add(VolunteerAssignment(volunteer_id=volunteer.id,
                                           building_id=ctx.units[name].id,
                                           assigned_by_id=worker.id))
    building = ctx.units["船柴一区/1栋"]
    now = clock.now()
    for address, days, state, note in VISITS:
        household = db.session.scalar(db.select(Household).where(
            Household.building_id == building.id, Household.address == address))
        if household is not None:
            db.session.add(Visit(household=household, volunteer_id=volunteer.id, state=state,
                                 note=note, at=now - timedelta(days=days, hours=2)))
    db.session.flush()
