"""Login, lockout, sessions and logout."""

from datetime import timedelta

import pytest

from community import clock
from community.audit.models import AuditLog
from community.extensions import db
from tests.conftest import AuthActions
from tests.factories import make_household, make_resident, make_tree


@pytest.fixture
def people(app):
    t = make_tree()
    hh = make_household(t["b1"])
    alice = make_resident(hh, name="甲", phone="13900000001", code="11111111")
    bob = make_resident(hh, name="乙", phone="13900000002", code="22222222")
    return alice, bob


def test_login_by_phone_and_by_code(client, auth, people):
    r = auth.login("13900000001", "135790")
    assert r.status_code == 303 and r.headers["Location"] == "/"
    assert "甲" in client.get("/").get_data(as_text=True)
    auth.logout()
    assert auth.login("22222222", "135790").status_code == 303
    assert "乙" in client.get("/me").get_data(as_text=True)


@pytest.mark.parametrize(("login", "pin", "message"), [
    ("", "135790", "请填写手机号或居民码"),
    ("abc", "135790", "手机号是11位数字"),
    ("13900000001", "", "请填写6位数字密码"),
    ("13900000001", "12", "密码是6位数字"),
    ("13900000001", "000000", "手机号、居民码或密码不对"),
    ("13999999999", "135790", "手机号、居民码或密码不对"),
])
def test_login_refused_with_message_and_typed_login_kept(auth, people, login, pin, message):
    r = auth.login(login, pin)
    html = r.get_data(as_text=True)
    assert r.status_code == 422
    assert message in html
    assert f'value="{login}"' in html or not login
    assert "135790" not in html  # the PIN is never echoed back


def test_ten_wrong_pins_lock_only_that_account(client, auth, people, monkeypatch):
    start = clock.now()
    monkeypatch.setattr(clock, "now", lambda: start)
    for _ in range(10):
        assert auth.login("13900000001", "999999").status_code == 422
    r = auth.login("13900000001", "135790")
    assert r.status_code == 422 and "已暂时锁定" in r.get_data(as_text=True)
    # Another resident on the same device still gets in.
    assert auth.login("13900000002", "135790").status_code == 303
    auth.logout()
    assert db.session.scalar(db.select(AuditLog).where(AuditLog.action == "account_locked"))
    monkeypatch.setattr(clock, "now", lambda: start + timedelta(minutes=15, seconds=1))
    assert auth.login("13900000001", "135790").status_code == 303


def test_nine_wrong_pins_do_not_lock_and_window_slides(auth, people, monkeypatch):
    start = clock.now()
    monkeypatch.setattr(clock, "now", lambda: start)
    for _ in range(9):
        auth.login("13900000001", "999999")
    monkeypatch.setattr(clock, "now", lambda: start + timedelta(minutes=16))
    auth.login("13900000001", "999999")  # old failures expired: this is number 1
    assert auth.login("13900000001", "135790").status_code == 303


def test_successful_logins_from_one_address_are_not_limited(app, people):
    """Carrier NAT: a whole building may log in from one address on a voting evening."""
    app.config["LOGIN_RATE_LIMIT"] = "3 per minute"
    for _ in range(6):
        client = app.test_client()
        assert AuthActions(client).login("13900000001", "135790").status_code == 303


def test_per_address_rate_limit(app, client, auth, people):
    app.config["LOGIN_RATE_LIMIT"] = "3 per minute"
    for _ in range(3):
        auth.login("13900000002", "999999")
    r = auth.login("13900000002", "135790")
    assert r.status_code == 429
    assert "Retry-After" in r.headers
    assert "操作太频繁" in r.get_data(as_text=True)


@pytest.mark.parametrize("target", ["https://evil.example/", "//evil.example", "/\\evil.example",
                                    "javascript:alert(1)", "http:/evil"])
def test_next_must_be_local(auth, people, target):
    r = auth.login("13900000001", "135790", next_url=target)
    assert r.headers["Location"] == "/"


def test_next_local_path_is_followed(auth, people):
    assert auth.login("13900000001", "135790", next_url="/me").headers["Location"] == "/me"


def test_session_is_new_after_login(client, auth, people):
    client.get("/login")
    with client.session_transaction() as s:
        s["planted"] = "x"
    auth.login("13900000001", "135790")
    with client.session_transaction() as s:
        assert "planted" not in s
        assert s["_user_id"]


def test_cookie_flags(client, auth, people):
    auth.login("13900000001", "135790")
    cookie = client.get_cookie("ysting")
    assert cookie.http_only and cookie.same_site == "Lax"


def test_logout_is_post_only(client, auth, people):
    auth.login("13900000001", "135790")
    assert client.get("/logout").status_code == 405
    assert auth.logout().status_code == 303
    assert client.get("/me").status_code == 303


def test_idle_session_expires_after_30_minutes(client, auth, people, monkeypatch):
    start = clock.now()
    monkeypatch.setattr(clock, "now", lambda: start)
    auth.login("13900000001", "135790")
    monkeypatch.setattr(clock, "now", lambda: start + timedelta(minutes=29))
    assert client.get("/me").status_code == 200
    monkeypatch.setattr(clock, "now", lambda: start + timedelta(minutes=58))
    assert client.get("/me").status_code == 200  # 29 min after the last request: still fine
    monkeypatch.setattr(clock, "now", lambda: start + timedelta(minutes=90))
    r = client.get("/me")
    assert r.status_code == 303 and "/login" in r.headers["Location"]


def test_the_session_cookie_is_signed_again_only_when_it_changes(client, auth, people,
                                                                  monkeypatch):
    """Idle time is tracked once a minute, not by re-signing the cookie on every request."""
    start = clock.now()
    monkeypatch.setattr(clock, "now", lambda: start)
    auth.login("13900000001", "135790")
    client.get("/me")  # its forms put a CSRF token in the session once
    monkeypatch.setattr(clock, "now", lambda: start + timedelta(seconds=30))
    assert "Set-Cookie" not in client.get("/me").headers
    monkeypatch.setattr(clock, "now", lambda: start + timedelta(seconds=61))
    assert "ysting=" in client.get("/me").headers["Set-Cookie"]  # the idle clock moved
    assert "Set-Cookie" not in client.get("/me").headers
    monkeypatch.setattr(clock, "now", lambda: start + timedelta(minutes=31))
    assert client.get("/me").status_code == 200  # 30 minutes after the last write: still in


def test_login_required_page_redirects_htmx_with_header(client, people):
    r = client.get("/me", headers={"HX-Request": "true"})
    assert r.status_code == 204 and r.headers["HX-Redirect"].startswith("/login")


def test_personal_pages_are_not_stored(client, auth, people):
    auth.login("13900000001", "135790")
    assert client.get("/me").headers["Cache-Control"] == "no-store"
    assert client.get("/").headers["Cache-Control"] == "no-store"
