"""CPU and SQL queries per request, measured in-process with the Flask test client
(time.process_time; a counter on the engine's before_cursor_execute).

CPU time is far less sensitive than wall time to other programs sharing the machine, so this
is the figure the sizing in docs/deploy.md starts from. It leaves out gunicorn's own share
(see the hello ceiling) and, on PostgreSQL, the database server's CPU."""

import re
import statistics
import time
from contextlib import contextmanager
from dataclasses import dataclass
from io import BytesIO

from client import USER_AGENT, csrf_of, ticket_of
from hot import pages
from sqlalchemy import event
from werkzeug.test import EnvironBuilder

from community.ballots.models import Caster, Participation
from community.extensions import db
from community.residents.models import Resident

PIN = "135790"


@dataclass
class Cost:
    what: str
    cpu_ms: float
    wall_ms: float
    n: int
    queries: int | None = None  # the most any of the n requests made


def _timed(samples: list, fn):
    cpu, wall = time.process_time(), time.perf_counter()
    r = fn()
    samples.append((time.process_time() - cpu, time.perf_counter() - wall))
    return r


def _cost(what: str, samples: list, queries: int | None = None) -> Cost:
    return Cost(what, statistics.median(c for c, _ in samples) * 1000,
                statistics.median(w for _, w in samples) * 1000, len(samples), queries)


@contextmanager
def counting(app):
    """Count the SQL statements the app's engine runs: yields a one-item list."""
    with app.app_context():
        engine = db.engine
    seen = [0]

    def count(*_args):
        seen[0] += 1

    event.listen(engine, "before_cursor_execute", count)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", count)


def _login(client, code: str, samples: list | None = None) -> None:
    page = client.get("/login").get_data(as_text=True)
    form = {"login": code, "pin": PIN, "csrf_token": csrf_of(page)}
    r = _timed(samples, lambda: client.post("/login", data=form)) if samples is not None \
        else client.post("/login", data=form)
    if r.status_code != 303:
        raise RuntimeError(f"login {code} answered {r.status_code}")


def page_costs(app, login_code: str, ballot_id: int, board_id: int, n: int = 15,
               empty: bool = False, only: str | None = None) -> list[Cost]:
    """Median CPU and wall time, and queries, of each hot page (bench/hot.py `pages`) as a
    WSGI call, warm: each page is fetched twice first (templates compiled, per-process caches
    filled)."""
    client = app.test_client()
    _login(client, login_code)
    cookie = f"ysting={client.get_cookie('ysting').value}"
    costs = []
    for what, path, personal in pages(ballot_id, board_id, empty):
        if only and what != only:
            continue
        get = _wsgi_get(app, path, cookie if personal else "")
        for _ in range(2):
            get()
        samples: list = []
        with counting(app) as seen:
            most = 0
            for _ in range(n):
                before = seen[0]
                _timed(samples, get)
                most = max(most, seen[0] - before)
        costs.append(_cost(what, samples, most))
    return costs


def _wsgi_get(app, path: str, cookie: str):
    """A GET as gunicorn hands it to the app: the WSGI call alone, with gzip accepted, the
    body read; without the test client's own work (environ building, cookie jar, wrapping),
    which is gunicorn's share in production (the hello ceiling)."""
    headers = {"Accept-Encoding": "gzip", "User-Agent": USER_AGENT}
    if cookie:
        headers["Cookie"] = cookie
    environ = EnvironBuilder(path=path, headers=headers).get_environ()
    status: list[str] = []

    def start_response(st, _headers, _exc=None):
        status.append(st)

    def get():
        status.clear()
        body = app({**environ, "wsgi.input": BytesIO()}, start_response)
        try:
            b"".join(body)
        finally:
            if hasattr(body, "close"):
                body.close()
        if not status[0].startswith("200"):
            raise RuntimeError(f"GET {path} answered {status[0]} in-process")
    return get


def cpu_costs(app, login_code: str, ballot_id: int, board_id: int, n: int = 15,
              empty: bool = False) -> list[Cost]:
    """Each hot page (page_costs), then each step of a vote."""
    return page_costs(app, login_code, ballot_id, board_id, n, empty) + \
        _vote_costs(app, ballot_id, n, login_code)


def _vote_costs(app, ballot_id: int, n: int, keep_out: str) -> list[Cost]:
    """Log in, choose, confirm and see the receipt, for n voters who have not voted yet."""
    with app.app_context():
        voted = db.select(Participation.id).where(Participation.ballot_id == Caster.ballot_id,
                                                  Participation.voter_key == Caster.voter_key)
        codes = db.session.scalars(
            db.select(Resident.code).join(Caster, Caster.resident_id == Resident.id)
            .where(Caster.ballot_id == ballot_id, ~voted.exists(), Resident.code != keep_out)
            .limit(n)).all()
        db.session.remove()
    steps: dict[str, list] = {"POST /login (scrypt PIN check)": [],
                              "POST /ballots/<id>/vote (confirmation page)": [],
                              "POST /ballots/<id>/vote (confirmed: the vote)": [],
                              "GET /ballots/<id>/voted (receipt)": []}
    login, choose, confirm, receipt = steps.values()
    for code in codes:
        client = app.test_client()
        _login(client, code, login)
        page = client.get(f"/ballots/{ballot_id}").get_data(as_text=True)
        option = _options(page)[0]
        form = {"csrf_token": csrf_of(page), "option": option}
        r = _timed(choose, lambda client=client, form=form: client.post(
            f"/ballots/{ballot_id}/vote", data=form))
        form.update(ticket=ticket_of(r.get_data(as_text=True)), confirmed="1")
        r = _timed(confirm, lambda client=client, form=form: client.post(
            f"/ballots/{ballot_id}/vote", data=form))
        if r.status_code != 303:
            raise RuntimeError(f"vote answered {r.status_code}")
        _timed(receipt, lambda client=client: client.get(f"/ballots/{ballot_id}/voted"))
    return [_cost(what, s) for what, s in steps.items() if s]


def _options(html: str) -> list[str]:
    return re.findall(r'name="option"[^>]*value="(\d+)"', html) or \
        re.findall(r'value="(\d+)"[^>]*name="option"', html)
