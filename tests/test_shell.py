"""The page shell: headers, gzip, assets, errors, CSRF, health."""

import gzip
import hashlib
import re

import pytest
from flask import request

from community import create_app
from community.extensions import limiter
from tests.conftest import close_app, make_app


def test_healthz(client):
    r = client.get("/healthz")
    assert r.status_code == 200 and r.json == {"status": "ok"}


def test_security_headers(client):
    h = client.get("/").headers
    assert "script-src 'self'" in h["Content-Security-Policy"]
    assert "unsafe-inline" not in h["Content-Security-Policy"]
    assert "frame-ancestors 'none'" in h["Content-Security-Policy"]
    assert h["X-Content-Type-Options"] == "nosniff"
    assert h["Referrer-Policy"] == "same-origin"


def test_html_is_gzipped(client):
    r = client.get("/login", headers={"Accept-Encoding": "gzip"})
    assert r.headers["Content-Encoding"] == "gzip"
    assert "登录" in gzip.decompress(r.data).decode()
    assert "Accept-Encoding" in r.headers["Vary"]


def test_shell_markup(client):
    html = client.get("/").get_data(as_text=True)
    assert '<html lang="zh-CN">' in html
    assert 'name="viewport"' in html
    assert 'hx-boost="true"' in html
    assert re.search(r'<script src="/assets/htmx-2\.0\.\d+\.min\.[0-9a-f]{10}\.js" defer>', html)
    assert 'accesskey="1"' in html
    assert len(re.findall(r'rel="stylesheet"', html)) == 1
    assert "<script>" not in html


def test_assets_are_content_hashed_and_immutable(client, app):
    html = client.get("/").get_data(as_text=True)
    for url in re.findall(r'(?:href|src)="(/assets/[^"]+)"', html):
        r = client.get(url)
        assert r.status_code == 200
        cache = r.headers["Cache-Control"]
        assert "immutable" in cache and "31536000" in cache
        digest = url.rsplit(".", 2)[1]
        assert hashlib.sha256(r.data).hexdigest().startswith(digest)
    assert client.get("/assets/site.0000000000.css").status_code == 404
    assert client.get("/assets/../config.py").status_code == 404


def test_css_budget(app):
    from community.assets import asset_bytes
    css = asset_bytes("site.css")
    assert len(gzip.compress(css, 9)) <= 4096
    sizes = [int(x) for x in re.findall(rb"font-size:(\d+)px", css)]
    assert min(sizes) >= 18


def test_404_page_is_chinese_in_layout(client):
    r = client.get("/no-such-page")
    html = r.get_data(as_text=True)
    assert r.status_code == 404 and "找不到页面" in html and "<nav" in html


def test_405_page(client):
    r = client.get("/logout")
    assert r.status_code == 405 and "不能这样操作" in r.get_data(as_text=True)


def test_error_for_htmx_request_still_shows(client):
    r = client.get("/no-such-page", headers={"HX-Request": "true"})
    assert r.status_code == 404
    assert r.headers["HX-Retarget"] == "body"
    assert "找不到页面" in r.get_data(as_text=True)


def test_500_page_rolls_back(tmp_path):
    app = make_app(tmp_path, PROPAGATE_TEST_ERRORS=False)

    @app.route("/boom")
    def boom():
        raise RuntimeError("boom")

    r = app.test_client().get("/boom")
    assert r.status_code == 500 and "系统出错" in r.get_data(as_text=True)
    close_app(app)


def test_503_when_database_is_down(tmp_path):
    app = create_app({"TESTING": True, "SECRET_KEY": "x",
                      "SQLALCHEMY_DATABASE_URI": "sqlite:////nonexistent/dir/x.sqlite"},
                     instance_path=str(tmp_path))
    r = app.test_client().get("/healthz")
    assert r.status_code == 503 and "暂停服务" in r.get_data(as_text=True)


def test_missing_csrf_rerenders_login_with_text_kept(client):
    r = client.post("/login", data={"login": "13900000009", "pin": "123456"})
    html = r.get_data(as_text=True)
    assert r.status_code == 422
    assert 'value="13900000009"' in html
    assert "页面停留太久已过期" in html


def test_missing_csrf_on_plain_action_is_a_friendly_400(client):
    r = client.post("/logout")
    assert r.status_code == 400 and "已过期" in r.get_data(as_text=True)


def test_english_catalogue(client):
    html = client.get("/login?lang=en").get_data(as_text=True)
    assert "Log in" in html


def test_field_errors_are_marked_and_no_none_attributes(client):
    assert '"None"' not in client.get("/login").get_data(as_text=True)
    html = client.post("/login", data={"login": "x"}).get_data(as_text=True)
    assert 'aria-invalid="true"' in html and 'class="invalid"' in html
    assert 'aria-describedby="login-error login-hint"' in html
    assert '"None"' not in html


@pytest.mark.parametrize("hops, seen", [(0, "127.0.0.1"), (1, "203.0.113.7")])
def test_client_address_behind_a_proxy_only_when_configured(tmp_path, hops, seen):
    """With PROXY_HOPS=0 a forged X-Forwarded-For changes nothing; with 1 (nginx) the
    resident's address is the one nginx appended, which the login rate limit counts."""
    app = make_app(tmp_path, PROXY_HOPS=hops)

    @app.route("/addr")
    def addr():
        return request.remote_addr + " " + request.scheme

    r = app.test_client().get("/addr", headers={"X-Forwarded-For": "10.9.9.9, 203.0.113.7",
                                                "X-Forwarded-Proto": "https"})
    assert r.get_data(as_text=True) == f"{seen} {'https' if hops else 'http'}"
    close_app(app)


def test_the_app_starts_with_rate_limits_off(tmp_path):
    """RATELIMIT_ENABLED=False (a benchmark, a load test) must not break start-up."""
    try:
        app = create_app({"TESTING": True, "SECRET_KEY": "x", "PIN_PEPPER": "x",
                          "SQLALCHEMY_DATABASE_URI": "sqlite://", "RATELIMIT_ENABLED": False},
                         instance_path=str(tmp_path / "instance"))
        assert app.test_client().get("/login").status_code == 200
    finally:
        limiter.enabled = True  # Flask-Limiter keeps it on the shared instance for later apps
