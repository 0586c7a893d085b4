"""Door-to-door mode: assigned buildings only, visit log, typed text survives an expired
session, worker assignments, and on-behalf posting / assisted voting with JavaScript off."""

import re
from datetime import timedelta

import pytest

from community import clock
from community.audit.models import AuditLog
from community.extensions import db
from community.volunteer.models import Visit, VolunteerAssignment
from community.volunteer.service import served_buildings
from tests.conftest import AuthActions, csrf_token
from tests.factories import make_household, make_resident, make_tree

NOTE = "楼道灯坏了三个月，老人晚上不敢下楼。"


@pytest.fixture
def area(app):
    t = make_tree()
    h1 = make_household(t["b1"], "1单元101")
    h2 = make_household(t["b2"], "1单元201")
    amy = make_resident(h1, name="周阿姨", code="11111111")
    make_resident(h2, name="吴大爷", code="22222222")
    vol = make_resident(make_household(t["b1"]), name="志愿者", phone="13900000002",
                        roles=[("volunteer", t["compound"])])
    worker = make_resident(None, name="工作人员", phone="13900000003",
                           roles=[("worker", t["community"])])
    db.session.add(VolunteerAssignment(volunteer_id=vol.id, building_id=t["b1"].id,
                                       assigned_by_id=worker.id))
    db.session.commit()
    return {"t": t, "h1": h1, "h2": h2, "amy": amy, "vol": vol, "worker": worker}


def visit_form(client, household_id):
    html = client.get(f"/volunteer/households/{household_id}").get_data(as_text=True)
    token = re.search(r'name="submit_token" type="hidden" value="([^"]+)"', html).group(1)
    return {"csrf_token": csrf_token(html), "submit_token": token, "state": "revisit",
            "note": NOTE}


def test_served_buildings_are_the_assigned_ones_else_the_role_subtree(area):
    t = area["t"]
    assert [b.id for b in served_buildings(area["vol"])] == [t["b1"].id]
    other = make_resident(None, phone="13900000008", roles=[("volunteer", t["compound"])])
    assert {b.id for b in served_buildings(other)} == {t["b1"].id, t["b2"].id}
    assert served_buildings(area["worker"]) == []
    assert served_buildings(area["amy"]) == []


def test_only_assigned_households_are_visible(client, auth, area):
    auth.login("13900000002")
    html = client.get("/volunteer").get_data(as_text=True)
    assert "测试小区 1栋" in html and "2栋" not in html
    assert "共2户 · 已访0 · 需回访0 · 未访2" in html
    walk = client.get(f"/volunteer/buildings/{area['t']['b1'].id}")
    assert walk.status_code == 200 and "周阿姨" in walk.get_data(as_text=True)
    assert walk.headers["Cache-Control"] == "no-store"
    assert client.get(f"/volunteer/buildings/{area['t']['b2'].id}").status_code == 403
    assert client.get(f"/volunteer/households/{area['h2'].id}").status_code == 403
    r = client.post(f"/volunteer/households/{area['h2'].id}",
                    data={**visit_form(client, area["h1"].id)})
    assert r.status_code == 403
    assert client.get("/volunteer/households/99999").status_code == 404
    assert db.session.scalar(db.select(db.func.count(Visit.id))) == 0


def test_residents_without_the_role_get_403(client, auth, area):
    auth.login("11111111")
    assert client.get("/volunteer").status_code == 403
    assert client.get(f"/volunteer/households/{area['h1'].id}").status_code == 403


def test_a_visit_is_logged_once_and_shown(client, auth, area):
    auth.login("13900000002")
    data = visit_form(client, area["h1"].id)
    url = f"/volunteer/households/{area['h1'].id}"
    r = client.post(url, data=data)
    walk = f"/volunteer/buildings/{area['t']['b1'].id}"
    assert r.status_code == 303 and r.headers["Location"] == walk
    assert client.post(url, data=data).status_code == 303  # a retry on a weak signal
    visits = db.session.scalars(db.select(Visit)).all()
    assert len(visits) == 1 and visits[0].state == "revisit" and visits[0].note == NOTE
    assert db.session.scalar(db.select(AuditLog).where(AuditLog.action == "visit_logged"))
    page = client.get(url).get_data(as_text=True)
    assert NOTE in page and "需回访" in page
    assert "需回访" in client.get(f"/volunteer/buildings/{area['t']['b1'].id}").get_data(
        as_text=True)
    assert "需回访1" in client.get("/volunteer").get_data(as_text=True)


