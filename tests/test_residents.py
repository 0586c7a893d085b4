"""Staff resident search and PIN reset with a printable slip."""

import re
from datetime import timedelta

import pytest

from community import clock
from community.audit.models import AuditLog
from community.extensions import db
from community.residents.models import Resident
from tests.conftest import AuthActions
from tests.factories import make_household, make_resident, make_tree

SLIP_PIN = re.compile(r'<span class="digits">(\d{6})</span>')


@pytest.fixture
def place(app):
    t = make_tree()
    hh = make_household(t["b1"], "2单元501")
    aunt = make_resident(hh, name="王秀英", phone="13900000011", code="41000001")
    worker = make_resident(make_household(t["b2"], "1单元101"), name="社工",
                           phone="13700000001", roles=[("worker", t["community"])])
    return {"tree": t, "aunt": aunt, "worker": worker}


def reset_url(resident) -> str:
    return f"/residents/{resident.id}/reset-pin"


def fresh(resident) -> Resident:
    db.session.commit()  # see what the request committed
    return db.session.get(Resident, resident.id)


@pytest.mark.parametrize("query", ["王秀英", "秀英", "2单元501", "1栋2单元501", "13900000011",
                                   "41000001"])
def test_worker_finds_resident_by_name_address_phone_or_code(client, auth, place, query):
    auth.login("13700000001")
    r = client.get("/residents/", query_string={"q": query})
    html = r.get_data(as_text=True)
    assert r.status_code == 200 and r.headers["Cache-Control"] == "no-store"
    assert "王秀英" in html and reset_url(place["aunt"]) in html


def test_search_needs_input(client, auth, place):
    auth.login("13700000001")
    r = client.get("/residents/", query_string={"q": ""})
    assert r.status_code == 422 and "请输入要找的内容" in r.get_data(as_text=True)
    assert client.get("/residents/").status_code == 200  # the empty form, no search yet


def test_search_finds_only_residents_of_the_workers_units(client, auth, place):
    other = make_tree("外")
    make_resident(make_household(other["b1"]), name="王秀英", phone="13900000012")
    make_resident(make_household(other["b1"]), phone="13700000002",
                  roles=[("worker", other["community"])])
    auth.login("13700000002")
    html = client.get("/residents/", query_string={"q": "王秀英"}).get_data(as_text=True)
    assert "找到 1 人" in html and reset_url(place["aunt"]) not in html


def test_get_shows_a_confirmation_and_changes_nothing(client, auth, place):
    before = place["aunt"].pin_hash
    auth.login("13700000001")
    r = client.get(reset_url(place["aunt"]))
    html = r.get_data(as_text=True)
    assert r.status_code == 200 and "重设 王秀英 的密码" in html
    assert 'method="post"' in html and not SLIP_PIN.search(html)
    assert fresh(place["aunt"]).pin_hash == before
    assert not db.session.scalar(db.select(AuditLog).where(AuditLog.action == "pin_reset"))


def test_reset_shows_slip_old_pin_fails_new_pin_works(client, auth, place):
    auth.login("13700000001")
    r = auth.post(reset_url(place["aunt"]))
    html = r.get_data(as_text=True)
    assert r.status_code == 200 and r.headers["Cache-Control"] == "no-store"
    pins = SLIP_PIN.findall(html)
    assert len(pins) == 1 and "41000001" in html and "1栋2单元501" in html
    audit = db.session.scalar(db.select(AuditLog).where(AuditLog.action == "pin_reset"))
    assert audit.actor_id == place["worker"].id and audit.object_id == place["aunt"].id
    assert pins[0] not in audit.detail
    auth.logout()
    assert auth.login("13900000011", "135790").status_code == 422
    assert auth.login("13900000011", pins[0]).status_code == 303


def test_reset_unlocks_a_locked_account(client, auth, place):
    aunt = fresh(place["aunt"])
    aunt.locked_until = clock.now() + timedelta(minutes=10)
    aunt.pin_failures = 3
    db.session.commit()
    assert "已暂时锁定" in auth.login("41000001", "135790").get_data(as_text=True)
    auth.login("13700000001")
    pin = SLIP_PIN.findall(auth.post(reset_url(aunt)).get_data(as_text=True))[0]
    aunt = fresh(aunt)
    assert aunt.locked_until is None and aunt.pin_failures == 0
    auth.logout()
    assert auth.login("41000001", pin).status_code == 303


def test_worker_of_another_community_gets_403(client, auth, place):
    other = make_tree("外")
    make_resident(make_household(other["b1"]), phone="13700000002",
                  roles=[("worker", other["community"])])
    before = place["aunt"].pin_hash
    auth.login("13700000002")
    assert client.get(reset_url(place["aunt"])).status_code == 403
    assert auth.post(reset_url(place["aunt"]), token_from="/residents/").status_code == 403
    assert fresh(place["aunt"]).pin_hash == before


def test_resident_gets_403(client, auth, place):
    make_resident(make_household(place["tree"]["b1"]), phone="13900000099")
    auth.login("13900000099")
    assert client.get("/residents/", query_string={"q": "王"}).status_code == 403
    assert client.get(reset_url(place["aunt"])).status_code == 403
    assert auth.post(reset_url(place["aunt"]), token_from="/").status_code == 403
    assert not db.session.scalar(db.select(AuditLog).where(AuditLog.action == "pin_reset"))


def test_anonymous_is_sent_to_login(client, place):
    r = client.get(reset_url(place["aunt"]))
    assert r.status_code == 303 and r.headers["Location"].startswith("/login")


def test_unknown_resident_is_404(client, auth, place):
    auth.login("13700000001")
    assert client.get("/residents/99999/reset-pin").status_code == 404


def test_reset_without_csrf_rerenders_confirmation(client, auth, place):
    before = place["aunt"].pin_hash
    auth.login("13700000001")
    r = client.post(reset_url(place["aunt"]))
    html = r.get_data(as_text=True)
    assert r.status_code == 422 and "页面停留太久已过期" in html and not SLIP_PIN.search(html)
    assert fresh(place["aunt"]).pin_hash == before


def test_reset_logs_the_resident_out_everywhere(app, client, auth, place):
    """Whoever is logged in as the resident (a phone left at a neighbour's) is out after a reset."""
    phone = app.test_client()
    AuthActions(phone).login("13900000011", "135790")
    assert phone.get("/me").status_code == 200
    auth.login("13700000001")
    auth.post(reset_url(place["aunt"]))
    assert phone.get("/me").status_code == 303
    assert client.get("/residents/").status_code == 200  # the worker who reset stays in
