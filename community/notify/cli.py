"""`flask --app app sms-deliver`: for cron, every minute (or --every N to keep running): it
first answers the inbound messages the gateway handed in, then sends what is due.
`flask --app app sms-receive PHONE "TEXT"`: an inbound message typed in (tests, developers)."""

import time
import uuid

import click

from .. import clock
from . import commands, inbound, sms  # noqa: F401 - commands: registers them


@click.command("sms-deliver")
@click.option("--every", type=int, default=0,
              help="Keep running, delivering every N seconds (0: once and exit).")
def sms_deliver_command(every):
    """Answer the inbound SMS, then hand the due SMS of the outbox to the gateway, each once."""
    while True:
        answered = inbound.process_pending()
        sent, trouble = sms.deliver_due()
        click.echo(f"已处理 {answered} 条来信；已发送 {sent} 条短信，{trouble} 条稍后重试或失败。 "
                   f"{answered} received handled; {sent} sent, {trouble} retried later or failed.")
        if not every:
            return
        time.sleep(every)


@click.command("sms-receive")
@click.argument("phone")
@click.argument("text")
@click.option("--id", "provider_id", default=None,
              help="The provider's message id (default: a new one); a repeated id is ignored.")
def sms_receive_command(phone, text, provider_id):
    """Take TEXT as an SMS from PHONE, handle it at once and print the answer queued."""
    message = sms.Incoming(provider_id or f"cli-{uuid.uuid4().hex}", sms.local_phone(phone),
                           text.strip()[:500], clock.now())
    row, new = inbound.receive(sms.backend().name, message)
    if not new:
        click.echo(f"已收到过（#{row.id}），不再处理。 Already stored as #{row.id}.")
        return
    answer = inbound.process(row)
    click.echo(f"#{row.id} {row.status} {row.command or '-'}: {answer or '（不回复 no answer）'}")
