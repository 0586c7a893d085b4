"""CPU per request, measured in-process with the Flask test client (time.process_time).

CPU time is far less sensitive than wall time to other programs sharing the machine, so this
is the figure the sizing in docs/deploy.md starts from. It leaves out gunicorn's own share
(see the hello ceiling) and, on PostgreSQL, the database server's CPU."""

import re
import statistics
import time
from dataclasses import dataclass

from client import csrf_of, ticket_of

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


def _timed(samples: list, fn):
    cpu, wall = time.process_time(), time.perf_counter()
    r = fn()
    samples.append((time.process_time() - cpu, time.perf_counter() - wall))
    return r


def _cost(what: str, samples: list) -> Cost:
    return Cost(what, statistics.median(c for c, _ in samples) * 1000,
                statistics.median(w for _, w in samples) * 1000, len(samples))


def _login(client, code: str, samples: list | None = None) -> None:
    page = client.get("/login").get_data(as_text=True)
    form = {"login": code, "pin": PIN, "csrf_token": csrf_of(page)}
    r = _timed(samples, lambda: client.post("/login", data=form)) if samples is not None \
        else client.post("/login", data=form)
    if r.status_code != 303:
        raise RuntimeError(f"login {code} answered {r.status_code}")


def cpu_costs(app, login_code: str, ballot_id: int, board_id: int, n: int = 15) -> list[Cost]:
    """Median CPU and wall time of each hot page and of each step of a vote."""
    client = app.test_client()
    _login(client, login_code)
    costs = []
    for what, path, anonymous in (("GET / (resident)", "/", False),
                                  ("GET /ballots/<id>", f"/ballots/{ballot_id}", False),
                                  ("GET /issues", "/issues", False),
                                  ("GET /board/<unit_id> (public)", f"/board/{board_id}", True)):
        c = app.test_client() if anonymous else client
        for _ in range(2):
            c.get(path)  # templates compiled, caches warm
        samples: list = []
        for _ in range(n):
            _timed(samples, lambda c=c, path=path: c.get(path))
        costs.append(_cost(what, samples))
    return costs + _vote_costs(app, ballot_id, n, login_code)


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
