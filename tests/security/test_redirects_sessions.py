"""Open redirects through `next`, session fixation, cookie flags, PIN lockout, rate limits."""

import re
from datetime import timedelta
from urllib.parse import quote, urljoin, urlsplit

import pytest

from community import clock
from community.extensions import db, limiter
from community.residents.models import Resident
from tests.conftest import csrf_token
from tests.security.site import PIN

# Every way a `next` value has been used to leave a site (OWASP, warehouse's tests, browsers
# that strip tabs and newlines and read a backslash as a slash).
HOSTILE_NEXT = [
    "https://evil.example/", "http://evil.example", "//evil.example", "///evil.example",
    "////evil.example/x", "/\\evil.example", "\\\\evil.example", "\\/evil.example",
    "/\\/evil.example", "https:evil.example", "https:/evil.example", "http:/\\evil.example",
    "javascript:alert(1)", "JaVaScRiPt:alert(1)", "data:text/html,<script>alert(1)</script>",
    "/\t/evil.example", "/\n/evil.example", "/\r/evil.example", " //evil.example",
    "\t//evil.example", "/%09/evil.example", "%2F%2Fevil.example", "/%2F/evil.example",
    "/%5Cevil.example", "https://localhost@evil.example/", "//localhost@evil.example",
    "//evil.example\\@localhost", "evil.example", ".evil.example", "@evil.example",
    "/\u3002evil.example", "//evil。example", "\u2215\u2215evil.example",
    "//\u200bevil.example", "/\x00/evil.example",
]


def leaves_site(location: str) -> bool:
    """True when a browser following this Location would leave the site (or run script)."""
    # Browsers drop tabs and newlines, read "\" as "/", and trim leading spaces and controls.
    loc = re.sub(r"[\t\n\r]", "", location).replace("\\", "/").lstrip(" \x00-\x1f")
    if re.match(r"(?i)\s*(javascript|data|vbscript):", loc):
        return True
    target = urlsplit(urljoin("http://localhost/login", loc))
    return target.hostname != "localhost" or target.scheme != "http"


def _login(client, phone="13800000001", pin=PIN, next_url=None, quoted=True):
    query = f"?next={quote(next_url) if quoted else next_url}" if next_url is not None else ""
    token = csrf_token(client.get("/login" + query).get_data(as_text=True))
    return client.post("/login" + query, data={"login": phone, "pin": pin,
                                               "csrf_token": token})


@pytest.mark.parametrize("target", HOSTILE_NEXT)
def test_login_never_redirects_off_site(site, target):
    r = _login(site.client(), next_url=target)
    assert r.status_code in (303, 400)  # 400: a NUL character, refused outright
    assert not leaves_site(r.headers.get("Location", "")), r.headers["Location"]


def test_unquoted_next_values_are_refused_too(site):
    for target in ("//evil.example", "https://evil.example", "/\\evil.example"):
        r = _login(site.client(), next_url=target, quoted=False)
        assert r.status_code == 303 and not leaves_site(r.headers["Location"]), target


def test_local_next_is_followed(site):
    r = _login(site.client(), next_url="/issues?mine=1")
    assert r.headers["Location"] == "/issues?mine=1"


@pytest.mark.parametrize("target", HOSTILE_NEXT)
def test_other_next_forms_never_redirect_off_site(site, target):
    """The elder-mode switch (a form field) and the kiosk login (a query string)."""
    c = site.client("resident")
    r = c.post("/elder", data={"next": target, "csrf_token": site.tokens["resident"]})
    assert r.status_code in (303, 400) and not leaves_site(r.headers.get("Location", ""))
    r = site.client("resident").get("/kiosk/login?next=" + quote(target))
    assert r.status_code in (303, 400) and not leaves_site(r.headers.get("Location", ""))
    kiosk = site.client("kiosk")
    html = kiosk.get("/kiosk/login").get_data(as_text=True)
    r = kiosk.post("/kiosk/login?next=" + quote(target), data={
        "csrf_token": csrf_token(html), "step": "pin", "code": site.ids["elector_code"],
        "pin": PIN, "key": "ok"})
    assert r.status_code in (303, 400) and not leaves_site(r.headers.get("Location", ""))


def test_login_redirect_keeps_next_local(site):
    r = site.client().get("/issues?q=" + quote("//evil.example"))
    assert r.status_code == 303 and not leaves_site(r.headers["Location"])
    assert r.headers["Location"].startswith("/login?next=")


def _session(client, app):
    cookie = client.get_cookie(app.config["SESSION_COOKIE_NAME"])
    return cookie.value if cookie else None


def test_login_starts_a_new_session(site):
    """Nothing planted before login survives it; the cookie and the CSRF secret change."""
    c = site.client()
    c.get("/login")
    with c.session_transaction() as s:
        s["planted"] = "by an attacker"
        before_csrf = s["csrf_token"]
    before = _session(c, site.app)
    r = _login(c)
    assert r.status_code == 303
    after = _session(c, site.app)
    assert after and after != before
    with c.session_transaction() as s:
        assert "planted" not in s
        assert s.get("csrf_token") != before_csrf
        assert s["_user_id"].split("-")[0] == str(site.ids["logins"]["resident"])
    # The cookie from before the login is still anonymous.
    old = site.app.test_client()
    old.set_cookie(site.app.config["SESSION_COOKIE_NAME"], before)
    assert old.get("/me").status_code == 303


