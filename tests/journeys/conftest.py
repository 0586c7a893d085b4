"""Journeys: what each role does, in Debian's Chromium, using only what a person sees.

A journey follows links and presses buttons by their visible Chinese text, fills what a person
would fill, leaves every other field as the form offers it, and asserts on what the next page
shows (and, where it matters, on the database). Residents and volunteers: JavaScript off at
240×320; staff: JavaScript on and off at 390×844; the kiosk: 1080×1920.

The package has its own live server with the demo data and one Chromium for all its journeys.
Journeys share that data, so each one makes what it needs (a new issue, a new ballot) instead
of counting on what another journey left.
"""

import re
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from community.extensions import db
from tests.browser import conftest as browser_tests
from tests.crawl import DEMO_PIN, ROLES

# The browser tests' fixtures, for this package: its own demo server, its own Chromium.
base_url = browser_tests.base_url


@pytest.fixture(scope="package")
def live_server(tmp_path_factory):
    """The demo server of tests/browser; the journeys log in some two hundred times from
    one address, so the per-address login limit (its own tests are in test_auth) is raised."""
    server_fixture = browser_tests.live_server.__wrapped__
    for server in server_fixture(tmp_path_factory):
        server.app.config["LOGIN_RATE_LIMIT"] = "10000 per minute"
        server.app.config["POST_RATE_LIMIT"] = "10000 per minute"
        yield server

PHONE = {"small": (240, 320), "staff": (390, 844), "kiosk": (1080, 1920)}


@pytest.fixture(scope="package")
def browser():
    yield from browser_tests.chromium_offline()


@pytest.fixture
def page_factory(browser, live_server):  # noqa: F811
    """As tests/browser's, except that 422 (a form sent back with a message beside a field)
    is a page a person reads, not a fault."""
    contexts = browser_tests.Contexts(browser, live_server)
    yield contexts
    contexts.close()
    errors = [e for e in contexts.errors if "422" not in e]
    assert not contexts.blocked, "requests to other hosts:\n" + "\n".join(contexts.blocked)
    assert not errors, "console errors:\n" + "\n".join(errors)


@pytest.fixture
def open_as(page_factory, base_url):  # noqa: F811
    """open_as(role, js=False, size="small") → a page logged in through the login form."""
    def opener(role, js=False, size="small", phone=None):
        width, height = PHONE[size]
        page = page_factory(js=js, width=width, height=height)
        page.goto(base_url + "/")
        if role != "anonymous":
            log_in(page, phone or ROLES[role])
        return page
    return opener


def log_in(page, phone, pin=DEMO_PIN):
    """From any page: follow 登录, type the phone and PIN, press 登录."""
    page.get_by_role("link", name="登录", exact=True).first.click()
    page.get_by_label("手机号或居民码").fill(phone)
    page.get_by_label("密码").fill(pin)
    press(page, "登录")
    page.get_by_role("heading", name="我的待办").wait_for()


def settled(page, action):
    """Do action (a click) and wait for the next page: a new document, or with JavaScript on
    htmx's boosted swap of the body. Either way the old <main> is gone."""
    page.evaluate("() => document.querySelector('main')?.setAttribute('data-stale', '')")
    action()
    page.locator("main:not([data-stale])").wait_for(state="attached")
    page.wait_for_load_state()


def press(page, name, exact=True):
    """Press the button with this visible text (in the page's main part)."""
    settled(page, page.locator("main").get_by_role("button", name=name, exact=exact).first.click)


def follow(page, name, exact=True, where="body"):
    """Follow the (first) link with this visible text."""
    settled(page, page.locator(where).get_by_role("link", name=name, exact=exact).first.click)


def choose(page, label, option):
    """Pick an option of a <select> by the field's label and the option's visible text."""
    page.get_by_label(label, exact=True).select_option(label=option)


def main_text(page) -> str:
    return page.locator("main").inner_text()


def heading(page) -> str:
    return page.locator("h1").first.inner_text()


def beijing(days=0, hours=0) -> str:
    """A datetime-local value in Beijing time, as a person types it into the field."""
    when = datetime.now(ZoneInfo("Asia/Shanghai")) + timedelta(days=days, hours=hours)
    return when.strftime("%Y-%m-%dT%H:%M")


def in_db(server, query, **params):
    """One scalar from the live server's database."""
    with server.app.app_context():
        return db.session.execute(db.text(query), params).scalar()


def number_in(url: str) -> int:
    return int(re.findall(r"/(\d+)", url)[-1])
