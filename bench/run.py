"""`make bench`: hot pages against a bare Flask ceiling, a small and a large generated city,
the page weights, the vote burst and the crash test, on SQLite and PostgreSQL.

Writes bench/results/latest.md and prints it. The full city is a separate, longer run:
    .venv/bin/python bench/run.py --large 1000000 --only hot
"""

import argparse
import os
import secrets
import shutil
import sys
import tempfile
import time
from datetime import datetime

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.path.insert(1, ROOT)

import burst  # noqa: E402
import datasets  # noqa: E402
from cpu import cpu_costs  # noqa: E402
from hot import login, measure, median_run, pages  # noqa: E402
from server import Server  # noqa: E402

PG_URL = "postgresql+psycopg://yst_bench:yst_bench@127.0.0.1/yst_bench"
PG_URL_LARGE = PG_URL + "_big"
STEPS = ("weight", "hot", "burst", "crash")


def options(argv=None):
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--db", choices=("sqlite", "pg", "both"), default="both")
    p.add_argument("--pg-url", default=os.environ.get("BENCH_PG_URL", PG_URL))
    p.add_argument("--pg-url-large", default=os.environ.get("BENCH_PG_URL_LARGE", PG_URL_LARGE),
                   help="a second database: the large city is served beside the small one")
    p.add_argument("--small", type=int, default=10_000, help="residents in the small city")
    p.add_argument("--large", type=int, default=100_000,
                   help="residents in the large city (the full run: 1000000)")
    p.add_argument("--duration", type=int, default=5, help="seconds per wrk run at 32 conns")
    p.add_argument("--single", type=int, default=2, help="seconds per 1-connection run (0: no)")
    p.add_argument("--rounds", type=int, default=1, help="runs per page and size (medians)")
    p.add_argument("--voters", type=int, default=2000)
    p.add_argument("--connections", type=int, default=64)
    p.add_argument("--crash-voters", type=int, default=600,
                   help="voters in the crash test's burst (killed half way)")
    p.add_argument("--prep", choices=("direct", "http"), default="direct",
                   help="make the voters' sessions in-process (fast) or through the login "
                        "and ballot pages (about 5 page views a voter)")
    p.add_argument("--only", default=",".join(STEPS), help="comma list of " + ",".join(STEPS))
    p.add_argument("--out", default=os.path.join(HERE, "results", "latest.md"))
    p.add_argument("--keep", action="store_true", help="keep the work directory")
    return p.parse_args(argv)


class Bench:
    def __init__(self, opts):
        self.o = opts
        self.steps = set(opts.only.split(","))
        self.work = tempfile.mkdtemp(prefix="yst-bench-")
        self.secret = secrets.token_urlsafe(32)
        self.sections: list[str] = []
        self.hello: list = []
        self.hot: dict[tuple[str, str], list] = {}
        self.gen: list[dict] = []
        self.bursts: list[dict] = []
        self.crashes: list[dict] = []
        self.skipped: list[str] = []
        self.cpu: dict[tuple[str, str], list] = {}
        self.started = datetime.now().astimezone()
        self.load_before = os.getloadavg()
        from results import busy_others
        self.others_before = busy_others()

    def log(self, text: str) -> None:
        print(f"[{time.strftime('%H:%M:%S')}] {text}", flush=True)

    def url(self, db: str, name: str) -> str:
        if db == "sqlite":
            return f"sqlite:///{self.work}/{name}.sqlite"
        return self.o.pg_url_large if name == "city-large" else self.o.pg_url

    def server(self, db: str, name: str) -> Server:
        env = {"BENCH_DATABASE_URL": self.url(db, name), "BENCH_SECRET_KEY": self.secret,
               "BENCH_INSTANCE": os.path.join(self.work, "instance")}
        return Server("bench.wsgi:app", os.path.join(self.work, "gunicorn.log"), env)

    def app(self, db: str, name: str):
        return datasets.make_app(self.url(db, name), self.secret,
                                 os.path.join(self.work, "instance"))

    def ceiling(self, label: str) -> None:
        self.log(f"hello ceiling ({label})")
        with Server("bench.hello:app", os.path.join(self.work, "hello.log"), ready="/") as s:
            run = measure(s.port, f"hello ({label})", "/", None, self.o.duration, self.o.single)
        self.hello.append(run)

    def cities(self, db: str) -> None:
        """Generate the small and the large city, serve both, and measure each page on one
        and then the other, round after round, so background load drifts over both alike."""
        made = {}
        for size, residents in (("small", self.o.small), ("large", self.o.large)):
            self.log(f"{db}: generating a city of {residents:,} residents")
            app = self.app(db, f"city-{size}")
            made[size] = datasets.city(app, residents, progress=residents >= 100_000)
            s = made[size]
            self.gen.append({"db": db, "residents": residents, "rows": s.rows,
                             "seconds": s.seconds, "size": s.size_bytes,
                             "communities": datasets.communities_for(residents)})
            self.log(f"{db}: {s.seconds:.0f} s, {s.size_bytes / 2**20:.0f} MiB; CPU per request")
            self.cpu[(db, size)] = cpu_costs(app, s.login_code, s.ballot_id, s.board_unit_id)
            dispose(app)
        servers: dict[str, Server] = {}
        try:
            for size in made:
                servers[size] = self.server(db, f"city-{size}").start()
            self.log(f"{db}: measuring the hot pages, small and large in turn")
            cookies = {size: login(servers[size].port, made[size].login_code, datasets.PIN)
                       for size in made}
            runs: dict[str, list] = {size: [] for size in made}
            todo = {size: pages(made[size].ballot_id, made[size].board_unit_id) for size in made}
            for i in range(len(todo["small"])):
                for _ in range(self.o.rounds):
                    for size in made:
                        name, path, personal = todo[size][i]
                        runs[size].append(measure(servers[size].port, name, path,
                                                  cookies[size] if personal else None,
                                                  self.o.duration, self.o.single))
            for size in made:
                by_page: dict[str, list] = {}
                for r in runs[size]:
                    by_page.setdefault(r.page, []).append(r)
                self.hot[(db, size)] = [median_run(v) for v in by_page.values()]
        finally:
            for srv in servers.values():
                srv.stop()

    def votes(self, db: str) -> None:
        self.log(f"{db}: electorate of {self.o.voters:,} and two open ballots")
        app = self.app(db, "votes")
        el = datasets.electorate(app, self.o.voters, 2)
        decode = burst.receipt_decoder(app)
        first, second = el.ballots
        everyone = list(range(len(el.codes)))
        srv = self.server(db, "votes").start()
        try:
            self.log(f"{db}: sessions and confirmation forms for {len(el.codes):,} voters "
                     f"({self.o.prep})")
            t = time.perf_counter()
            if self.o.prep == "http":
                voters = burst.prepare(srv.port, el.codes, datasets.PIN, el.options)
            else:
                voters = burst.prepare_direct(app, el.codes, el.options)
            self.log(f"{db}: prepared in {time.perf_counter() - t:.0f} s")
            if "burst" in self.steps:
                self.log(f"{db}: vote burst")
                shots, secs = burst.fire(srv.port, voters, everyone, first, decode,
                                         self.o.connections)
                got = burst.count(app, first, el.codes)
                j = burst.judge(shots, got, first)
                self.bursts.append({**j, "db": db, "voters": len(voters), "seconds": secs,
                                    "connections": self.o.connections,
                                    "votes": len(j["answered"])})
            if "crash" in self.steps:
                srv = self.crash(db, app, srv, voters, el, second, decode)
        finally:
            srv.stop()
        dispose(app)

    def crash(self, db, app, srv, voters, el, ballot, decode) -> Server:
        self.log(f"{db}: crash test (SIGKILL gunicorn half way through a burst)")
        everyone = list(range(min(len(voters), self.o.crash_voters)))
        shots, _ = burst.fire(srv.port, voters, everyone, ballot, decode, self.o.connections,
                              kill_after=len(everyone), kill=srv.kill)
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