def test_logout_forgets_the_session(site):
    c = site.client()
    _login(c)
    token = csrf_token(c.get("/").get_data(as_text=True))
    r = c.post("/logout", data={"csrf_token": token})
    assert r.status_code == 303
    with c.session_transaction() as s:
        assert "_user_id" not in s and "csrf_token" not in s
    assert c.get("/me").status_code == 303



def test_a_copied_cookie_dies_with_logout(site):
    c = site.client()
    _login(c)
    stolen = _session(c, site.app)
    c.post("/logout", data={"csrf_token": csrf_token(c.get("/").get_data(as_text=True))})
    thief = site.app.test_client()
    thief.set_cookie(site.app.config["SESSION_COOKIE_NAME"], stolen)
    assert thief.get("/me").status_code == 303
    again = site.app.test_client()  # logging in again works, with a new cookie
    _login(again)
    assert again.get("/me").status_code == 200
    assert thief.get("/me").status_code == 303


def test_cookies_are_httponly_and_samesite(site):
    c = site.client()
    r = _login(c)
    cookies = r.headers.getlist("Set-Cookie")
    session = [h for h in cookies if h.startswith(site.app.config["SESSION_COOKIE_NAME"] + "=")]
    assert session and all("HttpOnly" in h and "SameSite=Lax" in h for h in session)
    r = c.post("/elder", data={"csrf_token": csrf_token(c.get("/").get_data(as_text=True))})
    elder = [h for h in r.headers.getlist("Set-Cookie") if h.startswith("elder=")]
    assert elder and "HttpOnly" in elder[0] and "SameSite=Lax" in elder[0]


def test_cookies_are_secure_when_served_over_https(site, monkeypatch):
    monkeypatch.setitem(site.app.config, "SESSION_COOKIE_SECURE", True)
    r = site.client().get("/login", base_url="https://localhost")
    assert "Secure" in r.headers["Set-Cookie"]
    assert r.headers["Strict-Transport-Security"].startswith("max-age=")


def test_idle_session_ends(site, monkeypatch):
    c = site.client()
    _login(c)
    assert c.get("/me").status_code == 200
    later = clock.now() + timedelta(minutes=31)
    monkeypatch.setattr(clock, "now", lambda: later)
    assert c.get("/me").status_code == 303


def _locked_message(html: str) -> bool:
    return "已暂时锁定" in html


def test_ten_wrong_pins_lock_the_account_only(clean):
    site = clean
    c = site.client()
    for i in range(10):
        r = _login(c, pin=f"{i:06d}" if f"{i:06d}" != PIN else "999999")
        assert r.status_code == 422
    r = _login(c)  # the right PIN, now refused
    assert r.status_code == 422 and _locked_message(r.get_data(as_text=True))
    assert "_user_id" not in _decoded(c)
    # Another account logs in as usual from the same browser.
    assert _login(site.client(), phone="13800000002").status_code == 303
    with site.app.app_context():
        resident = db.session.get(Resident, site.ids["logins"]["resident"])
        assert resident.locked_until is not None
        other = db.session.get(Resident, site.ids["logins"]["volunteer"])
        assert other.locked_until is None and not other.pin_failures


def test_lock_holds_at_the_kiosk_and_ends_after_its_time(clean, monkeypatch):
    site = clean
    c = site.client()
    for _ in range(10):
        _login(c, pin="000000")
    with site.app.app_context():
        code = db.session.get(Resident, site.ids["logins"]["resident"]).code
    kiosk = site.client("kiosk")
    html = kiosk.get("/kiosk/login").get_data(as_text=True)
    r = kiosk.post("/kiosk/login", data={"csrf_token": csrf_token(html), "step": "pin",
                                         "code": code, "pin": PIN, "key": "ok"})
    assert r.status_code == 422 and _locked_message(r.get_data(as_text=True))
    later = clock.now() + timedelta(minutes=16)
    monkeypatch.setattr(clock, "now", lambda: later)
    assert _login(site.client()).status_code == 303


def test_unknown_logins_cost_the_same_and_lock_nobody(clean):
    site = clean
    c = site.client()
    for _ in range(12):
        assert _login(c, phone="13899999999", pin="000000").status_code == 422
    assert _login(c).status_code == 303


def test_too_many_attempts_from_one_address_get_429(site, monkeypatch):
    monkeypatch.setitem(site.app.config, "LOGIN_RATE_LIMIT", "3 per minute")
    limiter.reset()
    try:
        c = site.client()
        token = csrf_token(c.get("/login").get_data(as_text=True))
        data = {"login": "13899999999", "pin": "000000", "csrf_token": token}
        codes = [c.post("/login", data=data).status_code for _ in range(4)]
        assert codes[:3] == [422, 422, 422] and codes[3] == 429
        r = c.post("/login", data=data)
        assert r.status_code == 429 and int(r.headers["Retry-After"]) > 0
        assert "操作太频繁" in r.get_data(as_text=True)
    finally:
        limiter.reset()


def _decoded(client) -> dict:
    with client.session_transaction() as s:
        return dict(s)
