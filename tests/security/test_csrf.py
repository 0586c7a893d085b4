"""Every POST route refuses a request without a valid CSRF token, and changes nothing.

Routes come from `app.url_map`; each is posted with the form a user would send (found by
crawling the site, see forms.py), minus the token, as the role that can see the form. The
answer must be the friendly Chinese error page (400) or the form shown again with what was
typed (422), never a traceback, and no table may change.
"""

import pytest

from community.extensions import db
from community.issues import intake
from tests.security.forms import discover, fill, forms_in
from tests.security.routes import pristine_gets, route_urls, routes
from tests.security.site import ROLES, changed

# POST routes that do not take a CSRF token, and why. Anything new here must be argued.
EXEMPT = {
    "POST /api/v1/issues": "JSON for outside channels; a bearer token, never a cookie",
    "POST /api/v1/sms/inbound": "the SMS gateway; its HMAC signature, never a cookie",
    "POST /kiosk/logout": "leaving is always safe and must work after the session expired",
}
EXPIRED = "页面停留太久已过期"
# Routes known to refuse a bad token without saying why (none now; a fixed gap fails the test,
# so a line here must be removed once the page shows the reason).
SILENT_422: dict[str, str] = {}


@pytest.fixture(scope="module")
def forms(site):
    """endpoint → a crawled form that posts to it."""
    adapter = site.app.url_map.bind("localhost")
    out = {}
    for form in discover(site).values():
        endpoint, _args = adapter.match(form.action.split("?", 1)[0], method="POST")
        out.setdefault(endpoint, form)
    return out


def _reshown(html: str, target: str) -> bool:
    """True when the page shows the form again (a 422 without a form has nothing to keep)."""
    path = target.split("?", 1)[0]
    return any(f.action.split("?", 1)[0] == path for f in forms_in(html, path, ""))


def _role_that_opens(site, key: str) -> str:
    """A role whose GET of the same route is a page (for POST-only routes: the worker)."""
    gets = pristine_gets(site)
    get = "GET " + key.split(" ", 1)[1]
    return next((role for role in ROLES if gets.get((get, role)) and
                 gets[get, role].status == 200), "worker")


def test_exemptions_are_only_the_documented_ones(site):
    csrf = site.app.extensions["csrf"]
    exempt = set()
    for key, rule in routes(site.app):
        view = site.app.view_functions[rule.endpoint]
        name = f"{view.__module__}.{view.__name__}"
        if key.startswith("POST ") and (name in csrf._exempt_views
                                        or rule.endpoint.split(".")[0] in
                                        csrf._exempt_blueprints):
            exempt.add(key)
    assert exempt == set(EXEMPT), f"CSRF-exempt POST routes changed: {sorted(exempt)}"


@pytest.mark.parametrize("token", ["missing", "another session's"])
def test_every_post_refuses_a_bad_token_and_writes_nothing(clean, forms, token):
    site = clean
    urls = route_urls(site)
    before = site.digest()
    problems, tried = [], 0
    for key, rule in routes(site.app):
        if not key.startswith("POST ") or key in EXEMPT:
            continue
        url = urls[key]
        form = forms.get(rule.endpoint)
        role = form.role if form else _role_that_opens(site, key)
        target = form.action if form else url
        data = fill(form) if form else {"title": "测试", "body": "测试", "text": "测试"}
        data.pop("csrf_token", None)
        if token != "missing":
            other = "anonymous" if role != "anonymous" else "resident"
            data["csrf_token"] = site.tokens[other]
        version = site.version()
        resp = site.client(role).post(target, data=data)
        html = resp.get_data(as_text=True)
        resp.close()
        tried += 1
        where = f"{key} as {role} → {target}"
        if resp.status_code not in (400, 422):
            problems.append(f"{where}: {resp.status_code} instead of 400/422")
        elif (EXPIRED in html) == (key in SILENT_422) and _reshown(html, target):
            problems.append(f"{where}: {resp.status_code} without saying the page expired"
                            if EXPIRED not in html else f"{where}: fixed, remove SILENT_422")
        if "Traceback" in html or not resp.content_type.startswith("text/html"):
            problems.append(f"{where}: not a friendly page ({resp.content_type})")
        if resp.status_code == 422:
            typed = [v for k, v in data.items() if isinstance(v, str) and v == "测试内容"]
            if typed and "测试内容" not in html:
                problems.append(f"{where}: the re-shown form lost what was typed")
        if site.version() != version:
            problems.append(f"{where}: wrote to the database")
            site.restore()
    assert tried >= 40, f"only {tried} POST routes found"
    assert not problems, "POST without a valid CSRF token:\n  " + "\n  ".join(problems)
    assert not changed(before, site.digest())


def test_intake_api_needs_a_bearer_token_not_a_cookie(clean):
    """The one JSON route is CSRF-exempt because cookies do not authenticate it."""
    site = clean
    body = {"title": "楼道灯坏了", "body": "三楼灯不亮", "unit_id": site.ids["unit_id"],
            "channel": "hotline"}
    headers = {"Idempotency-Key": "k-1"}
    with site.app.app_context():
        row, plain = intake.create_token("hotline")
        revoked, old = intake.create_token("hotline")
        intake.revoke_token(revoked)
        db.session.commit()
    before = site.digest()
    for role, auth in [("anonymous", None), ("worker", None), ("worker", "Bearer "),
                       ("anonymous", "Bearer not-a-token"), ("anonymous", f"Basic {plain}"),
                       ("anonymous", f"Bearer {old}"), ("anonymous", f"Bearer {plain}x")]:
        h = dict(headers, **({"Authorization": auth} if auth else {}))
        r = site.client(role).post("/api/v1/issues", json=body, headers=h)
        assert r.status_code == 401, (role, auth, r.status_code)
        assert r.is_json and r.headers["WWW-Authenticate"].startswith("Bearer")
    assert not changed(before, site.digest())
    r = site.client().post("/api/v1/issues", json=body,
                           headers=dict(headers, Authorization=f"Bearer {plain}"))
    assert r.status_code in (201, 422), r.get_json()  # the real token is let in