@pytest.mark.parametrize(("state", "note", "message"), [
    ("maybe", NOTE, "请选一项"),
    ("visited", "长" * 501, "最多500字"),
])
def test_invalid_visit_keeps_the_text(client, auth, area, state, note, message):
    auth.login("13900000002")
    data = {**visit_form(client, area["h1"].id), "state": state, "note": note}
    r = client.post(f"/volunteer/households/{area['h1'].id}", data=data)
    html = r.get_data(as_text=True)
    assert r.status_code == 422 and note in html
    assert message in html


def test_expired_session_keeps_the_typed_visit_and_saves_it_after_login(client, auth, area,
                                                                         monkeypatch):
    start = clock.now()
    monkeypatch.setattr(clock, "now", lambda: start)
    auth.login("13900000002")
    data = visit_form(client, area["h1"].id)
    monkeypatch.setattr(clock, "now", lambda: start + timedelta(minutes=45))
    url = f"/volunteer/households/{area['h1'].id}"
    r = client.post(url, data=data)
    html = r.get_data(as_text=True)
    assert r.status_code == 200 and "请重新登录" in html
    assert f'name="note" value="{NOTE}"' in html and 'name="state" value="revisit"' in html
    assert f'action="{url}"' in html
    assert db.session.scalar(db.select(db.func.count(Visit.id))) == 0
    carried = dict(re.findall(r'<input type="hidden" name="(\w+)" value="([^"]*)">', html))
    carried.update(login="13900000002", pin="000000")
    r = client.post(url, data=carried)  # a wrong PIN: still nothing lost
    assert r.status_code == 422 and NOTE in r.get_data(as_text=True)
    html = r.get_data(as_text=True)
    carried = dict(re.findall(r'<input type="hidden" name="(\w+)" value="([^"]*)">', html))
    carried.update(login="13900000002", pin="135790")
    r = client.post(url, data=carried)
    assert r.status_code == 303
    visit = db.session.scalar(db.select(Visit))
    assert visit.note == NOTE and visit.state == "revisit" and visit.volunteer_id == area["vol"].id


def test_lost_session_cookie_also_keeps_the_text(app, client, auth, area):
    auth.login("13900000002")
    data = visit_form(client, area["h1"].id)
    fresh = app.test_client()  # the phone dropped its cookies (browser restarted)
    url = f"/volunteer/households/{area['h1'].id}"
    r = fresh.post(url, data=data)
    html = r.get_data(as_text=True)
    assert r.status_code == 200 and f'name="note" value="{NOTE}"' in html
    carried = dict(re.findall(r'<input type="hidden" name="(\w+)" value="([^"]*)">', html))
    r = fresh.post(url, data={**carried, "login": "13900000002", "pin": "135790"})
    assert r.status_code == 303
    assert db.session.scalar(db.select(Visit.note)) == NOTE


def test_forged_relogin_without_csrf_saves_nothing(app, area):
    fresh = app.test_client()
    r = fresh.post(f"/volunteer/households/{area['h1'].id}",
                   data={"state": "visited", "note": NOTE, "login": "13900000002",
                         "pin": "135790"})
    assert r.status_code == 200 and "请重新登录" in r.get_data(as_text=True)
    assert db.session.scalar(db.select(db.func.count(Visit.id))) == 0


def test_someone_else_logging_in_gets_403(client, auth, area, monkeypatch):
    start = clock.now()
    monkeypatch.setattr(clock, "now", lambda: start)
    auth.login("13900000002")
    data = visit_form(client, area["h1"].id)
    monkeypatch.setattr(clock, "now", lambda: start + timedelta(minutes=45))
    url = f"/volunteer/households/{area['h1'].id}"
    html = client.post(url, data=data).get_data(as_text=True)
    carried = dict(re.findall(r'<input type="hidden" name="(\w+)" value="([^"]*)">', html))
    r = client.post(url, data={**carried, "login": "22222222", "pin": "135790"})
    assert r.status_code == 403
    assert db.session.scalar(db.select(db.func.count(Visit.id))) == 0


def test_worker_assigns_and_unassigns_buildings(client, auth, area):
    t = area["t"]
    auth.login("13900000002")
    assert client.get("/volunteer/assign").status_code == 403
    auth.logout()
    auth.login("13900000003")
    html = client.get("/volunteer/assign").get_data(as_text=True)
    assert "志愿者" in html and "测试小区 2栋" in html
    r = auth.post("/volunteer/assign", {"volunteer_id": area["vol"].id,
                                        "building_id": t["b2"].id})
    assert r.status_code == 303
    assert {b.id for b in served_buildings(area["vol"])} == {t["b1"].id, t["b2"].id}
    r = auth.post("/volunteer/assign", {"volunteer_id": area["vol"].id,
                                        "building_id": t["b2"].id})
    assert r.status_code == 422 and "已经负责这个楼栋" in r.get_data(as_text=True)
    row = db.session.scalar(db.select(VolunteerAssignment).where(
        VolunteerAssignment.building_id == t["b2"].id))
    r = auth.post(f"/volunteer/assignments/{row.id}/delete", token_from="/volunteer/assign")
    assert r.status_code == 303
    assert [b.id for b in served_buildings(area["vol"])] == [t["b1"].id]
    assert db.session.scalar(db.select(AuditLog).where(AuditLog.action == "volunteer_unassigned"))


