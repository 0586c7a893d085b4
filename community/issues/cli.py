"""`flask api-token create CHANNEL` / `callback ID URL` / `revoke ID` / `list`: tokens of the
intake API and their callbacks; `flask deliver-webhooks`: the callbacks' outbox (cron)."""

import time

import click

from ..extensions import db
from ..units.models import Unit
from . import intake, webhooks
from .models import ApiToken
from .states import API_CHANNELS, CHANNEL_LABELS


@click.group("api-token")
def api_token():
    """Tokens for outside channels posting issues to POST /api/v1/issues."""


@api_token.command("create")
@click.argument("channel", type=click.Choice(API_CHANNELS))
@click.option("--unit", "unit_id", type=int, help="Only issues in this unit (id) or below.")
@click.option("--note", default="", help="Who uses the token, for the record.")
@click.option("--callback", default=None,
              help="URL to POST each state change of its issues to (signed; see README).")
def create(channel, unit_id, note, callback):
    """Create a token for CHANNEL and print it once (only its hash is kept)."""
    unit = None
    if unit_id is not None and (unit := db.session.get(Unit, unit_id)) is None:
        raise click.BadParameter(f"no unit {unit_id}", param_hint="--unit")
    if callback is not None and not webhooks.valid_url(callback):
        raise click.BadParameter(webhooks.URL_RULE, param_hint="--callback")
    row, plain = intake.create_token(channel, unit, note[:100])
    if callback is not None:
        _echo_secret(row, webhooks.register_callback(row, callback))
    click.echo(f"令牌 #{row.id}（{CHANNEL_LABELS[channel]}），只显示这一次，请妥善保存：")
    click.echo(plain)


@api_token.command("callback")
@click.argument("token_id", type=int)
@click.argument("url", required=False)
@click.option("--remove", is_flag=True, help="Stop sending events to this token's channel.")
def callback(token_id, url, remove):
    """Set token ID's callback URL with a new secret (again: rotates the secret)."""
    row = db.session.get(ApiToken, token_id)
    if row is None:
        raise click.ClickException(f"没有第 {token_id} 号令牌 (no such token)")
    if remove:
        webhooks.register_callback(row, None)
        click.echo(f"令牌 #{row.id} 不再回调。 Callback of token {row.id} removed.")
        return
    if url is None or not webhooks.valid_url(url):
        raise click.BadParameter(webhooks.URL_RULE, param_hint="URL")
    _echo_secret(row, webhooks.register_callback(row, url))


def _echo_secret(row: ApiToken, secret: str) -> None:
    click.echo(f"令牌 #{row.id} 的回调地址：{row.callback_url}")
    click.echo("回调签名密钥，只显示这一次 (callback signing secret, shown once):")
    click.echo(secret)


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
        click.echo(f"#{row.id}\t{row.channel}\t{state}\t{row.note}\t{row.callback_url or ''}")


@click.command("deliver-webhooks")
@click.option("--every", type=int, default=0,
              help="Keep running, delivering every N seconds (0: once and exit).")
def deliver_webhooks_command(every):
    """POST the due events of the webhook outbox to the channels' callback URLs."""
    while True:
        delivered, trouble = webhooks.deliver_due()
        click.echo(f"已送达 {delivered} 个回调，{trouble} 个稍后重试或放弃。 "
                   f"{delivered} delivered, {trouble} retried later or dead.")
        if not every:
            return
        time.sleep(every)
