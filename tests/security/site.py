"""One demo site per test module, with a logged-in client for every role.

Seeding the demo takes seconds, so it runs once per test run and is kept (a SQLite file, or
under TEST_DATABASE_URL the rows themselves); each module's site starts from a copy.
`Site.restore()` puts the data back as seeded, so a test may post freely and start clean,
and `Site.version()` changes whenever the app commits a write.
"""

import hashlib
import itertools
import shutil
import sqlite3
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import Integer, event, text

from community.extensions import db
from tests.conftest import PG_URL, Client, close_app, csrf_token, make_app
from tests.security import demo

PIN = "135790"
# The eight kinds of visitor of the access matrix; every logged-in one is a demo login.
# other_resident lives in 锦江社区 (another community); other_worker is 锦江社区's worker; kiosk is
# a registered kiosk device with nobody logged in.
ROLES = ("anonymous", "resident", "other_resident", "volunteer", "worker", "party_reviewer",
         "supervisor", "kiosk", "other_worker")
PHONES = {"resident": "13800000001", "volunteer": "13800000002", "worker": "13800000003",
          "party_reviewer": "13800000004", "supervisor": "13800000005",
          "other_worker": "13800000031"}
CONFIG = {"LOGIN_RATE_LIMIT": "100000 per minute",  # the tests log in and post far more
          "POST_RATE_LIMIT": "100000 per minute"}  # than people do

_template: dict = {}  # the seeded demo, once per run: {"saved": file or rows, "extras": ids}
_saves = itertools.count()


class WriteWatch:
    """Counts the app's transactions that committed an INSERT, UPDATE or DELETE."""

    def __init__(self, engine):
        self.count = 0
        self._pending: set[int] = set()
        event.listen(engine, "before_cursor_execute", self._execute)
        event.listen(engine, "commit", self._commit)
        event.listen(engine, "rollback", self._rollback)

    def _execute(self, conn, cursor, statement, parameters, context, executemany):
        if statement.lstrip()[:6].upper() in ("INSERT", "UPDATE", "DELETE"):
            self._pending.add(id(conn))

    def _commit(self, conn):
        if id(conn) in self._pending:
            self._pending.discard(id(conn))
            self.count += 1

    def _rollback(self, conn):
        self._pending.discard(id(conn))


@dataclass
class Site:
    """A demo app on its own database, the role clients' cookies and the demo's ids."""
    app: object
    db_path: Path | None  # the SQLite file; None on PostgreSQL
    ids: dict
    cookies: dict = field(default_factory=dict)  # role → {cookie name: value}
    tokens: dict = field(default_factory=dict)  # role → a CSRF token valid for its cookies
    snapshot: object = None
    writes: WriteWatch | None = None

    def client(self, role: str = "anonymous") -> Client:
        """A fresh test client carrying the role's cookies (logged in, or a kiosk device)."""
        c = self.app.test_client()
        for name, value in self.cookies.get(role, {}).items():
            c.set_cookie(name, value)
        return c

    def login(self, role: str) -> None:
        """Log the role in once and keep its cookies and a CSRF token for later clients."""
        c = self.app.test_client()
        if role == "kiosk":
            c.set_cookie("kiosk", self.ids["kiosk_token"])
        phone = PHONES.get(role) or (self.ids["other_phone"] if role == "other_resident"
                                     else None)
        if phone:
            token = csrf_token(c.get("/login").get_data(as_text=True))
            r = c.post("/login", data={"login": phone, "pin": PIN, "csrf_token": token})
            assert r.status_code == 303, f"{role} ({phone}) could not log in: {r.status_code}"
        self.tokens[role] = csrf_token(c.get("/").get_data(as_text=True))
        self.cookies[role] = {k.key: k.value for k in c._cookies.values()}

    def version(self) -> int:
        """A number that changes whenever the app commits a change to the database."""
        return self.writes.count

    def save(self):
        """The data as it is now (a file copy on SQLite, the rows on PostgreSQL)."""
        with self.app.app_context():
            db.session.remove()
            if self.db_path is None:
                return _save_rows(db.engine)
            db.engine.dispose()
        path = self.db_path.with_suffix(f".save{next(_saves)}")
        _backup(self.db_path, path)
        return path

    def load(self, saved) -> None:
        """Replace the data with what save() returned."""
        with self.app.app_context():
            db.session.remove()
            if self.db_path is None:
                _load_rows(db.engine, saved)
                return
            db.engine.dispose()
        for suffix in ("-wal", "-shm"):
            Path(str(self.db_path) + suffix).unlink(missing_ok=True)
        shutil.copyfile(saved, self.db_path)

    def restore(self) -> None:
        """Put the data back as it was when the site was built."""
        self.load(self.snapshot)

    def digest(self) -> dict[str, tuple[int, str]]:
        """Rows and a hash of all their values, per table: any insert, update or delete shows."""
        out = {}
        with self.app.app_context(), db.engine.connect() as conn:
            for table in db.metadata.sorted_tables:
                rows = conn.execute(table.select().order_by(*table.primary_key.columns)).all()
                h = hashlib.sha256(repr([tuple(r) for r in rows]).encode()).hexdigest()[:16]
                out[table.name] = (len(rows), h)
        return out

    def close(self) -> None:
        close_app(self.app)


