"""Operations: `flask generate` on a tiny city, `flask backup` and `flask restore` round trips
(SQLite always; PostgreSQL when TEST_DATABASE_URL is set and pg_dump is installed)."""

import shutil
import sqlite3

import pytest
from sqlalchemy import func, inspect, text

from community.audit import service as audit
from community.ballots.models import (
    Ballot,
    BallotCount,
    Elector,
    Participation,
    SecretChoice,
)
from community.extensions import db
from community.issues.models import Issue
from community.ops.generate import generate
from community.residents.models import Resident
from community.units.models import Unit
from tests.ballot_factories import option_id, ticket_of
from tests.conftest import PG_URL, AuthActions, csrf_token, make_app

TINY = ["generate", "--communities", "2", "--residents", "200"]


def _count(model, *where) -> int:
    return db.session.scalar(db.select(func.count()).select_from(model).where(*where))


def _table_counts() -> dict[str, int]:
    names = sorted(inspect(db.engine).get_table_names())
    with db.engine.connect() as conn:
        return {t: conn.execute(text(f'SELECT COUNT(*) FROM "{t}"')).scalar()  # noqa: S608
                for t in names}


def _snapshot() -> list[tuple]:
    return db.session.execute(db.select(Resident.code, Resident.name, Resident.birth_year)
                              .order_by(Resident.code)).all()


def test_generate_tiny_city_counts(app, runner):
    result = runner.invoke(args=TINY)
    assert result.exit_code == 0, result.output
    assert "Try: resident code" in result.output
    assert _count(Resident) == 200
    assert _count(Unit, Unit.kind == "community") == 2
    assert _count(Ballot) == 4 and _count(Ballot, Ballot.status == "open") == 2
    assert _count(Issue) == 5  # one per 40 residents
    assert _count(Ballot, Ballot.status == "closed", Ballot.outcome.is_(None)) == 0
    heads = db.session.scalar(db.select(func.sum(BallotCount.heads)))
    assert heads == _count(Participation) == _count(SecretChoice) > 0
    for ballot in db.session.scalars(db.select(Ballot)):
        assert _count(Elector, Elector.ballot_id == ballot.id) == ballot.eligible_heads
    assert audit.verify().ok


def test_generate_is_deterministic_and_guards_the_database(app, runner):
    generate(5, 200, progress=False)  # the fourth and fifth are villages
    first = _snapshot()
    refused = runner.invoke(args=TINY)
    assert refused.exit_code != 0 and "--append" in refused.output
    assert runner.invoke(args=[*TINY, "--append"]).exit_code == 0
    assert _count(Resident) == 400
    assert len({code for code, _, _ in _snapshot()}) == 400
    db.session.remove()
    db.drop_all()
    db.create_all()
    generate(5, 200, progress=False)
    assert _snapshot() == first
    assert _count(Unit, Unit.kind == "community", Unit.is_village.is_(True)) == 2


def test_generated_resident_can_vote_and_read(app, client):
    s = generate(2, 200, progress=False)
    assert AuthActions(client).login(s.login_code, "135790").status_code == 303
    assert "待投票" in client.get("/").get_data(as_text=True)
    assert client.get("/issues").status_code == 200
    page = client.get(f"/ballots/{s.ballot_id}").get_data(as_text=True)
    ballot = db.session.get(Ballot, s.ballot_id)
    data = {"csrf_token": csrf_token(page), "option": str(option_id(ballot, "同意"))}
    confirm = client.post(f"/ballots/{s.ballot_id}/vote", data=data)
    assert confirm.status_code == 200
    data.update(ticket=ticket_of(confirm.get_data(as_text=True)), confirmed="1")
    assert client.post(f"/ballots/{s.ballot_id}/vote", data=data).status_code == 303
    client.post("/logout", data={"csrf_token": csrf_token(client.get("/").text)})
    assert client.get(f"/board/{s.board_unit_id}").status_code == 200


sqlite_only = pytest.mark.skipif(bool(PG_URL), reason="SQLite only; TEST_DATABASE_URL is set")


