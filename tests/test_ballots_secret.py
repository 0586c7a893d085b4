"""Secret ballots: taking part and the choice are stored apart, with nothing linking them."""

import logging

import pytest
from sqlalchemy import inspect

from community.audit.models import AuditLog
from community.ballots.models import BallotCount, Participation, SecretChoice
from community.extensions import db
from tests.ballot_factories import login, make_ballot, vote, worker_of
from tests.conftest import PG_URL
from tests.factories import make_household, make_resident, make_tree

LINKING = ("voter", "resident", "elector", "key", "at", "time", "date", "created", "seq",
           "order", "participation", "area", "channel", "by")


def test_the_choice_table_has_no_column_that_links_to_a_voter(app):
    columns = {c["name"]: c for c in inspect(db.engine).get_columns("ballot_choice")}
    assert set(columns) == {"receipt", "ballot_id", "option_id"}
    assert not [n for n in columns if any(w in n for w in LINKING)]
    pk = inspect(db.engine).get_pk_constraint("ballot_choice")["constrained_columns"]
    assert pk == ["receipt"]  # a random code: a text key cannot autoincrement
    assert "CHAR" in str(columns["receipt"]["type"]).upper()
    assert not [fk for fk in inspect(db.engine).get_foreign_keys("ballot_choice")
                if fk["referred_table"] in ("resident", "ballot_participation")]
    counts = {c["name"] for c in inspect(db.engine).get_columns("ballot_count")}
    assert counts == {"ballot_id", "option_id", "heads", "area_cm"}


@pytest.mark.skipif(bool(PG_URL), reason="SQLite storage detail")
def test_on_sqlite_choices_are_stored_by_receipt_not_by_arrival(app):
    sql = db.session.execute(db.text(
        "SELECT sql FROM sqlite_master WHERE name = 'ballot_choice'")).scalar()
    assert "WITHOUT ROWID" in sql
    with pytest.raises(Exception, match="rowid"):
        db.session.execute(db.text("SELECT rowid FROM ballot_choice")).all()
    db.session.rollback()


@pytest.fixture
def voters(app):
    t = make_tree()
    return t, [make_resident(make_household(t["b1"]), name=f"选民{i}") for i in range(6)]


def test_secret_votes_leave_no_choice_beside_the_voter(app, voters, caplog):
    tree, people = voters
    caplog.set_level(logging.DEBUG)
    worker = worker_of(tree["community"])
    ballot = make_ballot(tree["compound"], actor=worker, options=("甲方案", "乙方案", "弃权"))
    choices = ["乙方案", "甲方案", "乙方案", "乙方案", "甲方案", "弃权"]
    for person, choice in zip(people, choices, strict=True):
        assert vote(login(app.test_client(), person), ballot, choice).status_code == 303
    assert db.session.scalar(db.select(db.func.count()).select_from(Participation)
                             .where(Participation.option_id.is_not(None))) == 0
    stored = db.session.execute(db.text("SELECT receipt FROM ballot_choice")).scalars().all()
    assert stored == sorted(stored) or PG_URL  # storage order is the random code's order
    counts = {c.option_id: c.heads for c in db.session.scalars(db.select(BallotCount))}
    assert sorted(counts.values()) == [1, 2, 3]
    details = " ".join(db.session.scalars(db.select(AuditLog.detail)))
    assert "甲方案" not in caplog.text and "乙方案" not in caplog.text
    assert "甲方案" not in details and "乙方案" not in details
    audited = db.session.scalars(db.select(AuditLog).where(AuditLog.action == "ballot_vote"))
    assert sorted(a.actor_id for a in audited) == sorted(p.id for p in people)  # who, not what
    for receipt in stored:
        assert receipt not in details
    assert '"option' not in details  # no option id under any key


def test_closing_rewrites_choices_in_receipt_order(app, voters):
    tree, people = voters
    worker = worker_of(tree["community"])
    ballot = make_ballot(tree["compound"], actor=worker)
    for person in people[:4]:
        vote(login(app.test_client(), person), ballot, "同意")
    from community.ballots import service
    service.close_ballot(ballot, worker)
    rows = db.session.execute(db.select(SecretChoice.receipt)).scalars().all()
    assert len(rows) == 4 and sorted(rows) == sorted(set(rows))


def test_open_ballots_keep_the_choice_with_the_vote(app, voters):
    tree, people = voters
    ballot = make_ballot(tree["compound"], secret=False)
    vote(login(app.test_client(), people[0]), ballot, "反对")
    p = db.session.scalar(db.select(Participation))
    assert p.option_id is not None
