"""Thirty confirmations of one vote at once count once (file SQLite, or PostgreSQL when
TEST_DATABASE_URL is set: the app fixture uses either)."""

import re
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from community.audit.models import AuditLog
from community.audit.service import verify
from community.ballots.models import BallotCount, Participation, SecretChoice
from community.extensions import db
from tests.ballot_factories import confirm_page, login, make_ballot, option_id, ticket_of
from tests.conftest import csrf_token
from tests.factories import make_household, make_resident, make_tree
from tests.security.site import QueryCounter

COPIES = 30


def test_thirty_concurrent_confirmations_count_once(app):
    assert app.config["SQLALCHEMY_DATABASE_URI"] != "sqlite://"  # a real file, many connections
    tree = make_tree()
    voter = make_resident(make_household(tree["b1"]), name="急性子")
    ballot = make_ballot(tree["compound"])
    first = login(app.test_client(), voter)
    html = confirm_page(first, ballot, "同意").get_data(as_text=True)
    form = {"option": str(option_id(ballot, "同意")), "ticket": ticket_of(html),
            "confirmed": "1"}
    clients = [login(app.test_client(), voter) for _ in range(COPIES)]
    tokens = [csrf_token(c.get("/").get_data(as_text=True)) for c in clients]
    url = f"/ballots/{ballot.id}/vote"
    db.session.commit()
    barrier = threading.Barrier(COPIES)
    answers: list = [None] * COPIES

    def confirm(i):
        barrier.wait()
        r = clients[i].post(url, data={**form, "csrf_token": tokens[i]})
        answers[i] = (r.status_code, r.headers.get("Location"))

    threads = [threading.Thread(target=confirm, args=(i,)) for i in range(COPIES)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert answers == [(303, f"/ballots/{ballot.id}/voted")] * COPIES
    db.session.expire_all()
    assert db.session.scalar(db.select(db.func.count()).select_from(Participation)) == 1
    assert db.session.scalar(db.select(db.func.count()).select_from(SecretChoice)) == 1
    assert db.session.get(BallotCount, (ballot.id, option_id(ballot, "同意"))).heads == 1
    receipt = db.session.scalar(db.select(SecretChoice.receipt))
    shown = {re.search(r'id="receipt">([\w\u2011-]+)<', c.get(f"/ballots/{ballot.id}/voted").text)
             .group(1).replace("\u2011", "") for c in clients}
    assert shown == {receipt}  # every retry was answered with the one receipt


def test_the_confirmation_screen_takes_no_write_lock_and_the_vote_holds_it_briefly(app):
    """Step 1 reads only: it answers while another writer holds SQLite's write lock. Step 2
    opens the write transaction for its own statements only (issue 19 §3)."""
    if db.engine.dialect.name != "sqlite":
        pytest.skip("the write lock is SQLite's")
    tree = make_tree()
    voter = make_resident(make_household(tree["b1"]), name="慢性子")
    ballot = make_ballot(tree["compound"])
    client = login(app.test_client(), voter)
    db.session.commit()
    writer = sqlite3.connect(db.engine.url.database, isolation_level=None, timeout=0)
    writer.execute("BEGIN IMMEDIATE")  # someone else is writing, for as long as it likes
    try:
        started = time.monotonic()
        r = confirm_page(client, ballot, "同意")
        assert r.status_code == 200 and time.monotonic() - started < 2
    finally:
        writer.execute("ROLLBACK")
        writer.close()
    form = {"csrf_token": csrf_token(r.text), "option": str(option_id(ballot, "同意")),
            "ticket": ticket_of(r.text), "confirmed": "1"}
    with QueryCounter(db.engine) as counter:
        assert client.post(f"/ballots/{ballot.id}/vote", data=form).status_code == 303
    statements = [" ".join(s.split()) for s in counter.statements]
    assert statements[0] == "BEGIN" and statements.count("BEGIN IMMEDIATE") == 1
    locked = statements[statements.index("BEGIN IMMEDIATE") + 1:]
    # state, voter, participation, choice, count, audit link, audit row: and nothing after
    assert len(locked) == 7, locked
    assert [s.split()[0] for s in locked] == ["SELECT", "SELECT", "INSERT", "INSERT", "UPDATE",
                                              "SELECT", "INSERT"]
    with QueryCounter(db.engine) as counter:  # the same confirmation again: no write lock
        assert client.post(f"/ballots/{ballot.id}/vote", data=form).status_code == 303
    assert "BEGIN IMMEDIATE" not in counter.statements
    db.session.expire_all()
    assert db.session.get(BallotCount, (ballot.id, option_id(ballot, "同意"))).heads == 1


KILLED_VOTER = """
import sys
from community import create_app
from community.ballots import service
from community.audit.models import AuditLog
from community.audit.service import verify
from community.ballots.models import Ballot, Caster, Participation
from community.extensions import db
from community.residents.models import Resident
app = create_app({"SECRET_KEY": "test-secret", "PIN_PEPPER": "test-pepper",
                  "SQLALCHEMY_DATABASE_URI": sys.argv[1], "SQLITE_SYNCHRONOUS": "FULL"})
with app.app_context():
    ballot = db.session.get(Ballot, int(sys.argv[2]))
    option = ballot.options[0]
    casters = db.session.execute(db.select(Caster.voter_key, Caster.resident_id).where(
        Caster.ballot_id == ballot.id)).all()
    for key, resident_id in casters:
        receipt = service.cast_vote(ballot, db.session.get(Resident, resident_id), option,
                                    "web", key=key, receipt=service.new_receipt())
        print(receipt, flush=True)  # answered: from here on it must survive
"""


@pytest.mark.slow
def test_a_voting_process_killed_mid_burst_leaves_every_answered_vote_counted_once(app):
    """kill -9 while votes are being cast: each vote answered is in the database, and every
    vote there is whole (participation, choice, count and audit row together)."""
    if db.engine.dialect.name != "sqlite":
        pytest.skip("one file, two processes: the SQLite case")
    tree = make_tree()
    for i in range(300):
        make_resident(make_household(tree["b1"], f"1单元{i}"), name=f"居民{i}")
    ballot = make_ballot(tree["compound"])
    db.session.commit()
    with subprocess.Popen(
            [sys.executable, "-c", KILLED_VOTER, str(db.engine.url), str(ballot.id)],
            stdout=subprocess.PIPE, text=True, cwd=Path(__file__).resolve().parent.parent
    ) as child:
        answered = [child.stdout.readline().strip() for _ in range(40)]
        child.send_signal(signal.SIGKILL)
        child.wait(30)
        answered += [line.strip() for line in child.stdout if line.strip()]
    db.session.commit()  # end the test's own read snapshot
    receipts = set(db.session.scalars(db.select(SecretChoice.receipt)))
    taken = db.session.scalar(db.select(db.func.count()).select_from(Participation))
    heads = db.session.scalar(db.select(db.func.sum(BallotCount.heads)).where(
        BallotCount.ballot_id == ballot.id))
    audited = db.session.scalar(db.select(db.func.count(AuditLog.id)).where(
        AuditLog.action == "ballot_vote"))
    assert set(answered) <= receipts and len(answered) >= 40
    assert len(receipts) == taken == heads == audited < 300
    assert verify().ok
