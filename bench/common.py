"""What the fast run (bench/run.py, `make bench`) and the city run (bench/city.py,
`make bench-city`) share: a work directory, the databases, gunicorn servers and the ceiling."""

import os
import secrets
import shutil
import sys
import tempfile
import time
from datetime import datetime

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
if ROOT not in sys.path:
    sys.path.insert(1, ROOT)

import datasets  # noqa: E402
from benchapp import schema_url  # noqa: E402
from hot import measure  # noqa: E402
from server import Server  # noqa: E402

# The bench works in its own schemas (bench_*) of this database; it never touches another.
# .ci/run makes this role and database; any database the role may create schemas in will do.
PG_URL = "postgresql+psycopg://yst_ci:yst_ci@127.0.0.1/yst_ci_test"


def pg_option(p) -> None:
    p.add_argument("--pg-url", default=os.environ.get("BENCH_PG_URL", PG_URL),
                   help="a PostgreSQL database the bench may make schemas in; it makes, "
                        "empties and drops its own (bench_*) and no other (env BENCH_PG_URL)")


class Base:
    def __init__(self, opts):
        self.o = opts
        self.work = tempfile.mkdtemp(prefix="yst-bench-")
        self.secret = secrets.token_urlsafe(32)
        self.hello: list = []
        self.skipped: list[str] = []
        self.schemas: list = []
        self.started = datetime.now().astimezone()
        self.clock = time.monotonic()
        self.load_before = os.getloadavg()
        from results import busy_others
        self.others_before = busy_others()

    def log(self, text: str) -> None:
        print(f"[{time.strftime('%H:%M:%S')}] {text}", flush=True)

    def url(self, db: str, name: str) -> str:
        if db == "sqlite":
            return f"sqlite:///{self.work}/{name}.sqlite"
        return schema_url(self.o.pg_url, "bench_" + name.replace("-", "_"))

    @property
    def instance(self) -> str:
        return os.path.join(self.work, "instance")

    def server(self, db: str, name: str, cold: bool = False) -> Server:
        env = {"BENCH_DATABASE_URL": self.url(db, name), "BENCH_SECRET_KEY": self.secret,
               "BENCH_INSTANCE": self.instance, "BENCH_COLD": "1" if cold else "0"}
        return Server("bench.wsgi:app", os.path.join(self.work, "gunicorn.log"), env)

    def app(self, db: str, name: str, cold: bool = False):
        app = datasets.make_app(self.url(db, name), self.secret, self.instance, cold)
        if db == "pg" and not cold:
            self.schemas.append(app)
        return app

    def ceiling(self, label: str, single: int = 0) -> None:
        self.log(f"hello ceiling ({label})")
        with Server("bench.hello:app", os.path.join(self.work, "hello.log"), ready="/") as s:
            run = measure(s.port, f"hello ({label})", "/", None, self.o.duration, single)
        self.hello.append(run)

    @property
    def hello_rps(self) -> float:
        return sum(r.rps for r in self.hello) / len(self.hello) if self.hello else 0.0

    def available(self, dbs: list[str], need_wrk: bool) -> list[str]:
        """Drop what this machine cannot run, saying why (PostgreSQL down, no wrk)."""
        if "pg" in dbs:
            from sqlalchemy import create_engine, text
            try:
                engine = create_engine(self.o.pg_url)
                with engine.connect() as conn:
                    conn.execute(text("SELECT 1"))
                engine.dispose()
            except Exception as e:  # noqa: BLE001 - any failure means: no PostgreSQL here
                self.skipped.append(f"PostgreSQL skipped ({type(e).__name__}: {e}"
                                    .splitlines()[0] + "). Pass --pg-url or set BENCH_PG_URL.")
                dbs = [d for d in dbs if d != "pg"]
        if need_wrk and shutil.which("wrk") is None:
            self.skipped.append("wrk is not installed (apt-get install wrk): no HTTP figures.")
            raise SystemExit("\n".join(self.skipped))
        return dbs

    def finish(self, ok: bool) -> None:
        """Drop the PostgreSQL schemas and the work directory (kept when the run failed)."""
        for app in self.schemas:
            try:
                datasets.drop(app)
            except Exception as e:  # noqa: BLE001 - cleaning up must not hide the figures
                self.log(f"could not drop a bench schema: {e}")
        if ok and not getattr(self.o, "keep", False):
            shutil.rmtree(self.work, ignore_errors=True)
        elif not ok:
            self.log(f"failed; SQLite databases and server logs kept in {self.work}")


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
