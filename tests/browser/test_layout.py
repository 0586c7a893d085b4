"""Log in and reach my to-dos on small phones without JavaScript, with htmx, and on the kiosk."""

import pytest

from tests.browser.conftest import layout_problems, log_in
from tests.crawl import ROLES, crawl_as

pytestmark = pytest.mark.browser

SCREENS = [  # (JavaScript, width, height)
    pytest.param(False, 240, 320, id="nojs-240x320"),
    pytest.param(False, 320, 568, id="nojs-320x568"),
    pytest.param(True, 320, 568, id="htmx-320x568"),
    pytest.param(True, 1080, 1920, id="kiosk-1080x1920"),
]


@pytest.mark.parametrize(("js", "width", "height"), SCREENS)
def test_resident_logs_in_and_sees_todos(page_factory, base_url, js, width, height):
    page = page_factory(js=js, width=width, height=height)
    page.goto(f"{base_url}/")
    problems = [f"welcome: {p}" for p in layout_problems(page)]
    page.goto(f"{base_url}/login")
    problems += [f"login: {p}" for p in layout_problems(page)]
    log_in(page, base_url, "13800000001")
    assert page.locator("h1").inner_text() == "我的待办"
    problems += [f"home: {p}" for p in layout_problems(page)]
    if problems:
        pytest.fail("\n".join(problems), pytrace=False)


def test_evaluate_measures_the_no_js_page(page_factory, base_url):
    """page.evaluate still works with the page's JavaScript off, and the page stays script-less."""
    page = page_factory(js=False)
    page.goto(f"{base_url}/login")
    assert page.evaluate("document.documentElement.scrollWidth") > 0
    assert page.evaluate("typeof window.htmx") == "undefined"  # htmx.js did not run


def test_with_js_login_and_menu_are_boosted_swaps(page_factory, base_url):
    page = page_factory(js=True)
    page.goto(f"{base_url}/login")
    page.evaluate("window.__same_document = true")
    log_in(page, base_url, "13800000001", open_form=False)
    # htmx boosted the form: same document, new URL pushed, body swapped.
    assert page.evaluate("window.__same_document === true")
    page.get_by_role("navigation").get_by_role("link", name="我的").click()
    page.wait_for_url(f"{base_url}/me")
    assert page.locator("h1").inner_text() == "我的信息"
    assert page.evaluate("window.__same_document === true")


FIRST_SCREEN = """() => {
  const h = document.querySelector('h1');
  if (!h) return null;
  const cs = getComputedStyle(h);
  const line = parseFloat(cs.lineHeight) || parseFloat(cs.fontSize) * 1.3;
  return Math.round(h.getBoundingClientRect().top + line);  // its first line
}"""


@pytest.mark.parametrize("role", ["anonymous", "resident", "volunteer", "worker"])
@pytest.mark.parametrize("elder", [False, True], ids=["standard", "elder"])
def test_heading_is_in_the_first_screen_at_240x320(page_factory, base_url, live_server, role,
                                                   elder):
    """On a 240×320 phone without JavaScript the page's <h1> (its first line) is within the
    first screen (before: it started at 304 px, 428 px in 长辈模式):
    the header is one short row and the menu follows the page (菜单 jumps to it)."""
    pages = crawl_as(live_server.app, role, per_pattern=1).pages
    page = page_factory(js=False, width=240, height=320)
    if ROLES[role]:
        log_in(page, base_url, ROLES[role])
    if elder:
        page.goto(base_url + "/")
        page.locator("form[action='/elder'] button").click()
        page.locator("body.elder").wait_for()
    late = []
    for p in pages:
        page.goto(base_url + p.url)
        bottom = page.evaluate(FIRST_SCREEN)
        if bottom is None or bottom > 320:
            late.append(f"{p.url}: the first line of <h1> ends at {bottom} px")
    assert pages and not late, "\n".join(late)
