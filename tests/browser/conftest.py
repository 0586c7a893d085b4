"""Browser fixtures: a live demo server, Debian's Chromium through Playwright, fresh contexts.

Chromium is Debian's (`apt-get install chromium`), not a Playwright download. Without it (or
without node_modules for axe-core) the tests skip and say so; under CI=true they fail.
"""

import logging
import os
import shutil
import threading
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from werkzeug.serving import make_server

from tests.conftest import close_app, make_app
from tests.crawl import DEMO_PIN, need

ROOT = Path(__file__).resolve().parents[2]
AXE_JS = ROOT / "node_modules" / "axe-core" / "axe.min.js"
CHROMIUM = os.environ.get("CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless=new", "--no-sandbox", "--disable-gpu",
                 "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run", "--disable-quic"]


@dataclass
class LiveServer:
    app: object
    url: str  # http://127.0.0.1:PORT, no trailing slash
    host: str  # 127.0.0.1:PORT


@pytest.fixture(scope="package")
def live_server(tmp_path_factory):
    """The app on a SQLite file (or TEST_DATABASE_URL) with the demo data, on a free port."""
    from community.demo import seed_all

    app = make_app(tmp_path_factory.mktemp("live"))
    with app.app_context():
        seed_all.run()
    quiet = logging.getLogger("werkzeug")
    level = quiet.level
    quiet.setLevel(logging.WARNING)  # one INFO line per request would bury failure reports
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, name="live-server", daemon=True)
    thread.start()
    host = f"127.0.0.1:{server.server_port}"
    yield LiveServer(app, f"http://{host}", host)
    server.shutdown()
    server.server_close()
    thread.join(5)
    quiet.setLevel(level)
    close_app(app)


@pytest.fixture(scope="package")
def browser():
    """One headless Chromium for the tests in this folder (stopped after them, so that tests
    elsewhere may start Playwright's sync API again)."""
    yield from chromium_offline()


def chromium_offline():
    """Start Playwright and Debian's Chromium, yield the browser, stop both.

    Every host but the live server's goes to a dead proxy, so a request to another host fails
    in the network stack (no per-request interception, and the HTTP cache stays on); the
    contexts record such requests as failures."""
    need("chromium", os.path.exists(CHROMIUM), "apt-get install chromium (or set CHROMIUM=path)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:  # pragma: no cover - requirements-dev.txt has it
        need("playwright", False, "make setup (pip install -r requirements-dev.txt)")
    pw = sync_playwright().start()
    b = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS,
                           proxy={"server": "http://127.0.0.1:9", "bypass": "127.0.0.1"})
    yield b
    b.close()
    pw.stop()


@pytest.fixture(scope="session")
def axe_js() -> Path:
    need(str(AXE_JS), AXE_JS.exists(), "run `make setup` (npm ci installs axe-core)")
    return AXE_JS


@dataclass
class Contexts:
    """Browser contexts made for one test; requests to other hosts are recorded (the browser's
    dead proxy makes them fail)."""
    browser: object
    server: LiveServer
    blocked: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    opened: list = field(default_factory=list)

    def __call__(self, js=True, width=320, height=568, bypass_csp=False):
        """A new page in a new context: JavaScript on or off, a viewport, nothing shared.

        Use bypass_csp=True only to inject axe-core (add_script_tag inlines it)."""
        ctx = self.browser.new_context(java_script_enabled=js, bypass_csp=bypass_csp,
                                       viewport={"width": width, "height": height},
                                       locale="zh-CN", service_workers="block")
        ctx.set_default_timeout(15_000)
        self.opened.append(ctx)
        page = ctx.new_page()
        page.on("request", self._request)
        if not bypass_csp:
            page.on("console", self._console)
        page.on("response", self._response)
        return page

    def _request(self, request):
        parts = urlsplit(request.url)
        if parts.scheme not in ("data", "blob", "about") and parts.netloc != self.server.host:
            self.blocked.append(request.url)

    def _console(self, msg):
        # CSP violations (inline script/style) and failed loads show up as console errors.
        if msg.type == "error":
            self.errors.append(f"{msg.text} (at {msg.location.get('url')})")

    def _response(self, response):
        if response.status >= 400:
            self.errors.append(f"{response.status} for {response.url}")

    def close(self):
        for ctx in self.opened:
            ctx.close()


@pytest.fixture
def page_factory(browser, live_server):
    """page_factory(js=True, width=320, height=568) → a page in a fresh context.

    After the test, any request to another host, 4xx/5xx response or console error is a
    failure (a test that visits an error page on purpose clears page_factory.errors)."""
    contexts = Contexts(browser, live_server)
    yield contexts
    contexts.close()
    assert not contexts.blocked, "requests to other hosts:\n" + "\n".join(contexts.blocked)
    assert not contexts.errors, "console errors:\n" + "\n".join(contexts.errors)


@pytest.fixture
def base_url(live_server) -> str:
    return live_server.url


def log_in(page, base_url: str, phone: str, pin: str = DEMO_PIN, open_form=True) -> None:
    """Log in through the real form and wait for the home page."""
    if open_form:
        page.goto(f"{base_url}/login")
    page.fill("#login", phone)
    page.fill("#pin", pin)
    page.locator("main form button[type=submit]").click()
    # A locator wait, not wait_for_function: the page's CSP forbids eval.
    page.locator("h1", has_text="我的待办").wait_for()
    assert urlsplit(page.url).path == "/"


# Measured in the page; page.evaluate runs even in a context with JavaScript disabled (it goes
# through the DevTools protocol, not the page's scripts), so the no-JS layout is measured as is.
MEASURE = """() => {
  const out = {scrollWidth: document.documentElement.scrollWidth, innerWidth: window.innerWidth,
               fontSize: parseFloat(getComputedStyle(document.body).fontSize), small: []};
  const sel = 'main a, main button, main input, main select, main textarea, main summary,'
            + 'nav a, nav button, header a, header button';
  for (const el of document.querySelectorAll(sel)) {
    const cs = getComputedStyle(el);
    if (el.type === 'hidden' || cs.visibility === 'hidden') continue;
    let box = el;
    if ((el.type === 'checkbox' || el.type === 'radio') && el.closest('label')) {
      box = el.closest('label');  // the label is the touch target
    }
    const r = box.getBoundingClientRect();
    if (!r.width && !r.height) continue;  // not rendered
    // An inline link inside running text may be 44x44 (WCAG 2.5.5); everything else 48 high.
    const inline = el.tagName === 'A' && cs.display === 'inline';
    const minH = inline ? 44 : 48, minW = 44;
    if (r.height < minH - 0.5 || r.width < minW - 0.5) {
      const text = (el.textContent || el.name || el.id || '').trim().slice(0, 30);
      out.small.push(`<${el.tagName.toLowerCase()}> "${text}" ${Math.round(r.width)}x`
                     + `${Math.round(r.height)} (needs ${minW}x${minH})`);
    }
  }
  return out;
}"""


def layout_problems(page) -> list[str]:
    """Horizontal overflow, body text under 18 px and small touch targets on this page."""
    m = page.evaluate(MEASURE)
    out = []
    if m["scrollWidth"] > m["innerWidth"]:
        out.append(f"scrolls sideways: {m['scrollWidth']} px wide in a {m['innerWidth']} px "
                   "viewport")
    if m["fontSize"] < 18:
        out.append(f"body text is {m['fontSize']} px (needs 18)")
    out += [f"small touch target {s}" for s in m["small"]]
    return out
