"""Kiosk mode: device registration, keypad login without JS, 60 s idle logout, no-store."""

import hashlib
import re
from datetime import timedelta

import pytest

from community import clock
from community.audit.models import AuditLog
from community.extensions import db
from community.kiosk import keypad
from community.kiosk.models import KioskDevice
from community.web import current_channel
from tests.conftest import csrf_token
from tests.factories import make_household, make_resident, make_tree

REFRESH = '<meta http-equiv="refresh" content="60; url=/kiosk">'


@pytest.fixture
def people(app):
    t = make_tree()
    hh = make_household(t["b1"])
    alice = make_resident(hh, name="甲", phone="13900000001", code="11111111")
    bob = make_resident(make_household(t["b1"]), name="乙", code="22222222")
    worker = make_resident(None, name="工作人员", phone="13900000003",
                           roles=[("worker", t["community"])])
    return {"tree": t, "alice": alice, "bob": bob, "worker": worker}


def register(client, auth, people, name="一楼大厅"):
    """A worker makes this test client's browser a kiosk."""
    auth.login("13900000003")
    return auth.post("/kiosk/register",
                     {"name": name, "unit_id": people["tree"]["community"].id})


@pytest.fixture
def kiosk(client, auth, people):
    r = register(client, auth, people)
    assert r.status_code == 303 and r.headers["Location"] == "/kiosk"
    return client


def press(client, html, **data):
    """Press a key (or submit) on the keypad form rendered in html."""
    data.setdefault("csrf_token", csrf_token(html))
    return client.post("/kiosk/login" + data.pop("query", ""), data=data)


def keypad_login(client, code="11111111", pin="135790", query=""):
    """Log in by pressing the on-screen keys only, as without JavaScript."""
    html = client.get("/kiosk/login").get_data(as_text=True)
    for d in code:
        html = press(client, html, step="code", code=_value(html), key=d).get_data(as_text=True)
    html = press(client, html, step="code", code=code, key="ok").get_data(as_text=True)
    for d in pin:
        r = press(client, html, step="pin", code=code, key=d)
        html = r.get_data(as_text=True)
        assert pin not in html and f'value="{d}"' not in html.split('class="keypad"')[0]
    return press(client, html, step="pin", code=code, key="ok", query=query)


def _value(html):
    m = re.search(r'id="code"[^>]*value="(\d*)"|value="(\d*)"[^>]*id="code"', html)
    return (m.group(1) or m.group(2) or "") if m else ""


def test_register_is_worker_only(client, auth, people):
    assert client.get("/kiosk/register").status_code == 303  # log in first
    auth.login("13900000001")
    assert client.get("/kiosk/register").status_code == 403
    r = client.post("/kiosk/register", data={"name": "x", "unit_id": people["tree"]["b1"].id,
                                             "csrf_token": auth.token("/")})
    assert r.status_code == 403
    assert client.get("/kiosk/devices").status_code == 403
    assert db.session.scalar(db.select(db.func.count(KioskDevice.id))) == 0


def test_register_sets_device_cookie_and_keeps_only_its_hash(client, auth, people):
    r = register(client, auth, people)
    assert r.status_code == 303
    cookie = client.get_cookie("kiosk")
    assert cookie.http_only and cookie.same_site == "Lax" and cookie.path == "/"
    assert len(cookie.value) >= 40
    assert cookie.expires.replace(tzinfo=None) - clock.now() > timedelta(days=360)
    device = db.session.scalar(db.select(KioskDevice))
    assert device.token_hash == hashlib.sha256(cookie.value.encode()).hexdigest()
    assert cookie.value not in device.token_hash
    assert db.session.scalar(db.select(AuditLog).where(AuditLog.action == "kiosk_registered"))
    # The worker was logged out: this browser is now a public kiosk.
    r = client.get("/me")
    assert r.status_code == 303 and r.headers["Location"].startswith("/kiosk/login")


def test_start_screen_has_four_big_buttons(kiosk, app):
    html = kiosk.get("/kiosk").get_data(as_text=True)
    for label in ("投票", "提议题", "看会议", "看公告"):
        assert label in html
    tiles = html.split('class="tiles"')[1].split("</ul>")[0]
    assert tiles.count("<li>") == 4
    for url in ("/ballots", "/issues/new", "/meetings", "/board"):
        assert f'href="{url}' in tiles
    assert 'href="/kiosk/login"' in html


