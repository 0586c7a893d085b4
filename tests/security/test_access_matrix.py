"""Who gets what: every route of `app.url_map` × every kind of visitor, in one table.

Each row is "METHOD rule" → the answer of each role, in the order of ROLES:

    anon  resident  other_resident  volunteer  worker  party  supervisor  kiosk  other_worker

URL parameters are filled with demo objects of 船柴社区 (where the demo logins live and work;
see demo.py), so `other_resident` (a resident of 锦江社区) and `other_worker` (锦江社区's
worker) show what a stranger to the place gets. GETs carry no data; POSTs carry only a valid
CSRF token, so an allowed POST usually answers 422 (nothing filled in) or acts at once
(one-button forms). The data is put back after every POST that wrote. Rows with a
query string or other ids than the default: routes.PARAMS and routes.QUERY.

Answers: a status code; `login` = 303 to /login?next=…; `kiosk` = 303 to the kiosk keypad
login; `303` = any other redirect. On top of the table: a denied request (login, kiosk, 401,
403, 404, 405) never writes, and no GET writes.
"""

import pytest

from tests.security.routes import (
    DENIED,
    QUERY,
    answer,
    pristine_gets,
    route_urls,
    routes,
    url_for_rule,
)
from tests.security.site import ROLES

MATRIX = {
    #                                       anon  res   other vol   work  party super kiosk o.wkr
    "GET /":                                 "200   200   200   200   200   200   200   200   200",
    "POST /api/v1/issues":                   "401   401   401   401   401   401   401   401   401",
    "POST /api/v1/sms/inbound":              "401   401   401   401   401   401   401   401   401",
    "GET /assets/<filename>":                "200   200   200   200   200   200   200   200   200",
    "GET /audit/":                           "login 403   403   403   200   200   200   kiosk 200",
    "GET /ballots":                          "login 200   200   200   200   200   200   kiosk 200",
    "GET /ballots/<ballot_id>":              "login 200   403   200   200   200   200   kiosk 403",
    "GET /ballots/<ballot_id>/assembly":     "login 403   403   403   200   403   403   kiosk 403",
    "POST /ballots/<ballot_id>/assembly":    "login 403   403   403   422   403   403   kiosk 403",
    "GET /ballots/<ballot_id>/assist":       "login 403   403   200   200   403   403   kiosk 403",
    "GET /ballots/<ballot_id>/assist/<resident_id>":
                                             "login 403   403   200   200   403   403   kiosk 403",
    "POST /ballots/<ballot_id>/assist/<resident_id>":
                                             "login 403   403   422   422   403   403   kiosk 403",
    "GET /ballots/<ballot_id>/close":        "login 403   403   403   200   403   403   kiosk 403",
    "POST /ballots/<ballot_id>/close":       "login 403   403   403   303   403   403   kiosk 403",
    "GET /ballots/<ballot_id>/notice":       "login 303   403   303   303   303   303   kiosk 403",
    "GET /ballots/<ballot_id>/paper":        "login 403   403   403   200   403   403   kiosk 403",
    "POST /ballots/<ballot_id>/paper":       "login 403   403   403   422   403   403   kiosk 403",
    "GET /ballots/<ballot_id>/receipts":     "login 404   403   404   404   404   404   kiosk 403",
    "POST /ballots/<ballot_id>/report":      "login 403   403   403   403   403   403   kiosk 403",
    "GET /ballots/<ballot_id>/results":      "login 200   403   200   200   200   200   kiosk 403",
    "POST /ballots/<ballot_id>/vote":        "login 422   403   422   422   422   422   kiosk 403",
    "GET /ballots/<ballot_id>/voted":        "login 303   403   200   303   303   200   kiosk 403",
    "GET /ballots/new":                      "login 403   403   403   200   403   403   kiosk 200",
    "POST /ballots/new":                     "login 403   403   403   422   403   403   kiosk 422",
    "GET /board/":                           "200   200   200   200   200   200   200   200   200",
    "GET /board/<unit_id>":                  "200   200   200   200   200   200   200   200   200",
    "GET /board/<unit_id>/feed.atom":        "200   200   200   200   200   200   200   200   200",
    "GET /board/<unit_id>/more/<section>":   "200   200   200   200   200   200   200   200   200",
    "GET /board/<unit_id>/objection":        "login 200   403   200   200   200   200   kiosk 403",
    "POST /board/<unit_id>/objection":       "login 422   403   422   422   422   422   kiosk 403",
    "GET /board/<unit_id>/print":            "200   200   200   200   200   200   200   200   200",
    "GET /board/<unit_id>/settings":         "login 403   403   403   200   403   403   kiosk 403",
    "POST /board/<unit_id>/settings":        "login 403   403   403   422   403   403   kiosk 403",
    "POST /elder":                           "303   303   303   303   303   303   303   303   303",
    "GET /evaluations/<evaluation_id>":      "login 200   403   200   200   200   200   kiosk 403",
    "POST /evaluations/<evaluation_id>/answer":
                                             "login 422   403   422   422   422   422   kiosk 403",
    "GET /evaluations/<evaluation_id>/close":
                                             "login 403   403   403   403   403   200   kiosk 403",
    "POST /evaluations/<evaluation_id>/close":
                                             "login 403   403   403   403   403   303   kiosk 403",
    "GET /evaluations/new":                  "login 403   403   403   403   403   200   kiosk 403",
    "POST /evaluations/new":                 "login 403   403   403   403   403   422   kiosk 403",
    "GET /notices/":                         "login 200   200   200   200   200   200   kiosk 200",
    "POST /notices/read":                    "login 303   303   303   303   303   303   kiosk 303",
    "GET /notices/sms":                      "login 403   403   403   200   403   403   kiosk 200",
    "GET /healthz":                          "200   200   200   200   200   200   200   200   200",
    "GET /issues":                           "login 200   200   200   200   200   200   kiosk 200",
    "GET /issues/<issue_id>":                "login 200   403   200   200   200   200   kiosk 403",
    "POST /issues/<issue_id>/comments":      "login 422   403   422   422   422   422   kiosk 403",
    "GET /issues/<issue_id>/comments/<comment_id>/hide":
                                             "login 403   403   403   200   403   403   kiosk 403",
    "POST /issues/<issue_id>/comments/<comment_id>/hide":
                                             "login 403   403   403   422   403   403   kiosk 403",
    "POST /issues/<issue_id>/support":       "login 303   403   303   303   303   303   kiosk 403",
    "GET /issues/<issue_id>/triage":         "login 403   403   403   200   403   403   kiosk 403",
    "POST /issues/<issue_id>/triage":        "login 403   403   403   422   403   403   kiosk 403",
    "GET /issues/<issue_id>/withdraw":       "login 200   403   403   403   403   403   kiosk 403",
    "POST /issues/<issue_id>/withdraw":      "login 303   403   403   403   403   403   kiosk 403",
    "GET /issues/new":                       "login 200   200   200   200   200   200   kiosk 200",
    "POST /issues/new":                      "login 422   422   422   422   422   422   kiosk 422",
    "GET /issues/new/for":                   "login 403   403   200   200   403   403   kiosk 200",
    "GET /kiosk":                            "200   200   200   200   200   200   200   200   200",
    "GET /kiosk/checkin":                    "404   404   404   404   404   404   404   200   404",
    "POST /kiosk/checkin":                   "404   404   404   404   404   404   404   422   404",
    "GET /kiosk/devices":                    "login 403   403   403   200   403   403   kiosk 200",
    "POST /kiosk/devices/<device_id>/revoke":
                                             "login 403   403   403   303   403   403   kiosk 403",
    "GET /kiosk/login":                      "303   303   303   303   303   303   303   200   303",
    "POST /kiosk/login":                     "303   303   303   303   303   303   303   422   303",
    "POST /kiosk/logout":                    "303   303   303   303   303   303   303   303   303",
    "GET /kiosk/ping":                       "204   204   204   204   204   204   204   204   204",
    "GET /kiosk/register":                   "login 403   403   403   200   403   403   kiosk 200",
    "POST /kiosk/register":                  "login 403   403   403   422   403   403   kiosk 422",
    "GET /login":                            "200   200   200   200   200   200   200   200   200",
    "POST /login":                           "422   422   422   422   422   422   422   422   422",
    "POST /logout":                          "303   303   303   303   303   303   303   303   303",
    "GET /me":                               "login 200   200   200   200   200   200   kiosk 200",
    "POST /me/name":                         "login 303   303   303   303   303   303   kiosk 303",
    "POST /me/pin":                          "login 422   422   422   422   422   422   kiosk 422",
    "POST /me/sms":                          "login 303   303   303   303   303   303   kiosk 303",
    "GET /meetings":                         "login 200   200   200   200   200   200   kiosk 200",
    "GET /meetings/<meeting_id>":            "login 200   403   200   200   200   200   kiosk 403",
    "GET /meetings/<meeting_id>.ics":        "login 200   403   200   200   200   200   kiosk 403",
    "GET /meetings/<meeting_id>/attendance": "login 403   403   403   200   403   403   kiosk 403",
    "POST /meetings/<meeting_id>/attendance":
                                             "login 403   403   403   303   403   403   kiosk 403",
    "POST /meetings/<meeting_id>/attendance/add":
                                             "login 403   403   403   422   403   403   kiosk 403",
    "GET /meetings/<meeting_id>/checkin":    "login 200   403   200   200   200   200   kiosk 403",
    "POST /meetings/<meeting_id>/checkin":   "login 422   403   422   422   422   422   kiosk 403",
    "GET /meetings/<meeting_id>/edit":       "login 403   403   403   200   403   403   kiosk 403",
    "POST /meetings/<meeting_id>/edit":      "login 403   403   403   303   403   403   kiosk 403",
    "POST /meetings/<meeting_id>/items":     "login 403   403   403   422   403   403   kiosk 403",
    "POST /meetings/<meeting_id>/items/<item_id>/<any(up,remove):action>":
                                             "login 403   403   403   303   403   403   kiosk 403",
    "GET /meetings/<meeting_id>/items/<item_id>/minutes":
                                             "login 403   403   403   200   403   403   kiosk 403",
    "POST /meetings/<meeting_id>/items/<item_id>/minutes":
                                             "login 403   403   403   422   403   403   kiosk 403",
    "GET /meetings/<meeting_id>/minutes":    "login 404   403   404   200   404   404   kiosk 403",
    "POST /meetings/<meeting_id>/minutes/publish":
                                             "login 403   403   403   303   403   403   kiosk 403",
    "GET /meetings/<meeting_id>/notice":     "login 200   403   200   200   200   200   kiosk 403",
    "GET /meetings/<meeting_id>/stakeholders":
                                             "login 403   403   403   200   403   403   kiosk 403",
    "POST /meetings/<meeting_id>/stakeholders":
                                             "login 403   403   403   422   403   403   kiosk 403",
    "POST /meetings/<meeting_id>/stakeholders/<person_id>/remove":
                                             "login 403   403   403   303   403   403   kiosk 403",
    "GET /meetings/bodies":                  "login 403   403   403   200   403   403   kiosk 200",
    "GET /meetings/bodies/<body_id>":        "login 403   403   403   200   403   403   kiosk 403",
    "POST /meetings/bodies/<body_id>":       "login 403   403   403   422   403   403   kiosk 403",
    "POST /meetings/bodies/<body_id>/members/<member_id>/remove":
                                             "login 403   403   403   303   403   403   kiosk 403",
    "GET /meetings/bodies/new":              "login 403   403   403   200   403   403   kiosk 200",
    "POST /meetings/bodies/new":             "login 403   403   403   422   403   403   kiosk 422",
    "GET /meetings/new":                     "login 403   403   403   200   403   403   kiosk 403",
    "POST /meetings/new":                    "login 403   403   403   422   403   403   kiosk 403",
    "GET /meetings/outcomes":                "login 403   403   403   200   200   200   kiosk 200",
    "GET /meetings/outcomes/<outcome_id>":   "login 403   403   403   200   200   200   kiosk 403",
    "POST /meetings/outcomes/<outcome_id>/next":
                                             "login 403   403   403   422   403   403   kiosk 403",
    "POST /meetings/outcomes/<outcome_id>/review":
                                             "login 403   403   403   403   422   403   kiosk 403",
    "GET /projects/":                        "login 200   200   200   200   200   200   kiosk 200",
    "GET /projects/<project_id>":            "login 200   403   200   200   200   200   kiosk 403",
    "GET /projects/<project_id>/contributions":
                                             "login 200   403   200   200   200   200   kiosk 403",
    "GET /projects/<project_id>/contributions/new":
                                             "login 403   403   403   200   403   403   kiosk 403",
    "POST /projects/<project_id>/contributions/new":
                                             "login 403   403   403   422   403   403   kiosk 403",
    "POST /projects/<project_id>/status":    "login 403   403   403   400   403   403   kiosk 403",
    "POST /projects/<project_id>/tasks/<task_id>":
                                             "login 403   403   403   400   403   403   kiosk 403",
    "GET /projects/<project_id>/tasks/new":  "login 403   403   403   200   403   403   kiosk 403",
    "POST /projects/<project_id>/tasks/new": "login 403   403   403   422   403   403   kiosk 403",
    "GET /projects/<project_id>/updates/new":
                                             "login 403   403   403   200   403   403   kiosk 403",
    "POST /projects/<project_id>/updates/new":
                                             "login 403   403   403   422   403   403   kiosk 403",
    "GET /projects/funds":                   "login 403   403   403   200   200   200   kiosk 200",
    "GET /projects/funds/<fund_id>":         "login 403   403   403   200   200   200   kiosk 403",
    "GET /projects/funds/<fund_id>/movements/new":
                                             "login 403   403   403   200   403   403   kiosk 403",
    "POST /projects/funds/<fund_id>/movements/new":
                                             "login 403   403   403   422   403   403   kiosk 403",
    "GET /projects/funds/new":               "login 403   403   403   200   403   403   kiosk 200",
    "POST /projects/funds/new":              "login 403   403   403   422   403   403   kiosk 422",
    "GET /projects/funds/policy/<unit_id>":  "login 403   403   403   200   403   403   kiosk 403",
    "POST /projects/funds/policy/<unit_id>": "login 403   403   403   422   403   403   kiosk 403",
    "GET /projects/new":                     "login 403   403   403   200   403   403   kiosk 200",
    "POST /projects/new":                    "login 403   403   403   422   403   403   kiosk 422",
    "GET /projects/updates/<update_id>/photo.jpg":
                                             "login 404   403   404   404   404   404   kiosk 403",
    "GET /reports/":                         "login 403   403   403   200   200   200   kiosk 200",
    "GET /residents/":                       "login 403   403   403   200   200   200   kiosk 200",
    "GET /residents/<resident_id>":         "login 403   403   403   200   403   403   kiosk 403",
    "GET /residents/<resident_id>/death":   "login 403   403   403   200   403   403   kiosk 403",
    "POST /residents/<resident_id>/death":  "login 403   403   403   422   403   403   kiosk 403",
    "GET /residents/<resident_id>/move":    "login 403   403   403   200   403   403   kiosk 403",
    "POST /residents/<resident_id>/move":   "login 403   403   403   422   403   403   kiosk 403",
    "GET /residents/<resident_id>/owner":   "login 403   403   403   200   403   403   kiosk 403",
    "POST /residents/<resident_id>/owner":  "login 403   403   403   422   403   403   kiosk 403",
    "GET /residents/<resident_id>/roles":   "login 403   403   403   200   403   403   kiosk 403",
    "POST /residents/<resident_id>/roles":  "login 403   403   403   422   403   403   kiosk 403",
    "GET /residents/<resident_id>/roles/<role_id>/remove":
                                             "login 403   403   403   200   403   403   kiosk 403",
    "POST /residents/<resident_id>/roles/<role_id>/remove":
                                             "login 403   403   403   303   403   403   kiosk 403",
    "GET /residents/<resident_id>/reset-pin":
                                             "login 403   403   403   200   403   403   kiosk 403",
    "POST /residents/<resident_id>/reset-pin":
                                             "login 403   403   403   200   403   403   kiosk 403",
    "GET /roster/import":                    "login 403   403   403   200   403   403   kiosk 200",
    "POST /roster/import":                   "login 403   403   403   422   403   403   kiosk 422",
    "GET /roster/import/confirm":            "login 403   403   403   303   403   403   kiosk 303",
    "POST /roster/import/confirm":           "login 403   403   403   303   403   403   kiosk 303",
    "GET /roster/template.csv":              "login 403   403   403   200   403   403   kiosk 200",
    "GET /staff":                            "login 403   403   403   200   200   200   kiosk 200",
    "GET /static/<filename>":                "200   200   200   200   200   200   200   200   200",
    "GET /triage":                           "login 403   403   403   200   403   403   kiosk 200",
    "GET /triage/deliveries":                "login 403   403   403   200   403   403   kiosk 200",
    "POST /triage/deliveries/<delivery_id>/resend":
                                             "login 403   403   403   303   403   403   kiosk 403",
    "GET /triage/dispatch":                  "login 403   403   403   200   403   403   kiosk 200",
    "GET /volunteer":                        "login 403   403   200   200   403   403   kiosk 200",
    "GET /volunteer/assign":                 "login 403   403   403   200   403   403   kiosk 200",
    "POST /volunteer/assign":                "login 403   403   403   422   403   403   kiosk 422",
    "POST /volunteer/assignments/<assignment_id>/delete":
                                             "login 403   403   403   303   403   403   kiosk 403",
    "GET /volunteer/buildings/<building_id>":
                                             "login 403   403   200   403   403   403   kiosk 403",
    "GET /volunteer/households/<household_id>":
                                             "login 403   403   200   403   403   403   kiosk 403",
    "POST /volunteer/households/<household_id>":
                                             "200   403   403   422   403   403   403   200   403",
}


