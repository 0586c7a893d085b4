"""Engine settings: SQLite pragmas and write transactions that cannot deadlock on upgrade.

On SQLite a POST's transaction begins with BEGIN IMMEDIATE: it holds the write lock from its
first query, so a transaction that reads and then writes cannot fail with
SQLITE_BUSY_SNAPSHOT. A view that mostly reads (the vote's confirmation screen writes
nothing) is marked `@reads_first`: its transaction begins deferred, and the service calls
`write_transaction()` just before it writes, then reads again inside what its decision
depends on. On PostgreSQL transactions begin as usual: row locks and the unique constraints
decide, and `write_transaction()` does nothing.
"""

from functools import wraps

from flask import current_app, g, has_app_context, has_request_context, request
from sqlalchemy import event
from sqlalchemy.engine import Engine

from .extensions import db


def configure_engine(app):
    """Install SQLite pragmas and transaction handling on the app's engine."""
    with app.app_context():
        engine = db.engine
    if engine.dialect.name == "sqlite":
        _configure_sqlite(engine, app.config["SQLITE_SYNCHRONOUS"])


def reads_first(view):
    """Mark a POST view whose transaction begins deferred (no write lock); the service it
    calls opens the write transaction itself (`write_transaction`) where it writes. Put it
    right under `@bp.route`."""
    @wraps(view)
    def wrapped(*args, **kwargs):
        return view(*args, **kwargs)
    wrapped.reads_first = True
    return wrapped


def write_transaction() -> None:
    """From here on, write: on SQLite end the read transaction (it wrote nothing; loaded
    objects stay as read) and make the next statement begin with BEGIN IMMEDIATE, which
    queues for the write lock. Re-read inside it what the decision depends on. Nothing
    changes when the transaction already holds the lock, nor on PostgreSQL."""
    session = db.session()
    if session.get_bind().dialect.name != "sqlite":
        return
    if session.in_transaction():
        if session.connection().info.get("immediate"):
            return
        keep, session.expire_on_commit = session.expire_on_commit, False
        try:
            session.commit()
        finally:
            session.expire_on_commit = keep
    g.write_next = True


def _immediate() -> bool:
    if has_app_context() and g.pop("write_next", False):
        return True
    if not has_request_context() or request.method != "POST":
        return False
    view = current_app.view_functions.get(request.endpoint)
    return not getattr(view, "reads_first", False)


def _configure_sqlite(engine: Engine, synchronous: str):
    @event.listens_for(engine, "connect")
    def on_connect(dbapi_connection, _record):
        # Let SQLAlchemy, not pysqlite, emit BEGIN (SQLAlchemy docs, "Serializable isolation").
        dbapi_connection.isolation_level = None
        cur = dbapi_connection.cursor()
        cur.execute("PRAGMA foreign_keys=ON")
        cur.execute("PRAGMA journal_mode=WAL")
        cur.execute("PRAGMA busy_timeout=10000")
        # FULL: a vote answered with success survives a crash or power cut (WAL + NORMAL may
        # lose the last transactions on power loss). Costs one fsync per commit.
        cur.execute(f"PRAGMA synchronous={synchronous}")
        cur.close()

    @event.listens_for(engine, "begin")
    def on_begin(conn):
        # A POST writes. In WAL mode a deferred transaction that read first and writes later
        # fails at once with SQLITE_BUSY_SNAPSHOT when another writer committed in between;
        # taking the write lock at BEGIN makes writers queue on busy_timeout instead.
        immediate = _immediate()
        conn.info["immediate"] = immediate
        conn.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")
