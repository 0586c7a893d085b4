"""Workers manage people: roles, moves, a change of owner, a death; and what a death stops."""

import re
from datetime import timedelta
from decimal import Decimal

import pytest

from community import clock
from community.audit.models import AuditLog
from community.ballots import service as ballots
from community.ballots.errors import BallotError, NotEligible
from community.extensions import db
from community.residents.models import Resident, RoleAssignment
from community.units.models import Household
from tests.factories import make_household, make_resident, make_tree

WORKER = "13700000001"


@pytest.fixture
def place(app):
    t = make_tree()
    home = make_household(t["b1"], "2单元501", area="80.00")
    flat = make_household(t["b2"], "1单元302", area="0")
    aunt = make_resident(home, name="王秀英", phone="13900000011", owner=False)
    owner = make_resident(home, name="李大爷", phone="13900000012", owner=True)
    worker = make_resident(make_household(t["b2"], "1单元101"), name="社工", phone=WORKER,
                           roles=[("worker", t["community"])])
    other = make_tree("外")
    stranger = make_resident(make_household(other["b1"]), phone="13700000002",
                             roles=[("worker", other["community"])])
    return {"tree": t, "aunt": aunt, "owner": owner, "worker": worker, "home": home,
            "flat": flat, "stranger": stranger}


def csrf(html: str) -> str:
    return re.search(r'name="csrf_token"[^>]*?value="([^"]+)"', html).group(1)


def post(client, url, data, token_from=None):
    page = client.get(token_from or url).get_data(as_text=True)
    return client.post(url, data={"csrf_token": csrf(page), **data})


def fresh(model, id_):
    db.session.expire_all()
    return db.session.get(model, id_)


def actions():
    return db.session.scalars(db.select(AuditLog.action).order_by(AuditLog.seq)).all()


def test_search_leads_to_the_persons_page(client, auth, place):
    auth.login(WORKER)
    html = client.get("/residents/", query_string={"q": "王秀英"}).get_data(as_text=True)
    assert f"/residents/{place['aunt'].id}" in html
    page = client.get(f"/residents/{place['aunt'].id}")
    assert page.status_code == 200 and "登记搬迁" in page.get_data(as_text=True)


@pytest.mark.parametrize("role,unit,label", [("representative", "compound", "居民代表"),
                                             ("building_head", "b1", "楼栋长"),
                                             ("volunteer", "b1", "志愿者")])
def test_worker_appoints_a_role_once(client, auth, place, role, unit, label):
    auth.login(WORKER)
    url = f"/residents/{place['aunt'].id}/roles"
    data = {"role": role, "unit_id": place["tree"][unit].id}
    r = post(client, url, data)
    assert r.status_code == 303 and r.headers["Location"] == f"/residents/{place['aunt'].id}"
    assert post(client, url, data).status_code == 303  # a resent form: still one role
    rows = db.session.scalars(db.select(RoleAssignment).where(
        RoleAssignment.resident_id == place["aunt"].id)).all()
    assert [(x.role, x.unit_id) for x in rows] == [(role, place["tree"][unit].id)]
    assert actions().count("role_appointed") == 1
    assert label in client.get(f"/residents/{place['aunt'].id}").get_data(as_text=True)


def test_building_head_needs_a_building_and_the_unit_must_be_in_the_area(client, auth, place):
    auth.login(WORKER)
    url = f"/residents/{place['aunt'].id}/roles"
    r = post(client, url, {"role": "building_head", "unit_id": place["tree"]["compound"].id})
    assert r.status_code == 422 and "楼栋长要任命在某一栋楼上" in r.get_data(as_text=True)
    r = post(client, url, {"role": "volunteer", "unit_id": place["tree"]["street"].id})
    assert r.status_code == 422 and "请选择您负责范围内" in r.get_data(as_text=True)
    r = post(client, url, {"role": "worker", "unit_id": place["tree"]["b1"].id})
    assert r.status_code == 422 and "请选择要任命的身份" in r.get_data(as_text=True)
    assert not db.session.scalars(db.select(RoleAssignment).where(
        RoleAssignment.resident_id == place["aunt"].id)).all()


def test_removing_a_role_asks_first(client, auth, place):
    held = RoleAssignment(resident_id=place["aunt"].id, unit_id=place["tree"]["b1"].id,
                          role="representative")
    db.session.add(held)
    db.session.commit()
    held_id = held.id
    auth.login(WORKER)
    url = f"/residents/{place['aunt'].id}/roles/{held_id}/remove"
    page = client.get(url).get_data(as_text=True)
    assert "确认取消居民代表" in page and "将不再是1栋的居民代表" in page
    assert fresh(RoleAssignment, held_id) is not None  # the GET changed nothing
    r = client.post(url, data={"csrf_token": csrf(page)})
    assert r.status_code == 303 and fresh(RoleAssignment, held_id) is None
    assert client.post(url, data={"csrf_token": csrf(page)}).status_code == 303  # resent
    assert actions().count("role_removed") == 1
    assert client.get(url).status_code == 404


