"""Benchmark databases: a generated city of a given size, or a 2,000-voter electorate with
two open ballots, built in-process through the app's models, services and `generate`.

PIN hashes are made by the app's own `hash_pin` with the bench's settings (production's
scrypt cost, the bench's pepper), once per database and shared by its residents: a login then
costs what it costs in production, with no upgrade write at the first login."""

import os
from dataclasses import dataclass
from datetime import timedelta

from benchapp import build
from sqlalchemy import text

from community import clock
from community.ballots import service
from community.extensions import db
from community.ops.generate import Summary, database_size, generate
from community.ops.loader import Loader, analyze
from community.residents.models import Membership, Resident, RoleAssignment
from community.residents.pins import hash_pin
from community.units.models import Household, Unit

PIN = "135790"
YICHANG = (1639, 1_000_000)  # communities and villages, residents in the full run
PER_BUILDING = 48


def communities_for(residents: int) -> int:
    """Keep Yichang's density (about 610 residents a community) at every size."""
    return max(1, round(residents * YICHANG[0] / YICHANG[1]))


def make_app(url: str, secret: str, instance: str, cold: bool = False):
    return build(url, secret, instance, cold)


def fresh(app) -> None:
    """An empty database with every table (SQLite: a new file; PostgreSQL: the schema of the
    URL's search_path, dropped and made again, so no other schema is touched)."""
    with app.app_context():
        url = db.engine.url
        if url.get_backend_name() == "sqlite":
            db.engine.dispose()
            for suffix in ("", "-wal", "-shm"):
                if os.path.exists(url.database + suffix):
                    os.remove(url.database + suffix)
        else:
            with db.engine.begin() as conn:
                schema = conn.execute(text("SHOW search_path")).scalar().split(",")[0].strip()
                if not schema.startswith("bench_"):
                    raise RuntimeError(f"refusing to empty schema {schema!r}: the bench only "
                                       "empties schemas named bench_*")
                conn.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
                conn.execute(text(f'CREATE SCHEMA "{schema}"'))
            db.engine.dispose()
        db.create_all()


def drop(app) -> None:
    """Remove a PostgreSQL dataset's schema after the run (SQLite files go with the work
    directory)."""
    with app.app_context():
        if db.engine.url.get_backend_name() != "sqlite":
            db.session.remove()
            with db.engine.begin() as conn:
                schema = conn.execute(text("SHOW search_path")).scalar().split(",")[0].strip()
                if schema.startswith("bench_"):
                    conn.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
        db.engine.dispose()


def city(app, residents: int, progress: bool = False) -> Summary:
    """A fresh database holding a generated city with `residents` people."""
    fresh(app)
    with app.app_context():
        return generate(communities_for(residents), residents, progress=progress)


@dataclass
class Electorate:
    ballots: list[int]
    codes: list[str]
    options: dict[int, list[int]]  # ballot id → option ids (同意, 反对, 弃权)
    size_bytes: int = 0


def electorate(app, voters: int, ballots: int = 2) -> Electorate:
    """`voters` adults, one per flat, and `ballots` open secret ballots they all may vote in."""
    fresh(app)
    with app.app_context():
        load = Loader()
        pin_hash = hash_pin(PIN)

        def unit(parent, path, name, kind):
            uid = load.next_id[Unit]
            load.add(Unit, parent_id=parent, name=name, kind=kind, path=f"{path}{uid}/",
                     is_village=False)
            return uid, f"{path}{uid}/"

        street = unit(None, "", "压测街道", "street")
        community = unit(street[0], street[1], "压测社区", "community")
        compound = unit(community[0], community[1], "压测小区", "compound")
        codes, building = [], None
        for i in range(voters):
            if i % PER_BUILDING == 0:
                building = unit(compound[0], compound[1], f"{i // PER_BUILDING + 1}栋",
                                "building")
            hid = load.add(Household, building_id=building[0], address=f"1单元{i % 48 + 101}",
                           area_m2=100, developer_held=False)
            code = f"{50000000 + i}"
            rid = load.add(Resident, name=f"投票人{i}", phone=None, code=code,
                           pin_hash=pin_hash, birth_year=1970, publish_name=False,
                           pin_failures=0, pin_failures_since=None, locked_until=None,
                           created_at=clock.now())
            load.add(Membership, resident_id=rid, household_id=hid, is_owner=True)
            codes.append(code)
        worker = load.add(Resident, name="压测工作人员", phone=None, code="59999999",
                          pin_hash=pin_hash, birth_year=1975, publish_name=False,
                          pin_failures=0, pin_failures_since=None, locked_until=None,
                          created_at=clock.now())
        load.add(RoleAssignment, resident_id=worker, unit_id=community[0], role="worker")
        load.finish()
        made = []
        for n in range(ballots):
            draft = service.Draft(
                unit=db.session.get(Unit, compound[0]), title=f"压测表决{n + 1}",
                basis="resident", rule="majority", options=["同意", "反对", "弃权"],
                closes_at=clock.now() + timedelta(days=7), secret=True,
                channels=["web", "kiosk", "visit", "paper"])
            made.append(service.create_ballot(draft, db.session.get(Resident, worker)))
        analyze()
        return Electorate([b.id for b in made], codes,
                          {b.id: [o.id for o in b.options] for b in made}, database_size())