@sqlite_only
def test_sqlite_backup_restore_round_trip(app, runner, demo, tmp_path):
    before = _table_counts()
    path = tmp_path / "backup.sqlite"
    result = runner.invoke(args=["backup", str(path)])
    assert result.exit_code == 0, result.output
    assert path.read_bytes().startswith(b"SQLite format 3\x00")
    other = make_app(tmp_path / "other")
    with other.app_context():
        restored = other.test_cli_runner().invoke(args=["restore", str(path)])
        assert restored.exit_code == 0, restored.output
        assert _table_counts() == before
        verified = other.test_cli_runner().invoke(args=["audit-verify"])
        assert verified.exit_code == 0, verified.output
        assert audit.verify().rows == before["audit_log"] > 0
        db.session.remove()
        db.engine.dispose()


@sqlite_only
def test_sqlite_backup_is_online_and_takes_only_committed_rows(app, runner, tmp_path):
    audit.record("before_backup", None, object_type="system")
    db.session.commit()
    writer = sqlite3.connect(db.engine.url.database, timeout=1)
    writer.execute("BEGIN IMMEDIATE")  # another process is in the middle of writing
    writer.execute("INSERT INTO unit (name, kind, path, is_village) "
                   "VALUES ('写到一半', 'street', '', 0)")
    path = tmp_path / "online.sqlite"
    result = runner.invoke(args=["backup", str(path)])
    writer.rollback()
    writer.close()
    assert result.exit_code == 0, result.output
    copy = sqlite3.connect(path)
    assert copy.execute("SELECT COUNT(*) FROM audit_log").fetchone() == (1,)
    assert copy.execute("SELECT COUNT(*) FROM unit").fetchone() == (0,)
    copy.close()


def test_restore_refuses_a_non_empty_database_unless_forced(app, runner, tmp_path):
    generate(1, 30, progress=False)
    path = tmp_path / ("backup.sqlite" if not PG_URL else "backup.dump")
    assert runner.invoke(args=["backup", str(path)]).exit_code == 0, "pg_dump missing?"
    generate(1, 30, progress=False, seed="another")  # data written after the backup
    assert _count(Resident) == 60
    refused = runner.invoke(args=["restore", str(path)])
    assert refused.exit_code == 1 and "--force" in refused.output
    assert _count(Resident) == 60
    forced = runner.invoke(args=["restore", "--force", str(path)])
    assert forced.exit_code == 0, forced.output
    assert _count(Resident) == 30
    assert runner.invoke(args=["audit-verify"]).exit_code == 0


@sqlite_only
def test_backup_refuses_to_overwrite_the_database_and_replaces_a_stale_part(app, runner,
                                                                          tmp_path):
    result = runner.invoke(args=["backup", db.engine.url.database])
    assert result.exit_code == 1 and "database itself" in result.output
    path = tmp_path / "nightly.sqlite"
    (tmp_path / "nightly.sqlite.part").write_text("left over from a crash")
    assert runner.invoke(args=["backup", str(path)]).exit_code == 0
    assert not (tmp_path / "nightly.sqlite.part").exists()
    assert path.read_bytes().startswith(b"SQLite format 3\x00")


@sqlite_only
def test_restore_refuses_a_damaged_backup(app, runner, tmp_path):
    path = tmp_path / "damaged.sqlite"
    path.write_bytes(b"SQLite format 3\x00" + b"\xff" * 4000)
    result = runner.invoke(args=["restore", str(path)])
    assert result.exit_code == 1 and "cannot be restored" in result.output


def test_restore_refuses_a_file_that_is_no_backup(app, runner, tmp_path):
    path = tmp_path / "notes.txt"
    path.write_text("not a database")
    result = runner.invoke(args=["restore", str(path)])
    assert result.exit_code == 1 and "not a" in result.output


@pytest.mark.skipif(not PG_URL, reason="PostgreSQL round trip: set TEST_DATABASE_URL")
@pytest.mark.skipif(shutil.which("pg_dump") is None, reason="pg_dump is not installed")
def test_postgresql_backup_restore_round_trip(app, runner, demo, tmp_path):
    before = _table_counts()
    path = tmp_path / "backup.dump"
    result = runner.invoke(args=["backup", str(path)])
    assert result.exit_code == 0, result.output
    assert path.read_bytes().startswith(b"PGDMP")
    db.session.remove()
    db.drop_all()
    db.create_all()
    restored = runner.invoke(args=["restore", str(path)])
    assert restored.exit_code == 0, restored.output
    assert _table_counts() == before
    verified = runner.invoke(args=["audit-verify"])
    assert verified.exit_code == 0, verified.output
    assert audit.verify().rows == before["audit_log"] > 0
