"""When the database is unavailable the app fails closed: a clear 503 page, nothing written.

Three ways it goes: no connection can be opened (the file or server is gone), every write
fails after the reads worked (disk full, read-only, locked), and the second write of a
request fails after the first went through (the request must not leave half its work).
"""

from contextlib import contextmanager

import pytest
from sqlalchemy import event

from community.extensions import db
from tests.security.site import changed

DOWN = "系统暂停服务"
# What each kind of visitor might be doing when the database goes away.
REQUESTS = [
    ("anonymous", "GET", "/"),
    ("anonymous", "GET", "/board/{unit_id}"),
    ("anonymous", "GET", "/healthz"),
    ("anonymous", "POST", "/login"),
    ("resident", "GET", "/"),
    ("resident", "GET", "/issues"),
    ("resident", "GET", "/ballots/{ballot_id}"),
    ("resident", "POST", "/issues/new"),
    ("resident", "POST", "/issues/{comment_issue_id}/comments"),
    ("resident", "POST", "/ballots/{ballot_id}/vote"),
    ("worker", "GET", "/triage"),
    ("worker", "POST", "/issues/{issue_id}/triage"),
    ("kiosk", "GET", "/kiosk"),
    ("kiosk", "POST", "/kiosk/login"),
]
DATA = {"title": "楼道灯坏了", "body": "三楼的灯不亮", "unit_id": "{building_id}",
        "login": "13800000001", "pin": "135790", "option": "1", "confirmed": "1",
        "category": "small", "responsible": "物业", "reason": "小事", "step": "code",
        "code": "20000001", "key": "ok"}


@contextmanager
def database(site, fail):
    """Run the block with the engine failing as `fail` says ("connect" or a write number);
    yields the statements that tried (a connection, or a write)."""
    with site.app.app_context():
        engine = db.engine
        db.session.remove()
        engine.dispose()
    writes = []
    error = engine.dialect.loaded_dbapi.OperationalError  # sqlite3's or psycopg's

    def no_connection(dialect, conn_rec, cargs, cparams):
        writes.append("connect")
        raise error("could not connect: the database is gone")

    def failing_write(conn, cursor, statement, parameters, context, executemany):
        if statement.lstrip().split(" ", 1)[0].upper() in ("INSERT", "UPDATE", "DELETE"):
            writes.append(statement)
            if len(writes) >= fail:
                raise error("could not write: the disk is read-only")

    hook = ("do_connect", no_connection) if fail == "connect" else \
        ("before_cursor_execute", failing_write)
    event.listen(engine, *hook)
    try:
        yield writes
    finally:
        event.remove(engine, *hook)
        with site.app.app_context():
            db.session.remove()
            engine.dispose()


def _ask(site, role, method, url):
    url = url.format(**site.ids)
    c = site.client(role)
    if method == "GET":
        return url, c.get(url)
    data = {k: v.format(**site.ids) for k, v in DATA.items()}
    data["csrf_token"] = site.tokens[role]
    return url, c.post(url, data=data)


@pytest.mark.parametrize("fail", ["connect", 1, 2], ids=["no connection", "writes fail",
                                                          "second write fails"])
def test_fails_closed(clean, fail):
    site = clean
    before = site.digest()
    problems = []
    for role, method, url in REQUESTS:
        if fail != "connect" and method == "GET":
            continue  # reads still work; only what writes is asked
        version = site.version()
        with database(site, fail) as tried:
            try:
                url, r = _ask(site, role, method, url)
            except Exception as e:  # noqa: BLE001 - an error the app did not handle
                problems.append(f"{method} {url} as {role}: {type(e).__name__}: {e}"[:300])
                continue
        html = r.get_data(as_text=True)
        where = f"{method} {url} as {role}"
        failed = len(tried) >= (1 if fail == "connect" else fail)
        if failed and r.status_code != 503:
            problems.append(f"{where}: {r.status_code} instead of 503")
        elif failed and DOWN not in html:
            problems.append(f"{where}: 503 without the Chinese page")
        if failed and site.version() != version:
            problems.append(f"{where}: wrote part of its work ({tried[:fail]})")
        if "Traceback" in html or "OperationalError" in html:
            problems.append(f"{where}: shows the error")
        if r.status_code == 503 and "no-store" not in r.headers.get("Cache-Control", ""):
            problems.append(f"{where}: a 503 that a cache may keep")
        r.close()
        if not failed and site.version() != version:
            site.restore()  # a request that needed fewer writes than `fail` went through
            before = site.digest()
    assert not problems, "\n".join(problems)
    assert not changed(before, site.digest()), "something was written"


def test_healthz_says_503_when_the_database_is_gone(clean):
    with database(clean, "connect"):
        r = clean.client().get("/healthz")
    assert r.status_code == 503
    assert clean.client().get("/healthz").status_code == 200