def test_a_worker_role_is_not_removed_here(client, auth, place):
    auth.login(WORKER)
    role = place["worker"].roles[0]
    assert client.get(f"/residents/{place['worker'].id}/roles/{role.id}/remove"
                      ).status_code == 403


@pytest.mark.parametrize("url", ["", "/roles", "/move", "/owner", "/death"])
def test_a_worker_of_another_community_gets_403(client, auth, place, url):
    auth.login("13700000002")
    assert client.get(f"/residents/{place['aunt'].id}{url}").status_code == 403
    if url:
        r = post(client, f"/residents/{place['aunt'].id}{url}", {}, token_from="/me")
        assert r.status_code == 403


def test_a_resident_gets_403(client, auth, place):
    auth.login("13900000012")
    assert client.get(f"/residents/{place['aunt'].id}/move").status_code == 403


def test_move_within_the_area(client, auth, place):
    auth.login(WORKER)
    aunt, home, flat = place["aunt"], place["home"], place["flat"]
    url = f"/residents/{aunt.id}/move"
    data = {"household_id": home.id, "where": "inside", "building_id": place["tree"]["b2"].id,
            "address": "1单元302"}
    r = post(client, url, data)
    assert r.status_code == 303
    assert [m.household_id for m in fresh(Resident, aunt.id).memberships] == [flat.id]
    assert post(client, url, data).status_code == 303  # resent: nothing more happens
    assert actions().count("resident_moved") == 1


def test_move_to_an_unknown_address_keeps_what_was_typed(client, auth, place):
    auth.login(WORKER)
    r = post(client, f"/residents/{place['aunt'].id}/move", {
        "household_id": place["home"].id, "where": "inside",
        "building_id": place["tree"]["b2"].id, "address": "9单元909"})
    html = r.get_data(as_text=True)
    assert r.status_code == 422 and "没有“9单元909”这一户" in html
    assert 'value="9单元909"' in html and 'id="address-error"' in html


def test_moving_away_ends_living_there_but_an_owner_stays_owner(client, auth, place):
    auth.login(WORKER)
    r = post(client, f"/residents/{place['aunt'].id}/move",
             {"household_id": place["home"].id, "where": "away"})
    assert r.status_code == 303 and r.headers["Location"] == "/residents/"
    assert fresh(Resident, place["aunt"].id).memberships == []
    r = post(client, f"/residents/{place['owner'].id}/move",
             {"household_id": place["home"].id, "where": "away"})
    assert r.status_code == 303
    (m,) = fresh(Resident, place["owner"].id).memberships
    assert m.is_owner and m.household_id == place["home"].id


def test_change_of_owner_with_area(client, auth, place):
    auth.login(WORKER)
    aunt, home = place["aunt"], place["home"]
    r = post(client, f"/residents/{aunt.id}/owner", {
        "building_id": place["tree"]["b1"].id, "address": "2单元501", "area_m2": "92.35"})
    assert r.status_code == 303
    hh = fresh(Household, home.id)
    assert hh.area_m2 == Decimal("92.35") and isinstance(hh.area_m2, Decimal)
    owners = {m.resident_id: m.is_owner for m in hh.members}
    assert owners == {aunt.id: True, place["owner"].id: False}
    row = db.session.scalar(db.select(AuditLog).where(AuditLog.action == "owner_changed"))
    assert '"area_after": "92.35"' in row.detail and '"area_before": "80.00"' in row.detail


@pytest.mark.parametrize("area,message", [("", "请填写面积"), ("abc", "请填写数字"),
                                          ("0", "要大于0"), ("100000", "数目太大")])
def test_owner_area_is_checked_beside_the_field(client, auth, place, area, message):
    auth.login(WORKER)
    r = post(client, f"/residents/{place['aunt'].id}/owner", {
        "building_id": place["tree"]["b1"].id, "address": "2单元501", "area_m2": area})
    html = r.get_data(as_text=True)
    assert r.status_code == 422 and message in html and 'value="2单元501"' in html
    assert fresh(Household, place["home"].id).area_m2 == Decimal("80.00")


def _open_ballot(place, **kw):
    d = ballots.Draft(unit=place["tree"]["compound"], title="加装电梯", basis="resident",
                      rule="majority", options=["同意", "反对"], secret=False,
                      closes_at=clock.now() + timedelta(days=3), **kw)
    return ballots.create_ballot(d, place["worker"])


