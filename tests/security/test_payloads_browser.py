"""The stored payloads in Chromium: no dialog opens, no injected element or request exists.

The pages are those of test_payloads (shown_pages), chosen so every payload shown anywhere is
loaded at least once and every kind of page that shows one is loaded too. The CSP is
bypassed, so what is checked is the escaping itself: with the CSP on, an injected script
would be blocked anyway.
"""

import re
import threading

import pytest
from werkzeug.serving import make_server

from tests.browser.conftest import chromium_offline
from tests.crawl import pattern
from tests.security.payloads import MARKER, shown_pages, stored_site

pytestmark = [pytest.mark.browser, pytest.mark.slow]

PROBE = """() => ({
  pwned: document.getElementById('pwned') !== null,
  handlers: [...document.querySelectorAll('*')].filter(
      el => [...el.attributes].some(a => a.name.startsWith('on'))).length,
  title: document.title,
})"""


@pytest.fixture(scope="module")
def server(site):
    stored = stored_site(site)
    pages = shown_pages(site, stored)
    httpd = make_server("127.0.0.1", 0, site.app, threaded=True)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_port}", pages
    httpd.shutdown()
    httpd.server_close()
    thread.join(5)


@pytest.fixture(scope="module")
def chromium():
    yield from chromium_offline()


def choose(pages) -> list[tuple[str, str]]:
    """(role, url): every marker shown on some HTML page, and every kind of page that shows
    one, at least once."""
    html = [(role, url, set(MARKER.findall(body))) for role, url, status, ctype, body in pages
            if ctype.startswith("text/html") and status == 200 and MARKER.search(body)]
    chosen, kinds, covered = [], set(), set()
    for role, url, marks in sorted(html, key=lambda p: -len(p[2])):
        kind = pattern(url)
        if marks - covered or kind not in kinds:
            chosen.append((role, url))
            covered |= marks
            kinds.add(kind)
    return chosen


def test_no_payload_runs_in_chromium(site, server, chromium):
    base, pages = server
    chosen = choose(pages)
    assert len(chosen) >= 10, chosen
    problems = []
    by_role: dict[str, list[str]] = {}
    for role, url in chosen:
        by_role.setdefault(role, []).append(url)
    for role, urls in by_role.items():
        ctx = chromium.new_context(bypass_csp=True, java_script_enabled=True,
                                   service_workers="block")
        ctx.set_default_timeout(15_000)
        ctx.add_cookies([{"name": k, "value": v, "url": base}
                         for k, v in site.cookies[role].items()])
        page = ctx.new_page()
        dialogs, requests = [], []
        page.on("dialog", lambda d, box=dialogs: (box.append(d.message), d.dismiss()))
        page.on("request", lambda r, box=requests: box.append(r.url))
        for url in urls:
            requests.clear()
            page.goto(base + url, wait_until="load")
            state = page.evaluate(PROBE)
            where = f"{url} as {role}"
            if state["pwned"]:
                problems.append(f"{where}: an injected element #pwned exists")
            if state["handlers"]:
                problems.append(f"{where}: {state['handlers']} elements with on* handlers")
            strange = [r for r in requests if re.search(r"/logout|evil\.example", r)]
            if strange:
                problems.append(f"{where}: requests made by injected markup: {strange}")
        if dialogs:
            problems.append(f"as {role}: dialogs opened: {dialogs[:5]}")
        ctx.close()
    assert not problems, "\n".join(problems)
