"""An approved meeting outcome becomes a ballot, and the ballot's verdict moves the issue on."""

from datetime import timedelta

from community import clock
from community.ballots.models import Ballot
from community.extensions import db
from community.issues.models import Issue
from community.meetings import review
from tests.ballot_factories import login
from tests.test_meetings_setup import at, make_meeting, make_world, post_form


def _outcome_for_ballot(w, monkeypatch, options="方案一：装在楼顶\n方案二：装在院子里"):
    meeting = make_meeting(w, days=1, agenda=("晾衣架怎么装",))
    item = meeting.items[0]
    item.issue_id = w.issue.id
    from community.issues.service import change_status
    change_status(w.issue, "deliberating", w.worker, "上会")
    db.session.commit()
    at(monkeypatch, meeting.starts_at + timedelta(minutes=30))
    review.save_minutes(item, w.worker, "大家讨论了两个方案", "", "alternatives", "两个方案投票",
                        options)
    review.review(item.outcome, w.reviewer, "approve", "同意")
    review.choose_next(item.outcome, "ballot", w.worker)
    db.session.commit()
    return item.outcome


def test_outcome_prefills_the_ballot_and_links_the_issue(app, client, monkeypatch):
    w = make_world()
    outcome = _outcome_for_ballot(w, monkeypatch)
    assert db.session.get(Issue, w.issue.id).status == "deciding"
    login(client, w.worker)
    url = f"/ballots/new?outcome={outcome.id}"
    html = client.get(url).get_data(as_text=True)
    assert "方案一：装在楼顶" in html and "晾衣难" in html
    closes = (clock.now() + timedelta(days=10)).strftime("%Y-%m-%dT%H:%M")
    r = post_form(client, url, {
        "title": "晾衣架方案", "unit_id": str(w.issue.unit_id), "basis": "household",
        "rule": "majority", "options": "方案一：装在楼顶\n方案二：装在院子里\n弃权",
        "closes_at": closes, "secret": "y", "channels": ["web", "paper"], "acknowledge": "y"})
    assert r.status_code == 303, r.get_data(as_text=True)
    ballot = db.session.scalar(db.select(Ballot).where(Ballot.title == "晾衣架方案"))
    assert ballot.issue_id == w.issue.id


def test_closing_moves_the_issue_on(app, client, monkeypatch):
    from community.ballots import service
    from tests.ballot_factories import make_ballot
    w = make_world()
    _outcome_for_ballot(w, monkeypatch)
    ballot = make_ballot(w.t["compound"], actor=w.worker)
    ballot.issue_id = w.issue.id
    db.session.commit()
    service.close_ballot(ballot, w.worker)
    db.session.commit()
    issue = db.session.get(Issue, w.issue.id)
    assert ballot.outcome == "failed" and issue.status == "closed"  # nobody voted


def test_a_worker_of_another_community_cannot_use_the_outcome(app, client, monkeypatch):
    w = make_world()
    outcome = _outcome_for_ballot(w, monkeypatch)
    login(client, w.other_worker)
    assert client.get(f"/ballots/new?outcome={outcome.id}").status_code == 403
