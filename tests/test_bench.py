"""The benchmark harness (bench/): its options parse, its app adds the empty logged-in view
and nothing else to the product, and the summary table shows each figure beside its target.
Nothing here is measured; `make bench` does that."""

import os
import sys
from types import SimpleNamespace

import pytest

BENCH = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "bench")
sys.path.insert(0, BENCH)

import benchapp  # noqa: E402
import city  # noqa: E402
import report  # noqa: E402
import run  # noqa: E402
from cpu import Cost  # noqa: E402
from hot import BOARD, EMPTY_PAGE, Run  # noqa: E402
from logins import Logins  # noqa: E402

from community import create_app  # noqa: E402
from community.extensions import db  # noqa: E402


def test_the_fast_and_the_city_runs_parse_their_options():
    fast = run.options([])
    assert (fast.db, fast.residents, fast.voters, fast.connections) == ("both", 10_000, 2000, 64)
    assert set(fast.only.split(",")) == {"pages", "logins", "burst", "crash"}
    scale = city.options(["--db", "sqlite", "--large", "100000,1_000_000"])
    assert (scale.small, scale.large) == (10_000, [100_000, 1_000_000])
    assert city.options([]).large == [100_000, 1_000_000]
    with pytest.raises(SystemExit):
        run.options(["--help"])


def test_postgres_datasets_live_in_their_own_schema():
    url = benchapp.schema_url("postgresql+psycopg://u:p@127.0.0.1/db", "bench_city")
    assert url == "postgresql+psycopg://u:p@127.0.0.1/db?options=-csearch_path%3Dbench_city"


def test_the_bench_app_has_the_empty_logged_in_view_and_production_pin_hashing(tmp_path):
    url = f"sqlite:///{tmp_path}/bench.sqlite"
    app = benchapp.build(url, "secret", str(tmp_path / "instance"))
    assert app.config["PIN_HASH_METHOD"] == benchapp.PIN_HASH_METHOD == "scrypt:4096:8:1"
    assert app.config["PIN_PEPPER"] == benchapp.PEPPER
    with app.app_context():
        db.create_all()
    r = app.test_client().get(benchapp.EMPTY)
    assert r.status_code in (302, 303) and "/login" in r.location
    product = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "secret",
                          "PIN_PEPPER": "x"}, instance_path=str(tmp_path / "instance"))
    assert benchapp.EMPTY not in {rule.rule for rule in product.url_map.iter_rules()}


def _fake_run(b_rps: float):
    def page(name, rps):
        return Run(name, rps, 10, 20, 30, 2000, 0)
    hot = [page(EMPTY_PAGE, 1500), page("/", 600), page("/ballots/<id>", 100),
           page("/issues", 600), page("/ballots/<id>/results", 600), page(BOARD, 1500),
           page(BOARD + " cold", 450)]
    cpu = [Cost(EMPTY_PAGE, 0.5, 0.5, 15, 2), Cost("/", 4, 4, 15, 8),
           Cost("/ballots/<id>", 4, 4, 15, 9), Cost("/issues", 4, 4, 15, 4),
           Cost("/ballots/<id>/results", 3, 3, 15, 5), Cost(BOARD, 0.3, 0.3, 15, 0),
           Cost(BOARD + " cold", 5, 5, 15, 7)]
    burst = {"db": "sqlite", "sent": 4000, "seconds": 5.0, "votes": 2000, "lost": 0,
             "duplicates": 0, "5xx": 0, "p95": 150.0}
    crash = {"db": "sqlite", "lost": 0, "answered": 300, "final_voters": 600, "voters": 600}
    return SimpleNamespace(
        hello=[Run("hello (start)", b_rps, 1, 2, 3, 100, 0)], hello_rps=b_rps,
        hot={"sqlite": hot}, cpu={"sqlite": cpu}, bursts=[burst], crashes=[crash],
        logins={"sqlite": Logins(60, 100, 200, 0, 300)}, cold_keys={"BOARD_CACHE_SECONDS": 0},
        o=SimpleNamespace(voters=2000, connections=64))


def test_the_summary_shows_each_figure_beside_its_target():
    text = report.summary(_fake_run(3000))
    lines = {line.split(" | ")[0].strip("| "): line for line in text.splitlines()}
    assert "| target | SQLite (FULL) |" in text.splitlines()[0]
    assert "0.20 (600/s) ✓" in lines["/ logged in, share of hello"]
    assert "0.03 (100/s) ✗" in lines["/ballots/<id> logged in, share of hello"]
    assert "0.50 (1,500/s) ✓" in lines["/board/<id> anonymous, cached, share of hello"]
    assert "0.15 (450/s) ✓" in lines["/board/<id> anonymous, cold, share of hello"]
    assert "0.50 ms ✓" in lines["empty logged-in view, CPU in-process"]
    assert "| 8 ✓ |" in lines["queries: /"] and "| 9 ✗ |" in lines["queries: /ballots/<id>"]
    assert "7 (cached: 0) ✓" in lines["queries: /board/<id> cold (and cached)"]
    assert "800 (400 votes/s) ✓" in next(v for k, v in lines.items() if "vote burst (" in k)
    assert "150 ms ✓" in lines["vote burst: p95"]
    assert "| 0 / 0 / 0 ✓ |" in lines["vote burst: lost / duplicate / 5xx"]
    assert "60 ✓" in next(v for k, v in lines.items() if k.startswith("logins per second"))
