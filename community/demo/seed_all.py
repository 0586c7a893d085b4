"""Run every area's demo seed in order, in one transaction."""

import importlib

from ..audit.service import record
from ..extensions import db
from ..units.models import Unit
from . import base

# Each later area adds its module here; each has seed(ctx: base.DemoContext).
AREA_SEEDS: list[str] = ["community.issues.demo", "community.meetings.demo",
                         "community.volunteer.demo", "community.ballots.demo",
                         "community.projects.demo", "community.evaluations.demo"]


def is_seeded() -> bool:
    """True when the demo tree is already in the database."""
    return db.session.scalar(db.select(Unit.id).where(Unit.name == "船柴社区")) is not None


def run() -> base.DemoContext:
    """Create all demo data and commit once."""
    ctx = base.DemoContext()
    base.seed(ctx)
    for module in AREA_SEEDS:
        importlib.import_module(module).seed(ctx)
    record("demo_seeded", None, object_type="system")
    db.session.commit()
    return ctx
