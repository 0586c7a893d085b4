"""`flask generate`: a city-sized, realistic data set for benchmarks and sizing.

Every generated resident shares one PIN (hashed once), so the command refuses a database that
already has residents unless told `--append`: never run it against a live deployment."""

import os
import random
import time
from contextlib import nullcontext
from dataclasses import dataclass, field

import click
from sqlalchemy import text

from .. import clock
from ..audit.service import record
from ..extensions import db
from ..residents.models import Resident
from ..residents.pins import hash_pin
from .activity import Activity
from .city import CityBuilder
from .loader import Loader

FLUSH_ROWS = 50_000
ISSUES_PER_RESIDENT = 1 / 40
BALLOTS_PER_COMMUNITY = 2


@dataclass
class Summary:
    """What was made, how long it took, and a resident and pages to try it with."""
    seconds: float
    rows: dict[str, int]
    size_bytes: int
    login_code: str = ""
    ballot_id: int = 0
    board_unit_id: int = 0
    extra: dict = field(default_factory=dict)


def generate(communities: int, residents: int, issues: int | None = None,
             ballots: int | None = None, seed: str = "yichang", pin: str = "135790",
             progress: bool = True) -> Summary:
    """Build the city in batches of bulk inserts; deterministic for a given seed."""
    started = time.perf_counter()
    now = clock.now()
    issues = round(residents * ISSUES_PER_RESIDENT) if issues is None else issues
    ballots = communities * BALLOTS_PER_COMMUNITY if ballots is None else ballots
    rng = random.Random(seed)
    load = Loader()
    city = CityBuilder(load, rng, hash_pin(pin), now)
    acts = Activity(load, rng, now)
    summary = Summary(0, {}, 0)
    bar = click.progressbar(length=communities, label="生成社区 Generating communities",
                            show_pos=True, show_eta=True) if progress else nullcontext()
    with bar:
        for i in range(communities):
            c = city.community(i, _share(residents, communities, i))
            voter = next((p.id for p in c.places[0].people
                          if p.adult and p.id not in c.role_holders), None)
            acts.issues(c, _share(issues, communities, i))
            made = acts.ballots(c, _share(ballots, communities, i), keep_out=voter)
            if i == 0:
                summary.login_code = f"{40000000 + voter}" if voter else ""
                summary.board_unit_id = c.unit
                summary.ballot_id = made[0] if made else 0
            if load.pending() >= FLUSH_ROWS:
                load.flush()
            if progress:
                bar.update(1)
    load.finish()
    record("city_generated", None, object_type="system", communities=communities,
           residents=residents, issues=issues, ballots=ballots, seed=seed)
    db.session.commit()
    summary.rows = dict(load.written)
    summary.seconds = time.perf_counter() - started
    summary.size_bytes = database_size()
    return summary


def _share(total: int, parts: int, i: int) -> int:
    """Part i of total split as evenly as whole numbers allow."""
    return total // parts + (1 if i < total % parts else 0)


def database_size() -> int:
    """Bytes the database takes on disk (SQLite: file and WAL; PostgreSQL: the database)."""
    bind = db.session.get_bind()
    if bind.dialect.name == "sqlite":
        path = bind.url.database
        return sum(os.path.getsize(p) for p in (path, path + "-wal") if os.path.exists(p))
    return db.session.scalar(text("SELECT pg_database_size(current_database())"))


@click.command("generate")
@click.option("--communities", type=click.IntRange(1, 10_000), required=True,
              help="社区和村的数量 (宜昌: 1639)")
@click.option("--residents", type=click.IntRange(1, 10_000_000), required=True)
@click.option("--issues", type=click.IntRange(0), default=None,
              help="Issues in all (default: one per 40 residents).")
@click.option("--ballots", type=click.IntRange(0), default=None,
              help="Ballots in all (default: two per community, the first one open).")
@click.option("--seed", default="yichang", show_default=True)
@click.option("--pin", default="135790", show_default=True, help="The PIN every resident gets.")
@click.option("--append", is_flag=True, help="Add to a database that already has residents.")
def generate_command(communities, residents, issues, ballots, seed, pin, append):
    """Generate a city: units, households with areas, residents, issues, ballots with votes."""
    if not append and db.session.scalar(db.select(Resident.id).limit(1)) is not None:
        raise click.ClickException(
            "数据库里已经有居民。生成的居民都用同一个密码，不要在正式数据库上运行；"
            "确需追加请加 --append。 The database already has residents; use --append.")
    s = generate(communities, residents, issues, ballots, seed, pin)
    click.echo(f"用时 {s.seconds:.1f} 秒，数据库 {s.size_bytes / 2**20:.1f} MiB。 "
               f"Generated in {s.seconds:.1f} s; database {s.size_bytes / 2**20:.1f} MiB.")
    for table, n in s.rows.items():
        click.echo(f"  {table:<22}{n:>12,}")
    click.echo(f"试用 Try: resident code {s.login_code} (PIN {pin}), /ballots/{s.ballot_id}, "
               f"/board/{s.board_unit_id}")
