"""`make bench-city`: the scale runs. A 10,000-resident city is served beside each larger
one in turn (100,000, then 1,000,000 residents by default), page after page, so background
load drifts over both alike; the p95 ratio large ÷ small says whether a page grows with the
city. Also CPU per request in-process at each size, `flask generate` times and sizes, and the
page weights of the demo crawled as every role. Long: the million-resident city alone takes
6 (SQLite) to 15 (PostgreSQL) minutes to generate. Writes bench/results/city.md.
"""

import argparse
import os
import sys

sys.path.insert(1, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

import common  # noqa: E402
import datasets  # noqa: E402
from common import Base, dispose, pg_option  # noqa: E402
from cpu import cpu_costs  # noqa: E402
from hot import login, measure, median_run, pages  # noqa: E402
from login_cost import login_cost  # noqa: E402

STEPS = ("weight", "hot")


def sizes(text: str) -> list[int]:
    return [int(x.replace("_", "")) for x in text.split(",") if x.strip()]


def options(argv=None):
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--db", choices=("sqlite", "pg", "both"), default="both")
    pg_option(p)
    p.add_argument("--small", type=int, default=10_000, help="residents in the small city")
    p.add_argument("--large", type=sizes, default=sizes("100000,1000000"),
                   help="residents in each larger city, comma-separated (default: "
                        "100000,1000000)")
    p.add_argument("--duration", type=int, default=5, help="seconds per wrk run at 32 conns")
    p.add_argument("--single", type=int, default=2, help="seconds per 1-connection run (0: no)")
    p.add_argument("--rounds", type=int, default=1, help="runs per page and size (medians)")
    p.add_argument("--only", default=",".join(STEPS), help="comma list of " + ",".join(STEPS))
    p.add_argument("--out", default=os.path.join(common.HERE, "results", "city.md"))
    p.add_argument("--keep", action="store_true", help="keep the work directory")
    return p.parse_args(argv)


class City(Base):
    def __init__(self, opts):
        super().__init__(opts)
        self.steps = set(opts.only.split(","))
        self.hot: dict[tuple[str, int, int], list] = {}  # (db, residents, served beside)
        self.gen: list[dict] = []
        self.cpu: dict[tuple[str, int], list] = {}
        self.pin_ms = 0.0

    def generate(self, db: str, name: str, residents: int):
        self.log(f"{db}: generating a city of {residents:,} residents")
        app = self.app(db, name)
        s = datasets.city(app, residents, progress=residents >= 100_000)
        self.gen.append({"db": db, "residents": residents, "rows": s.rows,
                         "seconds": s.seconds, "size": s.size_bytes,
                         "communities": datasets.communities_for(residents)})
        self.log(f"{db}: {s.seconds:.0f} s, {s.size_bytes / 2**20:.0f} MiB; CPU per request")
        if not self.pin_ms:
            self.pin_ms = login_cost(app)
        self.cpu[(db, residents)] = cpu_costs(app, s.login_code, s.ballot_id, s.board_unit_id)
        dispose(app)
        return s

    def cities(self, db: str) -> None:
        """The small city, then each larger one served beside it, measured page by page."""
        small = self.generate(db, "city_small", self.o.small)
        for residents in self.o.large:
            large = self.generate(db, "city_large", residents)
            self.side_by_side(db, {self.o.small: ("city_small", small),
                                   residents: ("city_large", large)})

    def side_by_side(self, db: str, made: dict) -> None:
        servers = {}
        try:
            for size, (name, _) in made.items():
                servers[size] = self.server(db, name).start()
            self.log(f"{db}: measuring the hot pages, {' and '.join(map(str, made))} in turn")
            cookies = {size: login(servers[size].port, s.login_code, datasets.PIN)
                       for size, (_, s) in made.items()}
            todo = {size: pages(s.ballot_id, s.board_unit_id) for size, (_, s) in made.items()}
            runs: dict[int, list] = {size: [] for size in made}
            for i in range(len(next(iter(todo.values())))):
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
                partner = next(x for x in made if x != size)
                self.hot[(db, size, partner)] = [median_run(v) for v in by_page.values()]
        finally:
            for srv in servers.values():
                srv.stop()


def main(argv=None) -> int:
    o = options(argv)
    b = City(o)
    dbs = b.available(["sqlite", "pg"] if o.db == "both" else [o.db],
                      need_wrk="hot" in b.steps)
    weights = None
    ok = False
    try:
        if "weight" in b.steps:
            b.log("page weights (crawling the demo as every role)")
            weights = __import__("weight").page_weights(b.work)
        if "hot" in b.steps:
            b.ceiling("start", o.single)
            for db in dbs:
                b.cities(db)
            b.ceiling("end", o.single)
        ok = True
    finally:
        b.finish(ok)
    from results import write_city
    print(write_city(b, o, weights, argv if argv is not None else sys.argv[1:]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
