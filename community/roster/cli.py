"""`flask import-roster FILE`: the admin's roster import, with a slip sheet written to a file."""

import os

import click
from flask import current_app
from flask_babel import to_user_timezone

from .. import clock
from . import service

BAR_FROM = 50  # show a progress bar when this many new residents need a PIN


@click.command("import-roster")
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
@click.option("--slips", "slips_path", type=click.Path(dir_okay=False),
              help="Where to write the slip sheet (default instance/slips-YYYYMMDD-HHMMSS.html).")
def import_roster_command(file, slips_path):
    """Import a resident roster (CSV or XLSX): every row, or none when any row is bad."""
    with open(file, "rb") as f:
        data = f.read()
    try:
        result = service.import_roster(os.path.basename(file), data, progress=_bar)
    except service.RosterInvalid as e:
        for err in e.errors:
            where = f"第 {err.row} 行" if err.row else "文件"
            click.echo(f"{where}：{err.reason}", err=True)
        click.echo(f"没有导入任何内容：{len(e.errors)} 处错误。 Nothing imported.", err=True)
        raise SystemExit(1) from None
    click.echo(service.describe(result))
    if result.slips:
        path = write_slips(result, slips_path)
        click.echo(f"登录凭条（{len(result.slips)} 张）已写入 {path} ，打印后请删除。")
    else:
        click.echo("没有需要打印的凭条。")


def _bar(people: list, total: int):
    """Show a progress bar while PINs are hashed (the slow part) for big files."""
    if total < BAR_FROM:
        yield from people
        return
    with click.progressbar(people, length=total, label="生成密码") as bar:
        yield from bar


def write_slips(result: service.ImportResult, path: str | None = None) -> str:
    """Write the printable slip sheet, readable by its owner only, and return its path."""
    if not path:
        stamp = to_user_timezone(clock.now()).strftime("%Y%m%d-%H%M%S")
        path = os.path.join(current_app.instance_path, f"slips-{stamp}.html")
    # Rendered without the request-bound context processors: the CLI has no request.
    html = current_app.jinja_env.get_template("roster/slips_file.html").render(
        slips=result.slips, title="新登记居民的登录凭条", pins_from_file=result.pins_from_file)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as f:
        os.fchmod(f.fileno(), 0o600)  # also when the file was already there
        f.write(html)
    return path