def test_every_route_has_a_row(site):
    keys = {key for key, _ in routes(site.app)}
    missing = sorted(keys - MATRIX.keys())
    assert not missing, ("routes without a row in MATRIX (tests/security/test_access_matrix.py)"
                         " — add a row saying what each role must get:\n  "
                         + "\n  ".join(missing))
    stale = sorted(MATRIX.keys() - keys)
    assert not stale, "rows for routes that no longer exist:\n  " + "\n  ".join(stale)
    bad = [k for k, v in MATRIX.items() if len(v.split()) != len(ROLES)]
    assert not bad, f"rows without exactly {len(ROLES)} answers: {bad}"


def test_access_matrix(site):
    """Ask every cell; report every difference at once, and the whole actual table."""
    urls = route_urls(site)
    gets = pristine_gets(site)  # shared with the other modules (same seeded data)
    actual, problems = {}, []
    site.restore()
    for key in urls:
        method = key.split(" ", 1)[0]
        cells = []
        for role in ROLES:
            if method == "GET":
                got, wrote = gets[key, role].answer, gets[key, role].wrote
            else:
                before = site.version()
                resp = site.client(role).open(urls[key], method=method,
                                              data={"csrf_token": site.tokens[role]})
                got = answer(resp)
                resp.close()
                wrote = site.version() != before
            cells.append(got)
            if wrote and (method == "GET" or got in DENIED):
                problems.append(f"{key} as {role} ({urls[key]}): wrote data while answering "
                                f"{got}")
            if wrote and method != "GET":
                site.restore()
        actual[key] = " ".join(cells)
        want = MATRIX.get(key)
        if want is None:
            problems.append(f"{key}: no row in MATRIX")
        elif want.split() != cells:
            diff = ", ".join(f"{r}: want {w} got {g}" for r, w, g in
                             zip(ROLES, want.split(), cells, strict=True) if w != g)
            problems.append(f"{key} ({urls[key]}): {diff}")
    if problems:
        table = "\n".join(f'    "{k}":{" " * max(1, 70 - len(k))}"{v}",'
                          for k, v in sorted(actual.items(),
                                             key=lambda kv: (kv[0].split(" ", 1)[1], kv[0])))
        pytest.fail("access matrix differs:\n  " + "\n  ".join(problems)
                    + "\n\nthe actual table:\n" + table, pytrace=False)


