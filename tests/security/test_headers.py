"""Security headers on every answer: every GET route as every role, redirects and errors.

The CSP has no 'unsafe-inline' or 'unsafe-eval' and forbids framing; nosniff and a
Referrer-Policy are always there; a page for someone logged in (or at a kiosk) is never
stored by a browser or proxy; a page that may be cached says it varies by cookie.
"""

import re

import pytest

from tests.conftest import csrf_token
from tests.security.routes import pristine_gets, routes
from tests.security.site import ROLES

SAFE_REFERRER = {"no-referrer", "same-origin", "strict-origin",
                 "strict-origin-when-cross-origin"}
STATIC = ("assets.serve", "static")
# Answers to a logged-in user that are the same for everyone, so may be cached.
NOT_PERSONAL = {"GET /roster/template.csv": "the blank roster template"}


def csp_problems(csp: str | None) -> list[str]:
    if not csp:
        return ["no Content-Security-Policy"]
    d = {part.split()[0]: part.split()[1:] for part in csp.split(";") if part.strip()}
    out = []
    if "unsafe-inline" in csp or "unsafe-eval" in csp:
        out.append("CSP allows unsafe-inline/unsafe-eval")
    if d.get("frame-ancestors") not in (["'none'"], ["'self'"]):
        out.append("CSP without frame-ancestors 'none'")
    scripts = d.get("script-src") or d.get("default-src") or []
    if not scripts or any(s in ("*", "data:", "http:", "https:") for s in scripts):
        out.append(f"CSP script-src too wide: {scripts}")
    if d.get("object-src") != ["'none'"]:
        out.append("CSP without object-src 'none'")
    if "base-uri" not in d:
        out.append("CSP without base-uri")
    return out


def header_problems(headers: dict, personal: bool, static: bool) -> list[str]:
    h = {k.lower(): v for k, v in headers.items()}
    out = csp_problems(h.get("content-security-policy"))
    if h.get("x-content-type-options") != "nosniff":
        out.append("no X-Content-Type-Options: nosniff")
    if h.get("referrer-policy") not in SAFE_REFERRER:
        out.append(f"Referrer-Policy {h.get('referrer-policy')!r}")
    if h.get("x-frame-options", "").upper() not in ("DENY", "SAMEORIGIN"):
        out.append("no X-Frame-Options")
    if h.get("access-control-allow-origin"):
        out.append("Access-Control-Allow-Origin set")
    cache = h.get("cache-control", "")
    if personal and not static and "no-store" not in cache:
        out.append(f"personal page without no-store (Cache-Control: {cache!r})")
    if "public" in cache and not static and "cookie" not in h.get("vary", "").lower():
        out.append("publicly cacheable without Vary: Cookie")
    ctype = h.get("content-type", "")
    if ctype.startswith("text/") and "charset" not in ctype:
        out.append(f"Content-Type without charset: {ctype}")
    return out


def test_every_route_as_every_role(site):
    problems = []
    endpoints = {key for key, _role in pristine_gets(site)}
    assert len(endpoints) >= 60
    static_keys = _static_keys(site)
    for (key, role), got in pristine_gets(site).items():
        personal = role != "anonymous" and key not in NOT_PERSONAL
        for msg in header_problems(got.headers, personal, key in static_keys):
            problems.append(f"{got.url} as {role} ({got.status}): {msg}")
    assert not problems, "\n".join(sorted(problems)[:60])


def _static_keys(site) -> set:
    return {key for key, rule in routes(site.app) if rule.endpoint in STATIC}


@pytest.mark.parametrize("role", ROLES)
def test_error_pages_and_posts_have_them_too(site, role):
    c = site.client(role)
    answers = [
        c.get("/no/such/page"),  # 404
        c.get("/logout"),  # 405
        c.post("/issues/new", data={"title": "x"}),  # CSRF: 400 or 422, or a login redirect
        c.post("/login", data={"login": "1", "pin": "1",
                               "csrf_token": csrf_token(c.get("/login").get_data(True))}),
        c.post("/elder", data={"csrf_token": site.tokens[role]}),  # 303
    ]
    personal = role != "anonymous"
    problems = [f"{r.request.method} {r.request.path} → {r.status_code}: {m}"
                for r in answers for m in header_problems(dict(r.headers), personal, False)]
    for r in answers:
        r.close()
    assert not problems, "\n".join(problems)


def test_error_pages_are_chinese_and_have_no_traceback(site):
    r = site.client("resident").get("/no/such/page")
    html = r.get_data(as_text=True)
    assert r.status_code == 404 and "找不到页面" in html and "Traceback" not in html
    assert re.search(r'<html lang="zh-CN"', html)


def test_the_new_pin_slip_is_never_kept(clean):
    """The page that shows a freshly reset PIN is the answer to a POST: no-store too."""
    r = clean.client("worker").post(f"/residents/{clean.ids['resident_id']}/reset-pin",
                                    data={"csrf_token": clean.tokens["worker"]})
    assert r.status_code == 200 and "密码" in r.get_data(as_text=True)
    assert "no-store" in r.headers["Cache-Control"]
    assert not header_problems(dict(r.headers), True, False)
