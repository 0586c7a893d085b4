"""Operations: `flask generate` on a tiny city, `flask backup` and `flask restore` round trips
(SQLite always; PostgreSQL when TEST_DATABASE_URL is set and pg_dump is installed)."""

import json
import shutil
import sqlite3

import pytest
from sqlalchemy import func, inspect, text

from community.audit import service as audit
from community.audit.models import AuditLog
from community.ballots import results, service
from community.ballots.electorate import my_votes
from community.ballots.models import (
    Ballot,
    BallotCount,
    Caster,
    Elector,
    Participation,
    SecretChoice,
)
from community.extensions import db
from community.issues.models import Issue
from community.ops.generate import generate
from community.residents.models import Resident
from community.units.models import Unit
from tests.ballot_factories import make_ballot, option_id, ticket_of
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


VOTE_ACTIONS = ("ballot_vote", "ballot_assisted_vote", "ballot_paper_entry")


def _audits(ballot_id: int, *actions: str) -> list[AuditLog]:
    return list(db.session.scalars(db.select(AuditLog).where(
        AuditLog.object_type == "ballot", AuditLog.object_id == ballot_id,
        AuditLog.action.in_(actions)).order_by(AuditLog.seq)))


def _keys(row: AuditLog) -> set[str]:
    return set(json.loads(row.detail))


def _electorate(ballot: Ballot) -> tuple[set, set]:
    electors = db.session.execute(db.select(Elector.voter_key, Elector.label, Elector.heads,
                                            Elector.area).where(Elector.ballot_id == ballot.id))
    casters = db.session.execute(db.select(Caster.voter_key, Caster.resident_id)
                                 .where(Caster.ballot_id == ballot.id))
    return set(electors), set(casters)


def test_generated_ballots_are_what_the_ballot_services_would_store(app):
    """Issue 18 §5: the generator writes through ballots.bulk, which shares the services'
    functions; here the services themselves redo each generated ballot and compare."""
    s = generate(1, 300, ballots=3, progress=False)  # open by residents, households, owners
    generated = db.session.scalars(db.select(Ballot).order_by(Ballot.id)).all()
    assert [b.basis for b in generated] == ["resident", "household", "owner"]
    for g in generated:
        worker = db.session.get(Resident, g.created_by_id)
        real = make_ballot(g.unit, actor=worker, basis=g.basis, rule=g.rule, secret=g.secret,
                           options=[o.label for o in g.options])
        # The same frozen electorate, options and audit rows as the real open writes.
        assert _electorate(real) == _electorate(g) and _electorate(g)[1]
        assert (real.eligible_heads, real.eligible_area) == (g.eligible_heads, g.eligible_area)
        assert [(o.label, o.kind, o.abstain) for o in real.options] == \
            [(o.label, o.kind, o.abstain) for o in g.options]
        for action in ("ballot_created", "ballot_opened"):
            (made,), (ours,) = _audits(g.id, action), _audits(real.id, action)
            assert _keys(made) == _keys(ours)
        assert _audits(g.id, "ballot_created")[0].actor_id == g.created_by_id
        if g.status == "closed":
            # The stored outcome is what the real results compute from the stored counts.
            assert g.outcome == results.verdict_for(g).outcome and g.closed_at == g.closes_at
            chosen = dict(db.session.execute(
                db.select(SecretChoice.option_id, func.count()).where(
                    SecretChoice.ballot_id == g.id).group_by(SecretChoice.option_id)).all())
            assert {c.option_id: c.heads for c in db.session.scalars(
                db.select(BallotCount).where(BallotCount.ballot_id == g.id))} == \
                {o.id: chosen.get(o.id, 0) for o in g.options}
            assert service.close_ballot(real, worker)
            (made,), (ours,) = _audits(g.id, "ballot_closed"), _audits(real.id, "ballot_closed")
            assert _keys(made) == _keys(ours)
            assert json.loads(made.detail)["outcome"] == g.outcome
    # One audit row per generated vote, naming voter and channel (or helper), as the real
    # vote's does; none carries the choice or the receipt.
    votes = [row for g in generated for row in _audits(g.id, *VOTE_ACTIONS)]
    taken = db.session.scalars(db.select(Participation).where(
        Participation.ballot_id.in_([g.id for g in generated]))).all()
    assert {(p.ballot_id, p.voter_key) for p in taken} == \
        {(row.object_id, json.loads(row.detail)["voter_key"]) for row in votes}
    assert {p.entered_by_id or p.assisted_by_id or p.resident_id for p in taken} == \
        {row.actor_id for row in votes}
    assert {row.action for row in votes} == set(VOTE_ACTIONS)
    secrets_ = set(db.session.scalars(db.select(SecretChoice.receipt))) | \
        {o.label for g in generated for o in g.options}
    for row in votes:
        assert not _keys(row) & {"option", "option_id", "choice", "receipt"}
        assert not any(str(v) in secrets_ for v in json.loads(row.detail).values())
    ballot = db.session.get(Ballot, s.ballot_id)
    voter = db.session.scalar(db.select(Resident).where(Resident.code == s.login_code))
    key = my_votes(ballot, voter)[0].key
    service.cast_vote(ballot, voter, ballot.options[0], "web", key=key,
                      receipt=service.new_receipt())
    real = _audits(ballot.id, "ballot_vote")[-1]
    assert real.actor_id == voter.id and json.loads(real.detail) == {"channel": "web",
                                                                     "voter_key": key}
    assert all(_keys(row) == _keys(real) for row in votes if row.action == "ballot_vote")
    assert audit.verify().ok


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
