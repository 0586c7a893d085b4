"""`flask export-report --unit U --from D --to D [--format xlsx|csv] [--out PATH]`."""

import click

from ..extensions import db
from ..units.models import Unit
from ..units.service import find_by_path
from . import export, service


def find_unit(text: str) -> Unit | None:
    """A unit by id, by path of names (西陵区西陵街道/船柴社区), or by a unique name."""
    if text.isdigit():
        return db.session.get(Unit, int(text))
    if "/" in text:
        return find_by_path([p for p in text.split("/") if p])
    units = db.session.scalars(db.select(Unit).where(Unit.name == text)).all()
    return units[0] if len(units) == 1 else None


@click.command("export-report")
@click.option("--unit", "unit_text", required=True, help="Unit id, path or unique name.")
@click.option("--from", "start", required=True, type=click.DateTime(["%Y-%m-%d"]))
@click.option("--to", "end", required=True, type=click.DateTime(["%Y-%m-%d"]))
@click.option("--format", "fmt", type=click.Choice(["xlsx", "csv"]), default="xlsx")
@click.option("--out", type=click.Path(dir_okay=False), help="File to write (default: a name"
              " with the unit and dates in the current folder).")
def export_report_command(unit_text, start, end, fmt, out):
    """Export issues, meetings, ballots, projects, funds and satisfaction for a period."""
    unit = find_unit(unit_text)
    if unit is None:
        raise click.BadParameter(f"找不到单位 {unit_text!r}（可用编号、路径或名称）",
                                 param_hint="--unit")
    if end < start:
        raise click.BadParameter("截止日期早于起始日期", param_hint="--to")
    report = service.collect(unit, start.date(), end.date())
    data = export.to_xlsx(report) if fmt == "xlsx" else export.to_csv(report)
    path = out or export.filename(report, fmt)
    with open(path, "wb") as f:
        f.write(data)
    click.echo(f"已导出 {path}（{len(data)} 字节）。 Wrote {path}.")
