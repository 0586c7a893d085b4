"""`flask close-due-evaluations`: close rounds past their time (for cron; pages also do it)."""

import click

from .service import settle_due


@click.command("close-due-evaluations")
def close_due_evaluations_command():
    """Close every evaluation whose closing time has passed and publish its result."""
    n = settle_due()
    click.echo(f"已结束 {n} 个评价。 Closed {n} evaluation(s).")
