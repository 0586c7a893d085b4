"""Voting through the browser with JavaScript off: choose, confirm, receipt; refusals."""

import gzip
import re
from datetime import timedelta

import pytest

from community import clock
from community.assets import asset_bytes
from community.ballots import service
from community.ballots.models import Ballot, BallotCount, Participation, SecretChoice
from community.extensions import db
from tests.ballot_factories import confirm_page, login, make_ballot, option_id, ticket_of, vote
from tests.conftest import csrf_token
from tests.factories import make_household, make_resident, make_tree


@pytest.fixture
def place(app):
    t = make_tree()
    hh = make_household(t["b1"], "1单元101")
    t["alice"] = make_resident(hh, name="张秀英")
    t["bob"] = make_resident(hh, name="李志刚")
    return t


def count(model, **where):
    stmt = db.select(db.func.count()).select_from(model).filter_by(**where)
    return db.session.scalar(stmt)


def test_vote_with_javascript_off(client, place):
    ballot = make_ballot(place["compound"])
    login(client, place["alice"])
    page = client.get(f"/ballots/{ballot.id}")
    assert page.status_code == 200 and 'type="radio"' in page.get_data(as_text=True)
    r = confirm_page(client, ballot, "同意")
    html = r.get_data(as_text=True)
    assert r.status_code == 200
    assert "您选择：同意。提交后不能更改。" in html
    assert 'name="confirmed"' in html and "返回修改" in html
    assert f'name="option" value="{option_id(ballot, "同意")}"' in html
    assert count(Participation) == 0  # nothing is cast before confirming
    r = client.post(f"/ballots/{ballot.id}/vote", data={
        "csrf_token": csrf_token(html), "option": option_id(ballot, "同意"),
        "ticket": ticket_of(html), "confirmed": "1"})
    assert r.status_code == 303 and r.headers["Location"] == f"/ballots/{ballot.id}/voted"
    done = client.get(r.headers["Location"]).get_data(as_text=True)
    assert "您的投票已记录" in done
    code = re.search(r'id="receipt">(\w{4})\u2011(\w{4})<', done)
    assert code and db.session.get(SecretChoice, code.group(1) + code.group(2))
    assert count(Participation, ballot_id=ballot.id, channel="web") == 1


def test_option_may_be_given_by_its_label(client, place):
    ballot = make_ballot(place["compound"])
    login(client, place["alice"])
    page = client.get(f"/ballots/{ballot.id}").get_data(as_text=True)
    r = client.post(f"/ballots/{ballot.id}/vote",
                    data={"csrf_token": csrf_token(page), "option": "反对"})
    assert "您选择：反对。" in r.get_data(as_text=True)


@pytest.mark.parametrize("option", ["", "999999", "赞成"])
def test_a_missing_or_unknown_option_is_shown_again(client, place, option):
    ballot = make_ballot(place["compound"])
    login(client, place["alice"])
    page = client.get(f"/ballots/{ballot.id}").get_data(as_text=True)
    r = client.post(f"/ballots/{ballot.id}/vote",
                    data={"csrf_token": csrf_token(page), "option": option})
    assert r.status_code == 422 and 'role="alert"' in r.get_data(as_text=True)


def test_a_second_vote_is_refused(client, place):
    ballot = make_ballot(place["compound"])
    login(client, place["alice"])
    assert vote(client, ballot, "同意").status_code == 303
    r = vote(client, ballot, "反对")
    assert r.status_code == 409 and "您已投过票" in r.get_data(as_text=True)
    assert count(Participation) == 1
    assert db.session.get(BallotCount, (ballot.id, option_id(ballot, "反对"))).heads == 0


def test_a_resent_confirmation_returns_the_same_receipt(client, place):
    ballot = make_ballot(place["compound"])
    login(client, place["alice"])
    html = confirm_page(client, ballot, "同意").get_data(as_text=True)
    data = {"csrf_token": csrf_token(html), "option": option_id(ballot, "同意"),
            "ticket": ticket_of(html), "confirmed": "1"}
    receipts = []
    for _ in range(2):
        assert client.post(f"/ballots/{ballot.id}/vote", data=data).status_code == 303
        receipts.append(re.search(r'id="receipt">([\w\u2011-]+)<',
                                  client.get(f"/ballots/{ballot.id}/voted").text).group(1))
    assert receipts[0] == receipts[1]
    assert count(Participation) == 1 and count(SecretChoice) == 1


def test_household_vote_is_cast_once_and_named_to_the_others(app, place):
    ballot = make_ballot(place["compound"], basis="household", secret=False)
    alice, bob = login(app.test_client(), place["alice"]), login(app.test_client(), place["bob"])
    assert vote(alice, ballot, "同意").status_code == 303
    page = bob.get(f"/ballots/{ballot.id}").get_data(as_text=True)
    assert "本户已由 张秀英 投票" in page and 'type="radio"' not in page
    r = vote(bob, ballot, "反对")
    assert r.status_code == 409 and "本户已由 张秀英 投票" in r.get_data(as_text=True)
    assert count(Participation) == 1


def test_a_resident_of_another_community_gets_403(app, place):
    other = make_tree("外")
    stranger = make_resident(make_household(other["b1"]), name="外人")
    ballot = make_ballot(place["compound"])
    client = login(app.test_client(), stranger)
    assert client.get(f"/ballots/{ballot.id}").status_code == 403
    assert client.get(f"/ballots/{ballot.id}/results").status_code == 403
    token = csrf_token(client.get("/").get_data(as_text=True))
    r = client.post(f"/ballots/{ballot.id}/vote",
                    data={"csrf_token": token, "option": "同意", "confirmed": "1"})
    assert r.status_code == 403
    assert count(Participation) == 0


