"""Thirty confirmations of one vote at once count once (file SQLite, or PostgreSQL when
TEST_DATABASE_URL is set: the app fixture uses either)."""

import re
import threading

from community.ballots.models import BallotCount, Participation, SecretChoice
from community.extensions import db
from tests.ballot_factories import confirm_page, login, make_ballot, option_id, ticket_of
from tests.conftest import csrf_token
from tests.factories import make_household, make_resident, make_tree

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
