"""The vote burst (2,000 voters, each confirmation sent twice, 64 connections) and the crash
test (SIGKILL gunicorn in the middle of such a burst, restart, count)."""

import itertools
import threading
import time
from dataclasses import dataclass, field
from urllib.parse import urlencode

from client import USER_AGENT, Session, csrf_of, ticket_of

from community.ballots.models import BallotCount, Participation, SecretChoice
from community.extensions import db
from community.residents.models import Resident

CHOICES = (0, 0, 0, 0, 1, 1, 2)  # 同意, 同意, … 反对, 弃权: a plausible mix


@dataclass
class Voter:
    code: str
    cookie: str = ""
    forms: dict[int, str] = field(default_factory=dict)  # ballot id → confirmation body


@dataclass
class Shot:
    voter: int
    status: int | None  # None: no answer (the server was gone)
    location: str | None
    seconds: float
    receipt: str | None


def _pool(n_threads: int, jobs: list, work) -> None:
    """Run work(job, state) for every job on n_threads threads; each thread keeps a state."""
    counter, lock = itertools.count(), threading.Lock()

    def loop():
        state: dict = {}
        while True:
            with lock:
                i = next(counter)
            if i >= len(jobs):
                return
            work(jobs[i], state)

    threads = [threading.Thread(target=loop) for _ in range(n_threads)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()


def prepare(port: int, codes: list[str], pin: str, options: dict[int, list[int]],
            threads: int = 32) -> list[Voter]:
    """Log every voter in (a session each), open each ballot and choose: the confirmation
    page gives the form (CSRF token and signed ticket) to send during the burst."""
    voters = [Voter(c) for c in codes]
    failures: list[str] = []

    def work(i, _state):
        v, s = voters[i], Session(port)
        try:
            s.login(v.code, pin)
            token = None
            for ballot_id, option_ids in options.items():
                option = str(option_ids[CHOICES[i % len(CHOICES)]])
                if token is None:  # one CSRF token serves the whole session
                    token = csrf_of(s.get(f"/ballots/{ballot_id}").body)
                r = s.post(f"/ballots/{ballot_id}/vote", {"csrf_token": token, "option": option})
                if r.status != 200:
                    raise RuntimeError(f"confirmation page answered {r.status}")
                v.forms[ballot_id] = urlencode({"csrf_token": csrf_of(r.body), "option": option,
                                                "ticket": ticket_of(r.body), "confirmed": "1"})
            v.cookie = s.cookie_header()
        except (OSError, RuntimeError, ValueError) as e:
            failures.append(f"{v.code}: {e}")
        finally:
            s.close()

    _pool(threads, list(range(len(voters))), work)
    if failures:
        raise RuntimeError(f"{len(failures)} voters could not be prepared: {failures[:3]}")
    return voters


def prepare_direct(app, codes: list[str], options: dict[int, list[int]]) -> list[Voter]:
    """The same sessions and confirmation forms made in-process, with the app's own
    login_user, generate_csrf and make_ticket: seconds instead of minutes of page views."""
    from flask import session
    from flask_login import login_user
    from flask_wtf.csrf import generate_csrf

    from community import clock
    from community.ballots.forms import make_ticket
    from community.ballots.service import new_receipt

    serializer = app.session_interface.get_signing_serializer(app)
    voters = [Voter(c) for c in codes]
    with app.app_context():
        ids = dict(db.session.execute(db.select(Resident.code, Resident.id)
                                      .where(Resident.code.in_(codes))).all())
    for i, v in enumerate(voters):
        # A fresh app context each time: flask_wtf caches the token in `g`.
        with app.app_context(), app.test_request_context(
                "/login", method="POST", headers={"User-Agent": USER_AGENT}):
            session.permanent = True
            login_user(db.session.get(Resident, ids[v.code]))
            session["seen"] = int(clock.now().timestamp())
            token = generate_csrf()
            for ballot_id, option_ids in options.items():
                option = str(option_ids[CHOICES[i % len(CHOICES)]])
                ticket = make_ticket(ballot_id, f"r{ids[v.code]}", new_receipt())
                v.forms[ballot_id] = urlencode({"csrf_token": token, "option": option,
                                                "ticket": ticket, "confirmed": "1"})
            v.cookie = "ysting=" + serializer.dumps(dict(session))
            db.session.remove()
    return voters


def fire(port: int, voters: list[Voter], which: list[int], ballot_id: int, decode,
         connections: int = 64, copies: int = 2, kill_after: int | None = None,
         kill=None) -> tuple[list[Shot], float]:
    """Send each chosen voter's confirmation `copies` times (back to back, so the copies race)
    over `connections` connections. With kill_after, call kill() once that many have been
    answered with success. Returns every shot and the wall time."""
    jobs = [i for i in which for _ in range(copies)]
    shots: list[Shot] = []
    lock, killed = threading.Lock(), threading.Event()

    def work(i, state):
        s = state.setdefault("s", Session(port, timeout=120))
        v, started = voters[i], time.perf_counter()
        try:
            r = s.request("POST", f"/ballots/{ballot_id}/vote", v.forms[ballot_id],
                          cookie=v.cookie, keep_cookies=False)
            got = r.set_cookie.get("ysting")
            shot = Shot(i, r.status, r.location, r.seconds, decode(got) if got else None)
        except OSError:
            shot = Shot(i, None, None, time.perf_counter() - started, None)
        with lock:
            shots.append(shot)
            done = sum(1 for x in shots if x.status == 303)
        if kill_after is not None and done >= kill_after and not killed.is_set():
            killed.set()
            kill()

    started = time.perf_counter()
    _pool(connections, jobs, work)
    return shots, time.perf_counter() - started


def receipt_decoder(app):
    """Read the receipt the app put in the session cookie of a 303 (we hold the secret)."""
    serializer = app.session_interface.get_signing_serializer(app)

    def decode(cookie: str) -> str | None:
        kept = serializer.loads(cookie).get("receipt")
        return kept[1] if kept else None
    return decode


def count(app, ballot_id: int, codes: list[str]) -> dict:
    """What the database holds for the ballot after the burst."""
    with app.app_context():
        keys = dict(db.session.execute(db.select(Resident.code, Resident.id)
                                       .where(Resident.code.in_(codes))).all())
        parts = db.session.scalars(db.select(Participation.voter_key)
                                   .where(Participation.ballot_id == ballot_id)).all()
        receipts = set(db.session.scalars(db.select(SecretChoice.receipt)
                                          .where(SecretChoice.ballot_id == ballot_id)))
        heads = db.session.scalar(db.select(db.func.sum(BallotCount.heads))
                                  .where(BallotCount.ballot_id == ballot_id)) or 0
        db.session.remove()
    voted = set(parts)
    return {"participations": len(parts), "voters": len(voted), "choices": len(receipts),
            "heads": heads, "receipts": receipts,
            "counted": {i for i, c in enumerate(codes) if f"r{keys[c]}" in voted}}


def judge(shots: list[Shot], db_count: dict, ballot_id: int) -> dict:
    """Lost, duplicate and failed votes, and latency, from the answers and the database."""
    ok = [s for s in shots if s.status == 303 and s.location == f"/ballots/{ballot_id}/voted"]
    answered = {s.voter for s in ok}
    ok_ids = {id(s) for s in ok}
    lost = {s.voter for s in ok if s.voter not in db_count["counted"]
            or s.receipt not in db_count["receipts"]}
    by_voter: dict[int, set] = {}
    for s in ok:
        by_voter.setdefault(s.voter, set()).add(s.receipt)
    n = db_count["participations"]
    duplicates = (n - db_count["voters"]) + max(0, db_count["choices"] - n) + \
        max(0, db_count["heads"] - n)
    times = sorted(s.seconds for s in shots if s.status is not None)
    return {"sent": len(shots), "ok": len(ok), "answered": answered, "lost": len(lost),
            "duplicates": duplicates, "receipt_mismatch": sum(len(r) > 1 for r in
                                                              by_voter.values()),
            "5xx": sum(1 for s in shots if s.status and s.status >= 500),
            "other": _statuses(s for s in shots if s.status and s.status < 500
                               and id(s) not in ok_ids),
            "no_answer": sum(1 for s in shots if s.status is None),
            "p50": _pct(times, 50), "p95": _pct(times, 95), "p99": _pct(times, 99)}


def _statuses(shots) -> str:
    """"0", or what else came back, e.g. "409×3, 422×1"."""
    seen: dict[int, int] = {}
    for s in shots:
        seen[s.status] = seen.get(s.status, 0) + 1
    return ", ".join(f"{k}×{v}" for k, v in sorted(seen.items())) or "0"


def _pct(sorted_values: list[float], p: int) -> float:
    if not sorted_values:
        return 0.0
    return sorted_values[min(len(sorted_values) - 1, len(sorted_values) * p // 100)] * 1000
