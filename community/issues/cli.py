"""`flask api-token create CHANNEL` / `revoke ID` / `list`: tokens of the intake API."""

import click

from ..extensions import db
from ..units.models import Unit
from . import intake
from .models import ApiToken
from .states import API_CHANNELS, CHANNEL_LABELS


@click.group("api-token")
def api_token():
    """Tokens for outside channels posting issues to POST /api/v1/issues."""


@api_token.command("create")
@click.argument("channel", type=click.Choice(API_CHANNELS))
@click.option("--unit", "unit_id", type=int, help="Only issues in this unit (id) or below.")
@click.option("--note", default="", help="Who uses the token, for the record.")
def create(channel, unit_id, note):
    """Create a token for CHANNEL and print it once (only its hash is kept)."""
    unit = None
    if unit_id is not None and (unit := db.session.get(Unit, unit_id)) is None:
        raise click.BadParameter(f"no unit {unit_id}", param_hint="--unit")
    row, plain = intake.create_token(channel, unit, note[:100])
    click.echo(f"令牌 #{row.id}（{CHANNEL_LABELS[channel]}），只显示这一次，请妥善保存：")
    click.echo(plain)


@api_token.command("revoke")
@click.argument("token_id", type=int)
def revoke(token_id):
    """Revoke token ID at once."""
    row = db.session.get(ApiToken, token_id)
    if row is None:
        raise click.ClickException(f"没有第 {token_id} 号令牌 (no such token)")
    intake.revoke_token(row)
    click.echo(f"令牌 #{row.id} 已吊销。 Token {row.id} revoked.")


@api_token.command("list")
def list_tokens():
    """List the tokens (never their values)."""
    for row in db.session.scalars(db.select(ApiToken).order_by(ApiToken.id)):
        state = "revoked " + row.revoked_at.isoformat(" ", "minutes") if row.revoked_at else "live"
        click.echo(f"#{row.id}\t{row.channel}\t{state}\t{row.note}")