def test_logged_out_visitors_are_sent_to_login(client, place):
    ballot = make_ballot(place["compound"])
    r = client.get(f"/ballots/{ballot.id}")
    assert r.status_code == 303 and r.headers["Location"].startswith("/login")
    assert client.get(f"/ballots/{ballot.id}/results").status_code == 303


def test_a_ballot_not_yet_open_refuses_votes(client, place):
    ballot = make_ballot(place["compound"], opens_in=timedelta(days=8))
    login(client, place["alice"])
    page = client.get(f"/ballots/{ballot.id}").get_data(as_text=True)
    assert "投票还没有开始" in page and 'type="radio"' not in page
    r = client.post(f"/ballots/{ballot.id}/vote",
                    data={"csrf_token": csrf_token(page), "option": "同意", "confirmed": "1"})
    assert r.status_code == 409 and "投票还没有开始" in r.get_data(as_text=True)
    assert count(Participation) == 0


def test_a_closed_ballot_refuses_votes(client, place, monkeypatch):
    ballot = make_ballot(place["compound"], lasts=timedelta(minutes=10))
    login(client, place["alice"])
    html = confirm_page(client, ballot, "同意").get_data(as_text=True)
    later = clock.now() + timedelta(minutes=11)
    monkeypatch.setattr(clock, "now", lambda: later)
    r = client.post(f"/ballots/{ballot.id}/vote", data={
        "csrf_token": csrf_token(html), "option": option_id(ballot, "同意"),
        "ticket": ticket_of(html), "confirmed": "1"})
    assert r.status_code == 409 and "投票已经结束" in r.get_data(as_text=True)
    assert count(Participation) == 0


def test_the_electorate_is_frozen_when_the_ballot_opens(app, place):
    ballot = make_ballot(place["compound"])
    newcomer = make_resident(make_household(place["b2"]), name="新住户")
    client = login(app.test_client(), newcomer)
    page = client.get(f"/ballots/{ballot.id}").get_data(as_text=True)
    assert "不在这次表决的投票人名单中" in page
    r = vote(client, ballot, "同意")
    assert r.status_code == 403 and count(Participation) == 0


def test_minors_are_not_in_a_resident_vote(app, place):
    child = make_resident(make_household(place["b2"]), name="小孩",
                          birth_year=clock.now().year - 17)
    ballot = make_ballot(place["compound"])
    assert ballot.eligible_heads == 2
    assert vote(login(app.test_client(), child), ballot, "同意").status_code == 403


def test_a_kiosk_session_votes_by_the_kiosk_channel(client, place):
    ballot = make_ballot(place["compound"])
    login(client, place["alice"])
    with client.session_transaction() as s:
        s["kiosk_device"] = "hall-1"
    assert vote(client, ballot, "同意").status_code == 303
    assert count(Participation, channel="kiosk") == 1


def test_a_channel_the_ballot_does_not_take_is_refused(client, place):
    ballot = make_ballot(place["compound"], channels=("paper",))
    login(client, place["alice"])
    r = confirm_page(client, ballot, "同意")
    assert r.status_code == 403 and "不接受这种投票方式" in r.get_data(as_text=True)


def _budget(html: bytes) -> int:
    return len(gzip.compress(html, 6)) + len(gzip.compress(asset_bytes("site.css"), 9))


def test_vote_pages_fit_the_budget_and_a_240px_screen(client, place):
    ballot = make_ballot(place["compound"])
    login(client, place["alice"])
    pages = [client.get("/ballots"), client.get(f"/ballots/{ballot.id}"),
             confirm_page(client, ballot, "同意")]
    html = pages[-1].get_data(as_text=True)
    pages.append(client.post(f"/ballots/{ballot.id}/vote", data={
        "csrf_token": csrf_token(html), "option": option_id(ballot, "同意"),
        "ticket": ticket_of(html), "confirmed": "1"}, follow_redirects=True))
    pages.append(client.get(f"/ballots/{ballot.id}/results"))
    for r in pages:
        assert r.status_code == 200
        body = r.get_data()
        assert _budget(body) <= 14_000
        assert b"<table" not in body and b"style=" not in body and b"<script>" not in body
        assert body.count(b"<h1") == 1


def test_the_list_and_my_to_dos_show_what_waits_for_my_vote(client, place):
    ballot = make_ballot(place["compound"])
    login(client, place["alice"])
    assert "待投票" in client.get("/ballots").get_data(as_text=True)
    home = client.get("/").get_data(as_text=True)
    assert "待投票：测试表决" in home and "截止" in home
    vote(client, ballot, "同意")
    home = client.get("/").get_data(as_text=True)
    assert "待投票：测试表决" not in home and "表决结果" not in home
    worker = make_resident(name="工作人员", roles=[("worker", place["community"])])
    assert service.close_ballot(db.session.get(Ballot, ballot.id), worker)
    home = client.get("/").get_data(as_text=True)
    assert "表决结果：测试表决——" in home  # the ballot I voted in, with its verdict


def test_someone_who_may_not_vote_is_told_who_may(app, place):
    """A tenant on an owners' vote reads 本次只有…的业主可以投票, not the entrance rule."""
    tenant = make_resident(make_household(place["b1"]), name="租户", owner=False)
    ballot = make_ballot(place["compound"], basis="owner", rule="owners_ordinary")
    page = login(app.test_client(), tenant).get(f"/ballots/{ballot.id}").get_data(as_text=True)
    assert f"本次只有{place['compound'].name}的业主可以投票" in page