def test_death_is_confirmed_then_stops_login_and_votes(client, auth, place):
    aunt = place["aunt"]
    ballot = _open_ballot(place)
    auth.login(WORKER)
    url = f"/residents/{aunt.id}/death"
    today = clock.now().date().isoformat()
    r = post(client, url, {"died_on": today})
    assert r.status_code == 200 and "登记后不能撤销" in r.get_data(as_text=True)
    assert fresh(Resident, aunt.id).died_on is None  # not before the second screen
    r = post(client, url, {"died_on": today, "confirmed": "1"})
    assert r.status_code == 303
    assert fresh(Resident, aunt.id).died_on.isoformat() == today
    assert post(client, url, {"died_on": today, "confirmed": "1"}).status_code == 303
    assert actions().count("resident_died") == 1
    client.post("/logout", data={"csrf_token": csrf(client.get("/me").get_data(as_text=True))})
    r = post(client, "/login", {"login": "13900000011", "pin": "135790"}, token_from="/login")
    assert r.status_code == 422 and "这个账户已经停用，不能再登录" in r.get_data(as_text=True)
    aunt = fresh(Resident, aunt.id)
    with pytest.raises(NotEligible):
        ballots.cast_vote(ballot, aunt, ballot.options[0], "web", key=f"r{aunt.id}",
                          receipt=ballots.new_receipt())
    from community.ballots.paper import voter_key_for
    with pytest.raises(NotEligible):
        voter_key_for(ballot, aunt)
    assert f"r{aunt.id}" not in {v.voter_key for v in _electors(_open_ballot(place))}


def _electors(ballot):
    from community.ballots.models import Elector
    return db.session.scalars(db.select(Elector).where(Elector.ballot_id == ballot.id)).all()


def test_death_keeps_votes_and_ends_roles(client, auth, place):
    aunt = place["aunt"]
    db.session.add(RoleAssignment(resident_id=aunt.id, unit_id=place["tree"]["b1"].id,
                                  role="volunteer"))
    db.session.commit()
    ballot = _open_ballot(place)
    ballots.cast_vote(ballot, aunt, ballot.options[0], "web", key=f"r{aunt.id}",
                      receipt=ballots.new_receipt())
    auth.login(WORKER)
    today = clock.now().date().isoformat()
    post(client, f"/residents/{aunt.id}/death", {"died_on": today, "confirmed": "1"},
         token_from=f"/residents/{aunt.id}/death")
    aunt = fresh(Resident, aunt.id)
    assert aunt.roles == [] and len(aunt.memberships) == 1
    from community.ballots.models import BallotCount
    assert sum(c.heads for c in db.session.scalars(db.select(BallotCount).where(
        BallotCount.ballot_id == ballot.id))) == 1


def test_death_date_cannot_be_in_the_future(client, auth, place):
    auth.login(WORKER)
    later = (clock.now().date() + timedelta(days=2)).isoformat()
    r = post(client, f"/residents/{place['aunt'].id}/death", {"died_on": later})
    assert r.status_code == 422 and 'id="died_on-error"' in r.get_data(as_text=True)


def test_a_representatives_ballot_needs_representatives(app, place):
    with pytest.raises(BallotError) as e:
        _open_ballot(place) if False else ballots.create_ballot(ballots.Draft(
            unit=place["tree"]["compound"], title="选方案", basis="resident",
            rule="representatives", options=["同意", "反对"],
            closes_at=clock.now() + timedelta(days=3)), place["worker"])
    assert e.value.field == "rule" and "还没有居民代表" in e.value.message
    db.session.add(RoleAssignment(resident_id=place["aunt"].id, unit_id=place["tree"]["b1"].id,
                                  role="representative"))
    db.session.commit()
    ballot = ballots.create_ballot(ballots.Draft(
        unit=place["tree"]["compound"], title="选方案", basis="resident",
        rule="representatives", options=["同意", "反对"],
        closes_at=clock.now() + timedelta(days=3)), place["worker"])
    assert ballot.eligible_heads == 1


def test_the_ballot_form_shows_the_missing_representatives_beside_the_rule(client, auth, place):
    auth.login(WORKER)
    page = client.get("/ballots/new").get_data(as_text=True)
    token = re.search(r'name="submit_token" type="hidden" value="([^"]+)"', page).group(1)
    closes = (clock.now() + timedelta(days=7) + timedelta(hours=8)).strftime("%Y-%m-%dT%H:%M")
    r = client.post("/ballots/new", data={
        "csrf_token": csrf(page), "submit_token": token, "title": "代表会议议一议",
        "unit_id": place["tree"]["compound"].id, "basis": "resident", "rule": "representatives",
        "options": "同意\n反对", "opens_at": "", "closes_at": closes, "channels": ["web"]})
    html = r.get_data(as_text=True)
    assert r.status_code == 422 and 'id="rule-error"' in html and "还没有居民代表" in html
    assert 'value="代表会议议一议"' in html

