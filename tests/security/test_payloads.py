"""Hostile text in every text field of every form: stored as text or refused, shown escaped.

The forms are found by crawling the site as each role (forms.py). payloads.py posts each
payload into every text field, then these tests read the database and every page that can
show the text: nothing is interpreted (no element, attribute, script, htmx attribute or
template expression comes from user text), and no request fails with a 5xx.
"""

import csv
import io
import re

import pytest
from openpyxl import load_workbook

from community.extensions import db
from tests.security.payloads import (
    MARKER,
    PAYLOADS,
    marker,
    page_problems,
    post_raw_bytes,
    shown_pages,
    stored_site,
)

pytestmark = pytest.mark.slow  # about 1,700 form posts

# Forms whose free text the demo cannot take whatever is typed (so payloads only ever meet
# the refusal path there); any other form must store at least one payload.
NOT_STORABLE: dict[str, str] = {  # form action pattern → why
    "/residents/N/move": "the address only finds an existing household; nothing typed is kept",
    "/residents/N/owner": "the address only finds an existing household; nothing typed is kept",
}


@pytest.fixture(scope="module")
def stored(site):
    return stored_site(site)


@pytest.fixture(scope="module")
def text_values(site, stored):
    """Every string value in the database that carries a payload marker."""
    out = []
    with site.app.app_context(), db.engine.connect() as conn:
        for table in db.metadata.sorted_tables:
            cols = [c for c in table.columns if c.type.python_type is str]
            if not cols:
                continue
            for row in conn.execute(db.select(*cols)):
                out += [(table.name, v) for v in row if isinstance(v, str) and
                        MARKER.search(v)]
    return out


def test_there_are_enough_payloads():
    assert len(PAYLOADS) >= 40 and len(set(PAYLOADS)) == len(PAYLOADS)


def test_no_payload_makes_an_error(stored):
    errors = [f"{p.form.action} {p.fields} ← {p.payload[:40]!r}: {p.status} {p.error or ''}"
              for p in stored.errors]
    assert not errors, "5xx while posting payloads:\n  " + "\n  ".join(errors)
    odd = sorted({f"{p.form.key.split(' ')[0]} → {p.status}" for p in stored.posts
                  if p.status not in (200, 302, 303, 400, 422)})
    assert not odd, f"unexpected answers: {odd}"


def test_raw_invalid_utf8_makes_no_error(site, stored):
    posts = post_raw_bytes(site)
    assert len(posts) >= 40
    bad = [f"{p.form.action}: {p.status} {p.error or ''}" for p in posts if p.status >= 500]
    assert not bad, "invalid UTF-8 bytes broke:\n  " + "\n  ".join(bad)


def test_every_form_with_free_text_stored_some(stored):
    took = {p.form.key.split(" ")[0] for p in stored.posts
            if p.status in (302, 303) and not p.codes}
    free = {p.form.key.split(" ")[0] for p in stored.posts} - _only_codes(stored)
    missing = sorted(free - took - set(NOT_STORABLE))
    assert not missing, ("forms that refused every payload (fix the fill in payloads.py "
                         f"OVERRIDES, or explain in NOT_STORABLE): {missing}")
    stale = sorted(set(NOT_STORABLE) & took | set(NOT_STORABLE) - free)
    assert not stale, f"remove from NOT_STORABLE: {stale}"


def _only_codes(stored) -> set:
    """Forms whose only text fields are codes or numbers (nothing to store)."""
    free = {p.form.key.split(" ")[0] for p in stored.posts if not p.codes}
    return {p.form.key.split(" ")[0] for p in stored.posts} - free


def test_stored_as_text_not_escaped(text_values):
    """Text is stored as typed (maybe trimmed), never HTML-escaped or stripped of markup."""
    assert len(text_values) > 200, "too few payloads were stored to judge"
    by_marker = {marker(p): p for p in PAYLOADS}
    bad = []
    for table, value in text_values:
        found = list(MARKER.finditer(value))
        for i, m in enumerate(found):
            p = by_marker[m.group()]
            end = found[i + 1].start() if i + 1 < len(found) else len(value)
            seg, body = value[m.end():end], p[p.index(m.group()) + 5:]
            if re.search(r"&(lt|gt|amp|quot|#\d+);", seg) and not re.search(r"&\w+;", body):
                bad.append(f"{table}: {m.group()} stored HTML-escaped: {value[:60]!r}")
            elif "<" in body and "<" not in seg and len(seg) > body.index("<") + 5:
                bad.append(f"{table}: {m.group()} stored without its markup: {value[:60]!r}")
    assert not bad, "\n".join(sorted(set(bad)))


@pytest.fixture(scope="module")
def pages(site, stored):
    return shown_pages(site, stored)


def test_pages_show_payloads_escaped(pages):
    shown = [p for p in pages if MARKER.search(p[4])]
    assert len(shown) >= 30, f"only {len(shown)} pages show a payload"
    problems = []
    for role, url, status, ctype, body in pages:
        if status >= 500:
            problems.append(f"{url} as {role}: {status}")
        if ctype.startswith(("text/html", "application/atom+xml")):
            problems += [f"{url} as {role}: {msg}" for msg in page_problems(body)]
    assert not problems, "payloads shown unsafely:\n  " + "\n  ".join(problems[:80])


def test_calendar_files_keep_text_on_one_line(pages):
    """A title with CR/LF must not start new lines (properties) in an .ics file."""
    bad = []
    for role, url, _status, ctype, body in pages:
        if ctype.startswith("text/calendar"):
            for line in re.split(r"\r\n(?![ \t])", body):
                if MARKER.search(line) is None and re.match(r"(SUMMARY|END|BEGIN):注入", line):
                    bad.append(f"{url} as {role}: {line!r}")
    assert not bad, "\n".join(bad)
    assert any(c.startswith("text/calendar") and MARKER.search(b) for *_, c, b in pages)


def test_report_exports_do_not_start_formulas(site, stored):
    """User text never becomes a spreadsheet formula (CSV/formula injection), and text with
    control characters does not break the workbook."""
    client = site.client("worker")
    ids = site.ids
    bad = []
    for fmt in ("csv", "xlsx"):
        r = client.get(f"/reports/?unit_id={ids['unit_id']}&start=2020-01-01"
                       f"&end={ids['in_20_days']}&fmt={fmt}")
        assert r.status_code == 200, r.status_code
        cells = [(v, f) for v, f in _cells(r.get_data(), fmt) if isinstance(v, str)]
        r.close()
        assert any(MARKER.search(v) for v, _ in cells), f"no payload in the {fmt} report"
        bad += [f"{fmt}: {v[:50]!r}" for v, formula in cells if MARKER.search(v) and formula]
    assert not bad, "cells that a spreadsheet would run as formulas:\n  " + "\n  ".join(bad)


def _cells(data: bytes, fmt: str):
    """(value, would a spreadsheet run it as a formula) for every cell."""
    if fmt == "csv":
        for row in csv.reader(io.StringIO(data.decode("utf-8-sig"))):
            yield from ((v, v[:1] in ("=", "+", "-", "@", "\t", "\r")) for v in row)
        return
    wb = load_workbook(io.BytesIO(data))
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            yield from ((c.value, c.data_type == "f") for c in row)
