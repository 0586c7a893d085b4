"""`flask backup PATH` and `flask restore PATH`: SQLite through its online backup API (a
consistent copy while the app keeps serving), PostgreSQL through `pg_dump -Fc`/`pg_restore`."""

import os
import shutil
import sqlite3
import subprocess  # noqa: S404 - pg_dump and pg_restore, with argument lists, never a shell

import click
from sqlalchemy import inspect, text

from ..extensions import db
from .loader import analyze

SQLITE_MAGIC = b"SQLite format 3\x00"
PGDUMP_MAGIC = b"PGDMP"


class OpsError(click.ClickException):
    """A backup or restore that cannot go ahead, explained in both languages."""


def _url():
    return db.engine.url


def _sqlite_path() -> str:
    path = _url().database
    if not path or path == ":memory:":
        raise OpsError("内存数据库无法备份。 An in-memory database cannot be backed up.")
    return path


def is_empty() -> bool:
    """True when no table (migrations' bookkeeping aside) holds a row."""
    names = [t for t in inspect(db.engine).get_table_names() if t != "alembic_version"]
    with db.engine.connect() as conn:
        return not any(conn.execute(text(f'SELECT 1 FROM "{t}" LIMIT 1')).first()  # noqa: S608
                       for t in names)


def backup(path: str) -> int:
    """Write a consistent copy of the database to path (atomically); returns its size."""
    path = os.path.abspath(path)
    part = path + ".part"
    if _url().get_backend_name() == "sqlite":
        if os.path.abspath(_sqlite_path()) == path:
            raise OpsError("不能备份到数据库文件本身。 PATH is the database itself.")
        _sqlite_copy(_sqlite_path(), part)
    else:
        _pg("pg_dump", "-Fc", "--no-owner", "--no-acl", "-f", part)
    with open(part, "rb") as f:
        os.fsync(f.fileno())
    os.replace(part, path)
    return os.path.getsize(path)


def _sqlite_copy(source: str, target: str) -> None:
    """Copy with sqlite3.Connection.backup in one step: one read snapshot, writers go on."""
    if os.path.exists(target):
        os.remove(target)
    src = sqlite3.connect(source)
    dst = sqlite3.connect(target)
    try:
        src.backup(dst)
        _check(dst, target)
    finally:
        dst.close()
        src.close()


def _check(conn: sqlite3.Connection, name: str) -> None:
    result = conn.execute("PRAGMA quick_check").fetchone()[0]
    if result != "ok":
        raise OpsError(f"{name} 已损坏 is damaged: {result}")


def restore(path: str, force: bool = False) -> None:
    """Replace the database with the backup at path; refuses a non-empty one unless force."""
    with open(path, "rb") as f:
        head = f.read(16)
    sqlite = _url().get_backend_name() == "sqlite"
    if not head.startswith(SQLITE_MAGIC if sqlite else PGDUMP_MAGIC):
        kind = "SQLite" if sqlite else "pg_dump -Fc"
        raise OpsError(f"{path} 不是 {kind} 备份。 {path} is not a {kind} backup.")
    if not force and not is_empty():
        raise OpsError("数据库里已有数据，恢复会覆盖它们；确需覆盖请加 --force。 "
                       "The database is not empty; add --force to overwrite it.")
    db.session.remove()
    db.engine.dispose()
    if sqlite:
        src = sqlite3.connect(f"file:{os.path.abspath(path)}?mode=ro", uri=True)
        dst = sqlite3.connect(_sqlite_path())
        try:
            _check(src, path)
            src.backup(dst)
        except sqlite3.DatabaseError as e:
            raise OpsError(f"{path} 无法恢复 cannot be restored: {e}") from e
        finally:
            dst.close()
            src.close()
    else:
        _pg("pg_restore", "--clean", "--if-exists", "--no-owner", "--no-acl",
            "--single-transaction", "--exit-on-error", path)
    analyze()


def _pg(tool: str, *args: str) -> None:
    """Run pg_dump or pg_restore against the app's database; the password goes in the env."""
    exe = shutil.which(tool)
    if exe is None:
        raise OpsError(f"找不到 {tool}，请安装 postgresql-client。 {tool} not found.")
    url = _url()
    conn = ["-h", url.host or "localhost", "-p", str(url.port or 5432), "-d", url.database]
    if url.username:
        conn += ["-U", url.username]
    env = dict(os.environ)
    if url.password:
        env["PGPASSWORD"] = url.password
    done = subprocess.run([exe, *conn, *args], env=env, capture_output=True, text=True,  # noqa: S603
                          check=False)
    if done.returncode != 0:
        raise OpsError(f"{tool} 失败 failed: {done.stderr.strip()[-2000:]}")


@click.command("backup")
@click.argument("path", type=click.Path(dir_okay=False))
def backup_command(path):
    """Back up the database to PATH (SQLite online backup, or pg_dump -Fc)."""
    size = backup(path)
    click.echo(f"已备份到 {path}（{size / 2**20:.1f} MiB）。 Backed up to {path}.")


@click.command("restore")
@click.argument("path", type=click.Path(exists=True, dir_okay=False))
@click.option("--force", is_flag=True, help="Overwrite a database that already has data.")
def restore_command(path, force):
    """Restore the database from a backup made by `flask backup`. Stop the app first."""
    restore(path, force)
    click.echo(f"已从 {path} 恢复。请运行 flask audit-verify 检查审计链。 "
               f"Restored from {path}; run `flask audit-verify`.")
