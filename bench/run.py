"""`make bench`: the fast run, ≤ 10 minutes on the 2-core machine, one summary table.

On SQLite and on PostgreSQL, one modest dataset each: a small generated city (10,000
residents) and the 2,000-voter electorate. Measured in one run, so every figure is a ratio to
something measured beside it: the bare Flask "hello" ceiling (at the start and at the end),
the app's own empty logged-in view (bench/benchapp.py), each hot page, the anonymous notice
board cached and cold; CPU and SQL queries per page in-process; logins per second; the vote
burst and the crash test. Prints the summary table and writes bench/results/latest.md.
The scale runs (10,000 to 1,000,000 residents) are bench/city.py, `make bench-city`.
"""

import argparse
import os
import sys
import time
from dataclasses import replace

sys.path.insert(1, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

import burst  # noqa: E402
import common  # noqa: E402
import datasets  # noqa: E402
from benchapp import cache_switches  # noqa: E402
from common import Base, dispose, integrity, pg_option  # noqa: E402
from cpu import cpu_costs, page_costs  # noqa: E402
from hot import BOARD, login, measure, pages  # noqa: E402
from login_cost import login_cost  # noqa: E402
from logins import logins  # noqa: E402

STEPS = ("pages", "logins", "burst", "crash")


def options(argv=None):
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--db", choices=("sqlite", "pg", "both"), default="both")
    pg_option(p)
    p.add_argument("--residents", type=int, default=10_000, help="residents in the city")
    p.add_argument("--duration", type=int, default=5, help="seconds per wrk run at 32 conns")
    p.add_argument("--single", type=int, default=0,
                   help="seconds of a 1-connection run after each page (0: none)")
    p.add_argument("--voters", type=int, default=2000)
    p.add_argument("--connections", type=int, default=64, help="connections in the burst")
    p.add_argument("--crash-voters", type=int, default=600,
                   help="voters in the crash test's burst (killed half way)")
    p.add_argument("--login-seconds", type=int, default=5, help="seconds of logins under wrk")
    p.add_argument("--prep", choices=("direct", "http"), default="direct",
                   help="make the voters' sessions in-process (fast) or through the login "
                        "and ballot pages (about 5 page views a voter)")
    p.add_argument("--only", default=",".join(STEPS), help="comma list of " + ",".join(STEPS))
    p.add_argument("--out", default=os.path.join(common.HERE, "results", "latest.md"))
    p.add_argument("--keep", action="store_true", help="keep the work directory")
    return p.parse_args(argv)


class Fast(Base):
    def __init__(self, opts):
        super().__init__(opts)
        self.steps = set(opts.only.split(","))
        self.cold_keys = cache_switches(self.instance)
        self.gen: dict[str, object] = {}
        self.hot: dict[str, list] = {}
        self.cpu: dict[str, list] = {}
        self.logins: dict[str, object] = {}
        self.bursts: list[dict] = []
        self.crashes: list[dict] = []
        self.pin_ms = 0.0

    def pages(self, db: str) -> None:
        """The city: CPU and queries in-process, then each page under wrk."""
        o = self.o
        self.log(f"{db}: generating a city of {o.residents:,} residents")
        app = self.app(db, "city")
        s = datasets.city(app, o.residents)
        self.gen[db] = s
        if not self.pin_ms:
            self.pin_ms = login_cost(app)
        self.log(f"{db}: {s.seconds:.0f} s; CPU and queries per request in-process")
        costs = cpu_costs(app, s.login_code, s.ballot_id, s.board_unit_id, empty=True)
        dispose(app)
        if self.cold_keys:
            cold = self.app(db, "city", cold=True)
            costs += [_renamed(c, BOARD + " cold") for c in
                      page_costs(cold, s.login_code, s.ballot_id, s.board_unit_id, only=BOARD)]
            dispose(cold)
        self.cpu[db] = costs
        runs = []
        with self.server(db, "city") as srv:
            self.log(f"{db}: the hot pages under wrk, {o.duration} s each")
            cookie = login(srv.port, s.login_code, datasets.PIN)
            for name, path, personal in pages(s.ballot_id, s.board_unit_id, empty=True):
                runs.append(measure(srv.port, name, path, cookie if personal else None,
                                    o.duration, o.single))
        board = next(r for r in runs if r.page == BOARD)
        if self.cold_keys:
            self.log(f"{db}: the board with the caches off ({', '.join(self.cold_keys)})")
            with self.server(db, "city", cold=True) as srv:
                runs.append(measure(srv.port, BOARD + " cold", f"/board/{s.board_unit_id}",
                                    None, o.duration, o.single))
        else:
            runs.append(_renamed(board, BOARD + " cold"))
        self.hot[db] = runs

    def votes(self, db: str) -> None:
        """The electorate: logins per second, the vote burst, the crash test."""
        o = self.o
        self.log(f"{db}: electorate of {o.voters:,} and two open ballots")
        app = self.app(db, "votes")
        el = datasets.electorate(app, o.voters, 2)
        if not self.pin_ms:
            self.pin_ms = login_cost(app)
        decode = burst.receipt_decoder(app)
        first, second = el.ballots
        srv = self.server(db, "votes").start()
        try:
            if "logins" in self.steps:
                self.log(f"{db}: logins under wrk for {o.login_seconds} s")
                self.logins[db] = logins(srv.port, el.codes, datasets.PIN, o.login_seconds)
            if not self.steps & {"burst", "crash"}:
                return
            t = time.perf_counter()
            if o.prep == "http":
                voters = burst.prepare(srv.port, el.codes, datasets.PIN, el.options)
            else:
                voters = burst.prepare_direct(app, el.codes, el.options)
            self.log(f"{db}: {len(voters):,} voters' sessions and confirmation forms made "
                     f"({o.prep}) in {time.perf_counter() - t:.0f} s")
            if "burst" in self.steps:
                self.log(f"{db}: vote burst")
                shots, secs = burst.fire(srv.port, voters, list(range(len(voters))), first,
                                         decode, o.connections)
                got = burst.count(app, first, el.codes)
                j = burst.judge(shots, got, first)
                self.bursts.append({**j, "db": db, "voters": len(voters), "seconds": secs,
                                    "connections": o.connections, "votes": len(j["answered"])})
            if "crash" in self.steps:
                srv = self.crash(db, app, srv, voters, el, second, decode)
        finally:
            srv.stop()
            dispose(app)

    def crash(self, db, app, srv, voters, el, ballot, decode):
        self.log(f"{db}: crash test (SIGKILL gunicorn half way through a burst)")
        everyone = list(range(min(len(voters), self.o.crash_voters)))
        shots, _ = burst.fire(srv.port, voters, everyone, ballot, decode, self.o.connections,
                              kill_after=len(everyone), kill=srv.kill)  # half the 2 copies
        killed = srv.proc is None  # kill() was called mid-burst
        srv.kill()  # in case the burst ended before the kill was due: never leave it running
        got = burst.count(app, ballot, el.codes)
        j = burst.judge(shots, got, ballot)
        srv = self.server(db, "votes").start()
        retry = [i for i in everyone if i not in j["answered"]]
        self.log(f"{db}: restarted; {len(retry):,} voters send their confirmation again")
        again, _ = burst.fire(srv.port, voters, retry, ballot, decode, self.o.connections,
                              copies=1)
        final = burst.count(app, ballot, el.codes)
        jf = burst.judge(again, final, ballot)
        self.crashes.append({
            "db": db, "voters": len(everyone), "answered": len(j["answered"]),
            "answered_counted": len(j["answered"] & got["counted"]), "lost": j["lost"],
            "in_flight": len(got["counted"] - j["answered"]), "no_answer": j["no_answer"],
            "final_voters": final["voters"], "duplicates": jf["duplicates"],
            "integrity": integrity(app) + (f"; {jf['ok']:,}/{len(retry):,} resent answered 303"
                                           f", lost {jf['lost']}")
            + ("" if killed else "; THE KILL DID NOT HAPPEN MID-BURST")})
        return srv


def _renamed(x, name: str):
    field = "page" if hasattr(x, "page") else "what"
    return replace(x, **{field: name})


def main(argv=None) -> int:
    o = options(argv)
    b = Fast(o)
    dbs = b.available(["sqlite", "pg"] if o.db == "both" else [o.db], need_wrk=True)
    ok = False
    try:
        b.ceiling("start")
        for db in dbs:
            if "pages" in b.steps:
                b.pages(db)
            if b.steps & {"logins", "burst", "crash"}:
                b.votes(db)
        b.ceiling("end")
        ok = True
    finally:
        b.finish(ok)
    from results import write_fast
    summary, _ = write_fast(b, o, argv if argv is not None else sys.argv[1:])
    print(summary)
    print(f"\nEvery table: {os.path.relpath(o.out)}; "
          f"{(time.monotonic() - b.clock) / 60:.1f} minutes in all.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