def test_keypad_login_without_javascript(kiosk, people):
    html = kiosk.get("/kiosk/login").get_data(as_text=True)
    assert 'autocomplete="off"' in html and 'class="keypad"' in html
    assert 'name="key" value="7"' in html
    r = press(kiosk, html, step="code", code="1111", key="1")
    assert 'value="11111"' in r.get_data(as_text=True)  # the typed digits are kept
    r = press(kiosk, html, step="code", code="11111", key="del")
    assert 'value="1111"' in r.get_data(as_text=True)
    r = keypad_login(kiosk)
    assert r.status_code == 303 and r.headers["Location"] == "/kiosk"
    html = kiosk.get("/kiosk").get_data(as_text=True)
    assert "甲，您好" in html and 'action="/kiosk/logout"' in html
    with kiosk.session_transaction() as s:
        assert s["kiosk_device"] and s["_user_id"] == people["alice"].get_id()
        assert keypad.SESSION_KEY not in s  # the typed PIN is gone


def test_pin_shows_as_dots_and_is_never_in_the_page(kiosk):
    html = kiosk.get("/kiosk/login").get_data(as_text=True)
    html = press(kiosk, html, step="code", code="11111111", key="ok").get_data(as_text=True)
    assert 'type="password"' in html and 'value="11111111"' in html
    for d in "135":
        html = press(kiosk, html, step="pin", code="11111111", key=d).get_data(as_text=True)
    assert "●●●○○○" in html and "已输入3位" in html
    assert "135" not in re.sub(r'name="csrf_token"[^>]*>', "", html)


def test_plain_numeric_fields_work_without_the_keypad(kiosk):
    html = kiosk.get("/kiosk/login").get_data(as_text=True)
    r = press(kiosk, html, step="code", code="1111 1111")  # Enter in the field: no key
    html = r.get_data(as_text=True)
    assert r.status_code == 200 and 'name="step" type="hidden" value="pin"' in html
    r = press(kiosk, html, step="pin", code="11111111", pin="135790")
    assert r.status_code == 303


@pytest.mark.parametrize(("step", "code", "pin", "message"), [
    ("code", "12", "", "居民码是凭条上的8位数字"),
    ("pin", "11111111", "123", "密码是6位数字"),
    ("pin", "11111111", "000000", "居民码或密码不对"),
    ("pin", "99999999", "135790", "居民码或密码不对"),
])
def test_keypad_errors(kiosk, step, code, pin, message):
    html = kiosk.get("/kiosk/login").get_data(as_text=True)
    r = press(kiosk, html, step=step, code=code, pin=pin, key="ok")
    page = r.get_data(as_text=True)
    assert r.status_code == 422 and message in page
    assert not pin or f'value="{pin}"' not in page


def test_keys_are_not_rate_limited_but_attempts_are(app, kiosk):
    app.config["LOGIN_RATE_LIMIT"] = "3 per minute"
    html = kiosk.get("/kiosk/login").get_data(as_text=True)
    for _ in range(6):
        assert press(kiosk, html, step="code", code="1", key="1").status_code == 200
    for _ in range(3):
        assert press(kiosk, html, step="pin", code="11111111", pin="000000",
                     key="ok").status_code == 422
    assert press(kiosk, html, step="pin", code="11111111", pin="135790",
                 key="ok").status_code == 429


def test_kiosk_session_dies_with_the_browser(kiosk):
    keypad_login(kiosk)
    assert kiosk.get_cookie("ysting").expires is None
    with kiosk.session_transaction() as s:
        assert not s.permanent


def test_logout_after_60_seconds_idle(kiosk, monkeypatch):
    start = clock.now()
    monkeypatch.setattr(clock, "now", lambda: start)
    keypad_login(kiosk)
    page = kiosk.get("/me")
    assert page.status_code == 200 and REFRESH in page.get_data(as_text=True)
    monkeypatch.setattr(clock, "now", lambda: start + timedelta(seconds=55))
    assert kiosk.get("/me").status_code == 200  # a touch: the minute starts again
    monkeypatch.setattr(clock, "now", lambda: start + timedelta(seconds=110))
    assert kiosk.get("/kiosk/ping").status_code == 204  # kiosk.js: someone is touching
    monkeypatch.setattr(clock, "now", lambda: start + timedelta(seconds=172))
    r = kiosk.get("/me")
    assert r.status_code == 303 and r.headers["Location"] == "/kiosk/login?next=/me"
    with kiosk.session_transaction() as s:
        assert "_user_id" not in s and s["kiosk_device"]


