"""长辈模式: the switch on every page, the cookie, bigger text and targets, simplest menu,
the deferred 朗读 script; and keypad-phone basics (accesskeys, focus ring, no hover-only)."""

import gzip
import re

import pytest

from community.assets import asset_bytes
from tests.conftest import csrf_token
from tests.factories import make_household, make_resident, make_tree


@pytest.fixture
def resident(app):
    t = make_tree()
    return make_resident(make_household(t["b1"]), name="甲", phone="13900000001")


def switch(client, page="/", **extra):
    html = client.get(page).get_data(as_text=True)
    data = {"csrf_token": csrf_token(html), "next": page, **extra}
    return client.post("/elder", data=data)


@pytest.mark.parametrize("page", ["/", "/login", "/kiosk", "/no-such-page"])
def test_the_switch_is_a_plain_post_form_on_every_page(client, page):
    html = client.get(page).get_data(as_text=True)
    form = re.search(r'<form method="post" action="/elder" hx-boost="false">(.*?)</form>', html)
    assert form, page
    assert 'name="csrf_token"' in form.group(1) and f'name="next" value="{page}"' in form.group(1)
    assert "长辈模式" in form.group(1)


def test_switch_on_remembers_a_year_and_switch_off_forgets(client):
    r = switch(client, "/login")
    assert r.status_code == 303 and r.headers["Location"] == "/login"
    cookie = client.get_cookie("elder")
    assert cookie.value == "1" and cookie.http_only and cookie.same_site == "Lax"
    assert "Max-Age=31536000" in r.headers["Set-Cookie"]
    html = client.get("/login").get_data(as_text=True)
    assert '<body hx-boost="true" class="elder">' in html and "标准模式" in html
    assert re.search(r'<script src="/assets/read-aloud\.[0-9a-f]{10}\.js" defer></script>', html)
    r = switch(client, "/login")
    assert client.get_cookie("elder") is None
    html = client.get("/login").get_data(as_text=True)
    assert 'class="elder"' not in html and "read-aloud" not in html


@pytest.mark.parametrize("target", ["https://evil.example/", "//evil.example", "javascript:x"])
def test_switch_never_redirects_off_site(client, target):
    assert switch(client, next=target).headers["Location"] == "/"


def test_switch_needs_the_csrf_token(client):
    r = client.post("/elder", data={"next": "/"})
    assert r.status_code == 400 and client.get_cookie("elder") is None


def test_elder_menu_is_the_simplest(client, auth, resident, app):
    auth.login("13900000001")
    standard = re.findall(r'accesskey="(\d)"', client.get("/").get_data(as_text=True))
    switch(client)
    html = client.get("/").get_data(as_text=True)
    nav = re.search(r"<nav .*?</nav>", html, re.S).group(0)
    labels = re.findall(r'</span>([^<]+)</a>', nav)
    assert labels == ["首页", "议题", "投票"] and len(labels) <= len(standard)
    assert re.findall(r'accesskey="(\d)"', nav) == [str(i) for i in range(1, len(labels) + 1)]
    assert ">退出</button>" in html  # leaving is always one tap away


def test_read_aloud_script_is_small_and_speaks_chinese(app):
    js = asset_bytes("read-aloud.js").decode()
    assert len(gzip.compress(js.encode())) < 1200
    assert "speechSynthesis" in js and '"zh-CN"' in js and "#main" not in js
    assert "alert(" not in js and "confirm(" not in js and "window.open" not in js


def test_css_elder_rules_follow_the_aging_friendly_rules(app):
    css = asset_bytes("site.css").decode()
    m = re.search(r"body\.elder\{font-size:(\d+)px;line-height:([\d.]+)\}", css)
    assert m and 22 <= int(m.group(1)) <= 30 and float(m.group(2)) >= 1.5
    rule = re.search(r"([^}]*)\{min-height:60px;min-width:60px\}", css).group(1)
    for target in (".elder nav a", ".elder button", ".elder .button", ".elder input",
                   ".elder select", ".elder .check"):
        assert target in rule
    assert len(gzip.compress(css.encode(), 9)) <= 4096
    assert not re.search(r":hover[^{]*\{[^}]*(display|visibility)", css)  # no hover-only
    assert re.search(r":focus-visible\{outline:\d+px solid", css)  # the visible focus ring


def test_menus_have_numeric_accesskeys(client, auth, resident):
    auth.login("13900000001")
    html = client.get("/").get_data(as_text=True)
    keys = re.findall(r'accesskey="([^"]+)"', html)
    assert keys and all(k.isdigit() for k in keys) and len(set(keys)) == len(keys)


def test_no_popups_or_inline_scripts_in_elder_mode(client, auth, resident):
    auth.login("13900000001")
    switch(client)
    for page in ("/", "/me", "/login"):
        html = client.get(page).get_data(as_text=True)
        assert "<script>" not in html and " style=" not in html and "onclick" not in html
        assert 'target="_blank"' not in html
