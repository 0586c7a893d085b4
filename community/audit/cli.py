"""`flask audit-verify`: check the audit hash chain."""

import click

from . import service


@click.command("audit-verify")
def audit_verify():
    """Check the audit log's hash chain and name the first broken row."""
    report = service.verify()
    if report.ok:
        click.echo(f"审计链完整：{report.rows} 行。 Audit chain intact: {report.rows} rows.")
        return
    click.echo(f"审计链在第 {report.broken_seq} 行断开：{report.reason}。 "
               f"Audit chain broken at row seq={report.broken_seq}.", err=True)
    raise SystemExit(1)
