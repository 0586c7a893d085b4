"""`flask --app app sms-deliver`: for cron, every minute (or --every N to keep running)."""

import time

import click

from . import sms


@click.command("sms-deliver")
@click.option("--every", type=int, default=0,
              help="Keep running, delivering every N seconds (0: once and exit).")
def sms_deliver_command(every):
    """Hand the due SMS messages of the outbox to the gateway, each once."""
    while True:
        sent, trouble = sms.deliver_due()
        click.echo(f"已发送 {sent} 条短信，{trouble} 条稍后重试或失败。 "
                   f"{sent} sent, {trouble} retried later or failed.")
        if not every:
            return
        time.sleep(every)