def _save_rows(engine) -> dict[str, list[dict]]:
    with engine.connect() as conn:
        return {t.name: [dict(r._mapping) for r in
                         conn.execute(t.select().order_by(*t.primary_key.columns))]
                for t in db.metadata.sorted_tables}


def _load_rows(engine, rows: dict[str, list[dict]]) -> None:
    """Empty every table and insert the saved rows (parents first), then reset the
    sequences, in one transaction."""
    tables = db.metadata.sorted_tables
    with engine.begin() as conn:
        conn.execute(text("TRUNCATE " + ", ".join(f'"{t.name}"' for t in tables)
                          + " RESTART IDENTITY CASCADE"))
        for t in tables:
            if rows[t.name]:
                conn.execute(t.insert(), rows[t.name])
        for t in tables:
            pk = list(t.primary_key.columns)
            if len(pk) == 1 and isinstance(pk[0].type, Integer):
                seq = f"pg_get_serial_sequence('\"{t.name}\"', '{pk[0].name}')"
                top = f'MAX("{pk[0].name}")'
                # Names from our own metadata, never from input.
                sql = f'SELECT setval({seq}, COALESCE({top}, 1), {top} IS NOT NULL) FROM "{t.name}"'  # noqa: E501, S608
                conn.execute(text(sql))


def changed(before: dict, after: dict) -> list[str]:
    """Tables whose rows differ between two digests, in words."""
    return [f"{t}: {before[t][0]} → {after[t][0]} rows" + (" (values changed)"
                                                          if before[t][0] == after[t][0] else "")
            for t in before if before[t] != after.get(t)]


def build_site(tmp: Path, **config) -> Site:
    """A site with the demo data, a kiosk device and every role logged in."""
    app = make_app(tmp, **{**CONFIG, **config})
    if not _template:
        _template.update(_make_template(tmp.parent / "security-template"))
    with app.app_context():
        engine = db.engine
        db_path = None if PG_URL else Path(engine.url.database)
    site = Site(app, db_path, dict(_template["extras"]), writes=WriteWatch(engine))
    site.load(_template["saved"])
    for role in ROLES:
        site.login(role)
    site.snapshot = site.save()
    return site


def _make_template(folder: Path) -> dict:
    """Seed the demo once and keep it: a copy of the SQLite file, or the rows."""
    folder.mkdir(parents=True, exist_ok=True)
    app = make_app(folder)
    with app.app_context():
        extras = _seed()
        if PG_URL:
            saved = _save_rows(db.engine)
        else:
            src = Path(db.engine.url.database)
        db.session.remove()
        db.engine.dispose()
    if not PG_URL:
        saved = folder / "demo-template.sqlite"
        _backup(src, saved)
    return {"saved": saved, "extras": extras}


def _backup(src: Path, dst: Path) -> None:
    a, b = sqlite3.connect(src), sqlite3.connect(dst)
    try:
        a.backup(b)
    finally:
        a.close()
        b.close()


def _seed() -> dict:
    """The demo data plus a kiosk in 船柴社区; return the ids the tests fill URLs with."""
    from community.demo import seed_all
    from community.kiosk import service as kiosk_service

    ctx = seed_all.run()
    device, token = kiosk_service.register_device("党群服务中心大厅", ctx.units["船柴社区"],
                                                  ctx.logins["worker"])
    db.session.commit()
    ids = demo.demo_ids(ctx)
    ids.update(kiosk_token=token, device_id=device.id, foreign=demo.foreign_ids(ctx, ids))
    db.session.commit()
    return ids


class QueryCounter:
    """Count the SQL statements the app sends to the database while active."""

    def __init__(self, engine):
        self.engine = engine
        self.statements: list[str] = []

    def _count(self, conn, cursor, statement, parameters, context, executemany):
        self.statements.append(statement)

    def __enter__(self):
        event.listen(self.engine, "before_cursor_execute", self._count)
        return self

    def __exit__(self, *exc):
        event.remove(self.engine, "before_cursor_execute", self._count)
