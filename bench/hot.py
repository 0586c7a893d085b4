"""Hot pages under gunicorn, driven by wrk: throughput at 32 connections and latency."""

import json
import os
import statistics
import subprocess
import time
from dataclasses import dataclass

from benchapp import EMPTY
from client import Session
from server import ROOT

LUA = os.path.join(ROOT, "bench", "report.lua")


@dataclass
class Run:
    page: str
    rps: float
    p50: float  # milliseconds
    p95: float
    p99: float
    avg_bytes: float
    errors: int
    single_p50: float = 0.0  # one connection: the page's own service time


def wrk(port: int, path: str, cookie: str | None, connections: int, seconds: int) -> dict:
    """One wrk run; returns its JSON summary (latencies in microseconds)."""
    args = ["wrk", f"-t{min(2, connections)}", f"-c{connections}", f"-d{seconds}s",
            "--timeout", "10s", "-s", LUA, "-H", "Accept-Encoding: gzip"]
    if cookie:
        args += ["-H", f"Cookie: {cookie}"]
    out = subprocess.run([*args, f"http://127.0.0.1:{port}{path}"], capture_output=True,
                         text=True, check=True, timeout=seconds + 60).stdout
    line = next(x for x in out.splitlines() if x.startswith("BENCH "))
    return json.loads(line[len("BENCH "):])


def measure(port: int, page: str, path: str, cookie: str | None, seconds: int,
            single_seconds: int) -> Run:
    """32 connections for `seconds`, then one connection, checking the page before and after
    (a redirect to the login page would also count as a success in wrk)."""
    _check(port, path, cookie)
    w = wrk(port, path, cookie, 32, seconds)
    drain(port, path, cookie)
    one = wrk(port, path, cookie, 1, single_seconds) if single_seconds else None
    _check(port, path, cookie)
    drain(port, path, cookie)
    errors = w["status_errors"] + w["connect"] + w["read"] + w["write"] + w["timeout"]
    return Run(page, w["requests"] / (w["duration_us"] / 1e6), w["p50"] / 1e3, w["p95"] / 1e3,
               w["p99"] / 1e3, w["bytes"] / max(w["requests"], 1), errors,
               one["p50"] / 1e3 if one else 0.0)


def drain(port: int, path: str, cookie: str | None, limit: float = 60) -> None:
    """Wait until requests wrk left queued in the listen backlog are served: sync workers
    finish every accepted connection even after wrk has gone."""
    deadline = time.monotonic() + limit
    quick = 0
    while quick < 3 and time.monotonic() < deadline:
        r = Session(port).request("GET", path, cookie=cookie or "", keep_cookies=False)
        quick = quick + 1 if r.seconds < 0.25 else 0


def _check(port: int, path: str, cookie: str | None) -> None:
    r = Session(port).request("GET", path, cookie=cookie or "", keep_cookies=False)
    if r.status != 200:
        raise RuntimeError(f"GET {path} answered {r.status} (expected 200)")


def login(port: int, login_code: str, pin: str) -> str:
    """A resident's session cookie, from the login form."""
    s = Session(port)
    s.login(login_code, pin)
    return s.cookie_header()


EMPTY_PAGE = "empty logged-in view"
BOARD = "/board/<id> (anonymous)"


def pages(ballot_id: int, board_id: int, empty: bool = False) -> list[tuple[str, str, bool]]:
    """(name, path, logged in): the hot pages as a logged-in resident, the board anonymously;
    with `empty`, first the bench's own empty logged-in view (bench/benchapp.py)."""
    return [*([(EMPTY_PAGE, EMPTY, True)] if empty else []),
            ("/", "/", True), ("/ballots/<id>", f"/ballots/{ballot_id}", True),
            ("/issues", "/issues", True),
            ("/ballots/<id>/results", f"/ballots/{ballot_id}/results", True),
            (BOARD, f"/board/{board_id}", False)]


def median_run(runs: list[Run]) -> Run:
    """Each figure's median over rounds of the same page."""
    def mid(name):
        return statistics.median(getattr(r, name) for r in runs)
    return Run(runs[0].page, mid("rps"), mid("p50"), mid("p95"), mid("p99"), mid("avg_bytes"),
               sum(r.errors for r in runs), mid("single_p50"))