def test_routes_that_want_a_query_string_work_without_one(site):
    """A page opened without its ?parameters (a cut-off link) answers, never with a 5xx."""
    bad = []
    with site.app.test_request_context():
        urls = {key: url_for_rule(rule, site.ids).split("?")[0]
                for key, rule in routes(site.app) if pattern_of(key) in QUERY}
    for key, url in urls.items():
        for role in ROLES:
            method = key.split(" ", 1)[0]
            data = {"csrf_token": site.tokens[role]} if method == "POST" else None
            try:
                r = site.client(role).open(url, method=method, data=data)
                status = r.status_code
                r.close()
            except Exception as e:  # noqa: BLE001 - TESTING re-raises what would be a 500
                status = f"500 ({type(e).__name__}: {e})"
            if not isinstance(status, int) or status >= 500:
                bad.append(f"{key} as {role}: {status}")
    site.restore()
    assert urls and not bad, "\n".join(bad)


def pattern_of(key: str) -> str:
    return key.split(" ", 1)[1]


def test_nested_ids_must_belong_to_their_parent(site):
    """/parent/<ours>/child/<theirs>: a child of another community under a parent the user
    manages is refused (403/404) and nothing is written, for every nested route."""
    site.restore()
    foreign = site.ids["foreign"]
    problems, tried = [], 0
    for key, rule in routes(site.app):
        child = [a for a in rule.arguments if a in foreign]
        if not child or len(rule.arguments - {"action", "section"}) < 2:
            continue
        with site.app.test_request_context():
            url = url_for_rule(rule, {**site.ids, **{a: foreign[a] for a in child}})
        method = key.split(" ", 1)[0]
        for role in ("worker", "volunteer"):
            before = site.version()
            data = {"csrf_token": site.tokens[role]} if method == "POST" else None
            resp = site.client(role).open(url, method=method, data=data)
            resp.close()
            tried += 1
            if resp.status_code not in (403, 404):
                problems.append(f"{key} as {role} ({url}): {resp.status_code}")
            if site.version() != before:
                problems.append(f"{key} as {role} ({url}): wrote data")
                site.restore()
    assert tried >= 10, "the nested routes were not found"
    assert not problems, "a child of another place was accepted:\n  " + "\n  ".join(problems)