def test_meta_refresh_and_countdown_script_only_where_needed(kiosk):
    start = kiosk.get("/kiosk").get_data(as_text=True)
    assert REFRESH not in start  # nothing personal on the empty start screen
    login = kiosk.get("/kiosk/login").get_data(as_text=True)
    assert f"<noscript>{REFRESH}</noscript>" in login  # typed digits vanish after a minute
    keypad_login(kiosk)
    html = kiosk.get("/kiosk").get_data(as_text=True)
    assert REFRESH in html
    assert re.search(r'<script src="/assets/kiosk\.[0-9a-f]{10}\.js" defer data-idle="60" '
                     r'data-exit="/kiosk/logout" data-ping="/kiosk/ping"></script>', html)
    assert "htmx-2" not in html  # no htmx history cache of one resident's pages at a kiosk
    assert "<script>" not in html


def test_every_kiosk_response_is_no_store(kiosk, people):
    for url in ("/kiosk", "/kiosk/login", "/login", "/", "/no-such-page"):
        assert kiosk.get(url).headers["Cache-Control"] == "no-store", url
    keypad_login(kiosk)
    for url in ("/kiosk", "/me", "/"):
        assert kiosk.get(url).headers["Cache-Control"] == "no-store", url
    html = kiosk.get("/").get_data(as_text=True)
    css = re.search(r'href="(/assets/site\.[0-9a-f]+\.css)"', html).group(1)
    assert "immutable" in kiosk.get(css).headers["Cache-Control"]  # no one's data in it


def test_next_resident_cannot_see_the_previous_ones_pages(kiosk, people):
    keypad_login(kiosk)
    assert "甲" in kiosk.get("/me").get_data(as_text=True)
    html = kiosk.get("/me").get_data(as_text=True)
    assert 'action="/kiosk/logout"' in html  # 退出 on every screen
    r = kiosk.post("/kiosk/logout", data={"csrf_token": csrf_token(html)})
    assert r.status_code == 303 and r.headers["Location"] == "/kiosk"
    for url in ("/me", "/issues", "/ballots"):
        r = kiosk.get(url)
        if r.status_code != 404:
            assert r.status_code == 303 and r.headers["Location"].startswith("/kiosk/login")
    assert "甲" not in kiosk.get("/kiosk").get_data(as_text=True)
    with kiosk.session_transaction() as s:
        assert set(s) <= {"kiosk_device", "_flashes", "csrf_token", "_fresh"}
    keypad_login(kiosk, code="22222222")
    html = kiosk.get("/me").get_data(as_text=True)
    assert "乙" in html and "甲" not in html


def test_logout_works_even_after_the_session_expired(kiosk):
    keypad_login(kiosk)
    r = kiosk.post("/kiosk/logout", data={"csrf_token": "stale"})
    assert r.status_code == 303 and r.headers["Location"] == "/kiosk"
    assert kiosk.get("/me").status_code == 303


def test_after_login_the_page_asked_for_is_shown(kiosk):
    r = kiosk.get("/me")
    assert r.headers["Location"] == "/kiosk/login?next=/me"
    r = keypad_login(kiosk, query="?next=/me")
    assert r.headers["Location"] == "/me"


def test_kiosk_channel_is_recorded(app, kiosk, people):
    with app.test_request_context("/"):
        assert current_channel() == "web"
        from flask import session
        session["kiosk_device"] = 1
        assert current_channel() == "kiosk"
    from community.issues.models import Issue
    keypad_login(kiosk)
    html = kiosk.get("/issues/new").get_data(as_text=True)
    unit = re.search(r'name="unit_id" type="radio" value="(\d+)"', html).group(1)
    token = re.search(r'name="submit_token" type="hidden" value="([^"]+)"', html).group(1)
    r = kiosk.post("/issues/new", data={"csrf_token": csrf_token(html), "title": "楼道灯坏了",
                                        "body": "", "unit_id": unit, "submit_token": token})
    assert r.status_code == 303
    assert db.session.scalar(db.select(Issue.channel).where(Issue.title == "楼道灯坏了")) == "kiosk"


def test_unregistered_browser_gets_the_normal_login(client, people):
    r = client.get("/kiosk/login?next=/me")
    assert r.status_code == 303 and r.headers["Location"] == "/login?next=/me"
    html = client.get("/kiosk").get_data(as_text=True)
    assert "还没有登记为自助终端" in html and REFRESH not in html


