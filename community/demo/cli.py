"""`flask seed-demo`: load the demo (idempotent)."""

import click

from ..extensions import db
from ..residents.models import Resident
from . import seed_all


@click.command("seed-demo")
@click.option("--if-empty", is_flag=True, help="Only when the database has no residents yet.")
def seed_demo_command(if_empty):
    """Load the demo data unless it is already there."""
    has_people = db.session.scalar(db.select(Resident.id).limit(1)) is not None
    if seed_all.is_seeded() or (if_empty and has_people):
        click.echo("演示数据已存在，跳过。 Demo data already present; nothing to do.")
        return
    seed_all.run()
    click.echo("演示数据已载入。所有演示账号的密码都是 135790。 Demo data loaded (PIN 135790).")
