"""Every route of the app with a URL to ask, and every GET asked once as every role."""

import re
from dataclasses import dataclass

from tests.security.site import ROLES

DENIED = {"login", "kiosk", "401", "403", "404", "405"}

# Per-route URL parameters and query strings beyond the demo ids (demo.py).
PARAMS = {
    "/issues/<issue_id>/comments/<comment_id>/hide": {"issue_id": "comment_issue_id"},
    "/issues/<issue_id>/comments": {"issue_id": "comment_issue_id"},
    "/issues/<issue_id>/support": {"issue_id": "comment_issue_id"},
    "/residents/<resident_id>/roles/<role_id>/remove": {"resident_id": "role_holder_id"},
}
QUERY = {
    "/evaluations/new": "?project_id={done_project_id}",
    "/board/<unit_id>/objection": "?section=evaluations&key=evaluation:{closed_evaluation_id}",
    "/meetings/new": "?body={body_id}",
}


def pattern(rule) -> str:
    """The rule without converters: /meetings/<int:meeting_id> → /meetings/<meeting_id>."""
    return re.sub(r"<(?:\w+:)?(\w+)(?:\([^)]*\))?>", r"<\1>", rule.rule)


def routes(app) -> list[tuple[str, object]]:
    """("METHOD /pattern", rule) for every method of every route (HEAD and OPTIONS aside)."""
    out = []
    for rule in app.url_map.iter_rules():
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            out.append((f"{method} {pattern(rule)}", rule))
    return sorted(out, key=lambda r: (r[0].split(" ", 1)[1], r[0]))


def url_for_rule(rule, ids: dict) -> str:
    """A URL of the route filled with demo objects (PARAMS, QUERY say where it differs)."""
    extra = {k: ids[v] for k, v in PARAMS.get(pattern(rule), {}).items()}
    return fill_rule(rule, ids, **extra) + QUERY.get(pattern(rule), "").format(**ids)


def route_urls(site) -> dict[str, str]:
    """"METHOD /pattern" → the URL to ask, for every route."""
    with site.app.test_request_context():
        return {key: url_for_rule(rule, site.ids) for key, rule in routes(site.app)}


def answer(resp) -> str:
    """A response in the access matrix's words: login, kiosk, or the status code."""
    loc = resp.headers.get("Location", "")
    if resp.status_code in (302, 303) and loc.startswith("/login?"):
        return "login"
    if resp.status_code in (302, 303) and loc.startswith("/kiosk/login"):
        return "kiosk"
    return str(resp.status_code)


@dataclass
class Got:
    """One GET as one role on the data as seeded."""
    url: str
    answer: str
    status: int
    headers: dict
    text: str
    wrote: bool


_gets: dict = {}


def pristine_gets(site) -> dict[tuple[str, str], Got]:
    """Every GET route as every role, on the data as seeded: asked once per test run and
    shared by the modules that need it (the access matrix, the security headers)."""
    if not _gets:
        site.restore()
        for key, url in route_urls(site).items():
            if not key.startswith("GET "):
                continue
            for role in ROLES:
                before = site.version()
                resp = site.client(role).get(url)
                wrote = site.version() != before
                _gets[key, role] = Got(url, answer(resp), resp.status_code,
                                       dict(resp.headers), resp.get_data(as_text=True), wrote)
                resp.close()
                if wrote:
                    site.restore()
    return _gets


def fill_rule(rule, ids: dict, **extra) -> str:
    """The URL of a route with its parameters filled from the demo ids."""
    values = {**ids, **extra}
    if rule.endpoint == "assets.serve":
        from community.assets import asset_url
        return asset_url("site.css")
    if rule.endpoint == "static":
        return "/static/site.css"
    out = rule.rule
    for name in rule.arguments:
        out = re.sub(r"<(?:[^:<>]+:)?" + name + r"(?:\([^)]*\))?>", str(values[name]), out)
    return out