def test_revoked_device_stops_being_a_kiosk(app, kiosk, auth, people):
    other = app.test_client()
    from tests.conftest import AuthActions
    worker = AuthActions(other)
    worker.login("13900000003")
    html = other.get("/kiosk/devices").get_data(as_text=True)
    assert "一楼大厅" in html and "使用中" in html
    device = db.session.scalar(db.select(KioskDevice))
    r = worker.post(f"/kiosk/devices/{device.id}/revoke", token_from="/kiosk/devices")
    assert r.status_code == 303
    assert "已停用" in other.get("/kiosk/devices").get_data(as_text=True)
    r = kiosk.get("/kiosk")
    assert "还没有登记为自助终端" in r.get_data(as_text=True)
    assert kiosk.get_cookie("kiosk") is None
    assert kiosk.get("/kiosk/login").headers["Location"].startswith("/login")


def test_a_worker_of_another_unit_cannot_revoke(app, kiosk, people):
    other_tree = make_tree("外")
    make_resident(None, phone="13900000009", roles=[("worker", other_tree["community"])])
    from tests.conftest import AuthActions
    c = app.test_client()
    a = AuthActions(c)
    a.login("13900000009")
    device = db.session.scalar(db.select(KioskDevice))
    assert "一楼大厅" not in c.get("/kiosk/devices").get_data(as_text=True)
    r = a.post(f"/kiosk/devices/{device.id}/revoke", token_from="/kiosk/devices")
    assert r.status_code == 403


@pytest.mark.parametrize(("entry", "key", "after", "attempt"), [
    (keypad.Entry("code", "123", ""), "4", keypad.Entry("code", "1234", ""), False),
    (keypad.Entry("code", "123", ""), "del", keypad.Entry("code", "12", ""), False),
    (keypad.Entry("code", "123", ""), "clear", keypad.Entry("code", "", ""), False),
    (keypad.Entry("code", "123", ""), "ok", keypad.Entry("code", "123", "", "code"), False),
    (keypad.Entry("code", "12345678", ""), None, keypad.Entry("pin", "12345678", ""), False),
    (keypad.Entry("pin", "12345678", "12345"), "6",
     keypad.Entry("pin", "12345678", "123456"), False),
    (keypad.Entry("pin", "12345678", "123456"), "7",
     keypad.Entry("pin", "12345678", "123456"), False),
    (keypad.Entry("pin", "12345678", "123456"), "ok",
     keypad.Entry("pin", "12345678", "123456"), True),
    (keypad.Entry("pin", "12345678", "12"), "ok", keypad.Entry("pin", "12345678", "12", "pin"),
     False),
    (keypad.Entry("pin", "12345678", "12"), "back", keypad.Entry("code", "12345678", ""), False),
])
def test_keypad_rules(entry, key, after, attempt):
    assert keypad.press(entry, key) == (after, attempt)


def test_meeting_check_in_with_the_resident_code(app, kiosk, people):
    from community.meetings import service as meetings
    from community.meetings.models import Attendance, Body
    body = Body(unit=people["tree"]["community"], name="议事协商委员会", kind="committee",
                quorum="2/3")
    db.session.add(body)
    db.session.commit()
    start = clock.now().replace(microsecond=0) + timedelta(minutes=10)
    meeting = meetings.schedule(body, meetings.Plan(
        title="周周碰", kind="regular", starts_at=start, ends_at=start + timedelta(hours=1),
        mode="onsite", place="党群服务中心", agenda=["晾衣架"]), people["worker"], None)
    assert 'href="/kiosk/checkin"' in kiosk.get("/kiosk").get_data(as_text=True)
    html = kiosk.get("/kiosk/checkin").get_data(as_text=True)
    assert "周周碰" in html and 'autocomplete="off"' in html and "data-add-keypad" in html
    base = {"csrf_token": csrf_token(html), "meeting_id": meeting.id}
    wrong = "0000" if meeting.code != "0000" else "1111"
    r = kiosk.post("/kiosk/checkin", data={**base, "who": "11111111", "code": wrong})
    assert r.status_code == 422 and "签到码不对" in r.get_data(as_text=True)
    r = kiosk.post("/kiosk/checkin", data={**base, "who": "99999999", "code": meeting.code})
    assert r.status_code == 422 and "没有这个手机号或居民码" in r.get_data(as_text=True)
    r = kiosk.post("/kiosk/checkin", data={**base, "who": "11111111", "code": meeting.code})
    assert r.status_code == 303 and r.headers["Location"] == "/kiosk"
    assert "甲 签到成功" in kiosk.get("/kiosk").get_data(as_text=True)
    row = db.session.scalar(db.select(Attendance).where(Attendance.meeting_id == meeting.id))
    assert row.resident_id == people["alice"].id
    with kiosk.session_transaction() as s:
        assert "_user_id" not in s  # checking in logs no one in


def test_check_in_only_at_a_kiosk(client, people):
    assert client.get("/kiosk/checkin").status_code == 404
