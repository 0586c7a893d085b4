"""Workers give buildings to volunteers (走访楼栋分配)."""

from flask import abort
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import contains_eager, selectinload

from ..access import has_role
from ..audit.service import record
from ..errors.domain import DomainError
from ..extensions import db
from ..i18n import gettext as _
from ..residents.models import Resident, RoleAssignment
from ..units.models import Unit
from .models import VolunteerAssignment


class AlreadyAssigned(DomainError):
    """This volunteer already has this building."""

    def __init__(self):
        super().__init__(_("这位志愿者已经负责这个楼栋了。"), "building_id")


class OutsideTheirArea(DomainError):
    """The building is not where the volunteer holds the volunteer role."""

    def __init__(self):
        super().__init__(_("这位志愿者不在这个楼栋所在的地方服务。"), "building_id")


def _under(units: list[Unit]):
    return db.or_(*[Unit.path.startswith(u.path) for u in units])


def volunteers_under(units: list[Unit]) -> list[Resident]:
    """Residents holding the volunteer role in these units or below, by name."""
    stmt = (db.select(Resident).join(RoleAssignment).join(Unit, RoleAssignment.unit_id == Unit.id)
            .where(RoleAssignment.role == "volunteer", _under(units))
            .distinct().order_by(Resident.name, Resident.id))
    return list(db.session.scalars(stmt))


def buildings_under(units: list[Unit]) -> list[Unit]:
    """The buildings in these units, in tree order."""
    stmt = (db.select(Unit).where(Unit.kind == "building", _under(units))
            .options(selectinload(Unit.parent)).order_by(Unit.path))
    return list(db.session.scalars(stmt))


def assignments_under(units: list[Unit]) -> list[VolunteerAssignment]:
    """Every assignment of a building in these units."""
    stmt = (db.select(VolunteerAssignment).join(VolunteerAssignment.building)
            .where(_under(units)).order_by(Unit.path, VolunteerAssignment.id)
            .options(contains_eager(VolunteerAssignment.building).selectinload(Unit.parent),
                     selectinload(VolunteerAssignment.volunteer)))
    return list(db.session.scalars(stmt))


def assign(volunteer: Resident, building: Unit, worker) -> VolunteerAssignment:
    """Give the building to the volunteer; only a worker over the building may."""
    if building.kind != "building" or not has_role(worker, "worker", building):
        abort(403)
    if not has_role(volunteer, "volunteer", building):
        # Issues and ballots check the role's reach, so keep assignments inside it.
        raise OutsideTheirArea
    row = VolunteerAssignment(volunteer_id=volunteer.id, building_id=building.id,
                              assigned_by_id=worker.id)
    db.session.add(row)
    try:
        db.session.flush()
    except IntegrityError:
        db.session.rollback()
        raise AlreadyAssigned from None
    record("volunteer_assigned", row, actor=worker, unit_id=building.id,
           volunteer_id=volunteer.id)
    db.session.commit()
    return row


def unassign(assignment_id: int, worker) -> tuple[str, str]:
    """Take a building back from a volunteer; return (volunteer name, building name)."""
    row = db.get_or_404(VolunteerAssignment, assignment_id)
    if not has_role(worker, "worker", row.building):
        abort(403)
    names = (row.volunteer.name, label(row.building))
    record("volunteer_unassigned", row, actor=worker, unit_id=row.building_id,
           volunteer_id=row.volunteer_id)
    db.session.delete(row)
    db.session.commit()
    return names


def label(building: Unit) -> str:
    """"船柴一区 1栋": the compound's name before the building's."""
    return f"{building.parent.name} {building.name}" if building.parent else building.name
