"""Engine settings: SQLite pragmas and write transactions that cannot deadlock on upgrade."""

from flask import has_request_context, request
from sqlalchemy import event
from sqlalchemy.engine import Engine

from .extensions import db


def configure_engine(app):
    """Install SQLite pragmas and transaction handling on the app's engine."""
    with app.app_context():
        engine = db.engine
    if engine.dialect.name == "sqlite":
        _configure_sqlite(engine, app.config["SQLITE_SYNCHRONOUS"])


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
        if has_request_context() and request.method == "POST":
            conn.exec_driver_sql("BEGIN IMMEDIATE")
        else:
            conn.exec_driver_sql("BEGIN")