def test_worker_cannot_assign_outside_their_units_or_the_volunteers_area(app, area):
    other = make_tree("外")
    make_resident(None, phone="13900000009", roles=[("worker", other["community"])])
    c = app.test_client()
    a = AuthActions(c)
    a.login("13900000009")
    r = a.post("/volunteer/assign", {"volunteer_id": area["vol"].id,
                                     "building_id": area["t"]["b2"].id})
    assert r.status_code == 422  # neither is a choice for this worker
    far = make_resident(None, phone="13900000007", roles=[("volunteer", other["b1"])])
    a.logout()
    a.login("13900000003")
    wide = make_tree("远")
    make_resident(None, phone="13900000006", roles=[("worker", wide["street"])])
    a.logout()
    a.login("13900000006")
    r = a.post("/volunteer/assign", {"volunteer_id": far.id, "building_id": wide["b1"].id})
    assert r.status_code == 422
    assert db.session.scalar(db.select(db.func.count(VolunteerAssignment.id))) == 1


def test_household_links_to_post_for_the_resident(app, client, auth, area):
    from community.issues.models import Issue
    auth.login("13900000002")
    html = client.get(f"/volunteer/households/{area['h1'].id}").get_data(as_text=True)
    link = f'/issues/new?for={area["amy"].id}'
    assert f'href="{link}"' in html
    form = client.get(link)
    assert form.status_code == 200
    html = form.get_data(as_text=True)
    unit = re.search(r'name="unit_id" type="radio" value="(\d+)"', html).group(1)
    token = re.search(r'name="submit_token" type="hidden" value="([^"]+)"', html).group(1)
    r = client.post(link, data={"csrf_token": csrf_token(html), "title": "楼道灯坏了",
                                "body": NOTE, "unit_id": unit, "channel": "visit",
                                "submit_token": token})
    assert r.status_code == 303
    issue = db.session.scalar(db.select(Issue).where(Issue.title == "楼道灯坏了"))
    assert issue.author_id == area["amy"].id and issue.submitted_by_id == area["vol"].id
    assert issue.channel == "visit"


def test_volunteer_helps_a_resident_vote_without_javascript(app, client, auth, area):
    from community.ballots.models import Participation
    from tests.ballot_factories import make_ballot
    ballot = make_ballot(area["t"]["compound"], actor=area["worker"])
    amy = area["amy"]
    auth.login("13900000002")
    html = client.get(f"/volunteer/households/{area['h1'].id}").get_data(as_text=True)
    link = f"/ballots/{ballot.id}/assist/{amy.id}"
    assert f'href="{link}"' in html and "协助周阿姨投票：测试表决" in html
    html = client.get(link).get_data(as_text=True)
    option = re.search(r'<input[^>]*name="option"[^>]*value="([^"]+)"', html).group(1)
    r = client.post(link, data={"csrf_token": csrf_token(html), "option": option})
    html = r.get_data(as_text=True)
    assert r.status_code == 200 and "确认投票" in html
    ticket = re.search(r'name="ticket"[^>]*value="([^"]+)"', html).group(1)
    r = client.post(link, data={"csrf_token": csrf_token(html), "option": option,
                                "ticket": ticket, "pin": "135790", "witness_id": "0",
                                "confirmed": "1"})
    assert r.status_code == 303
    done = db.session.scalar(db.select(Participation).where(Participation.resident_id == amy.id))
    assert done.channel == "visit"
    html = client.get(f"/volunteer/households/{area['h1'].id}").get_data(as_text=True)
    assert link not in html  # nothing left to help with


def test_demo_volunteer_has_the_four_buildings_of_chuanchai_yiqu(demo):
    names = [b.name for b in served_buildings(demo.logins["volunteer"])]
    assert sorted(names) == ["1栋", "2栋", "3栋", "4栋"]
    assert db.session.scalar(db.select(db.func.count(Visit.id))) >= 3


def test_no_on_behalf_links_on_ones_own_household(client, auth, area):
    auth.login("13900000002")
    own = area["vol"].memberships[0].household_id
    html = client.get(f"/volunteer/households/{own}").get_data(as_text=True)
    assert "提议题" not in html and "协助" not in html
