"""Build and read the organisation tree."""

from ..extensions import db
from .models import Unit


def create_unit(parent: Unit | None, name: str, kind: str, is_village: bool = False) -> Unit:
    """Add a unit under parent and set its materialised path."""
    unit = Unit(parent=parent, name=name, kind=kind, is_village=is_village)
    db.session.add(unit)
    db.session.flush()
    unit.path = f"{parent.path if parent else ''}{unit.id}/"
    return unit


def find_by_path(names: list[str]) -> Unit | None:
    """Find a unit by its names from the root down, e.g. ['西陵区西陵街道', '船柴社区']."""
    unit = None
    for name in names:
        stmt = db.select(Unit).where(Unit.name == name,
                                     Unit.parent_id == (unit.id if unit else None))
        if unit is None:
            stmt = db.select(Unit).where(Unit.name == name, Unit.parent_id.is_(None))
        unit = db.session.scalar(stmt)
        if unit is None:
            return None
    return unit
