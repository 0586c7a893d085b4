"""`flask --app app close-due-ballots`: for cron, every few minutes."""

import click

from . import service


@click.command("close-due-ballots")
def close_due_ballots_command():
    """Open ballots whose opening time has come and close those whose closing time passed."""
    count = service.advance_due()
    click.echo(f"已处理 {count} 个到时的投票。 {count} ballot(s) opened or closed.")