def dispose(app) -> None:
    """Close the bench process's own connections (PostgreSQL counts them)."""
    from community.extensions import db
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


def integrity(app) -> str:
    """SQLite's quick_check and the audit chain, after the crash."""
    from sqlalchemy import text

    from community.audit.service import verify
    from community.extensions import db
    with app.app_context():
        words = []
        if db.engine.dialect.name == "sqlite":
            words.append("quick_check " + db.session.execute(text("PRAGMA quick_check")).scalar())
        words.append("audit chain " + ("intact" if verify().ok else "BROKEN"))
        db.session.remove()
        return ", ".join(words)


def available(b: Bench, dbs: list[str]) -> list[str]:
    """Drop what this machine cannot run, saying why (PostgreSQL down, no wrk)."""
    if "pg" in dbs:
        from sqlalchemy import create_engine, text
        try:
            for url in (b.o.pg_url, b.o.pg_url_large):
                engine = create_engine(url)
                with engine.connect() as conn:
                    conn.execute(text("SELECT 1"))
                engine.dispose()
        except Exception as e:  # noqa: BLE001 - any failure means: no PostgreSQL here
            b.skipped.append(f"PostgreSQL skipped ({type(e).__name__}: {e}".splitlines()[0]
                             + "). Create the databases as README says, or pass --pg-url "
                             "and --pg-url-large.")
            dbs = [d for d in dbs if d != "pg"]
    if "hot" in b.steps and shutil.which("wrk") is None:
        b.skipped.append("Hot pages skipped: wrk is not installed (apt-get install wrk).")
        b.steps.discard("hot")
    return dbs


def main(argv=None) -> int:
    o = options(argv)
    b = Bench(o)
    dbs = available(b, ["sqlite", "pg"] if o.db == "both" else [o.db])
    from login_cost import login_cost
    pin_ms = login_cost()
    weights = None
    ok = False
    try:
        if "weight" in b.steps:
            b.log("page weights (crawling the demo as every role)")
            weights = __import__("weight").page_weights(b.work)
        if "hot" in b.steps:
            b.ceiling("start")
            for db in dbs:
                b.cities(db)
            b.ceiling("end")
        if b.steps & {"burst", "crash"}:
            for db in dbs:
                b.votes(db)
        ok = True
    finally:
        if ok and not o.keep:
            shutil.rmtree(b.work, ignore_errors=True)
        elif not ok:
            b.log(f"failed; databases and server logs kept in {b.work}")
    from results import write
    text = write(b, o, weights, pin_ms, argv if argv is not None else sys.argv[1:])
    print(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
