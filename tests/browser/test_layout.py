"""Log in and reach my to-dos on small phones without JavaScript, with htmx, and on the kiosk."""

import pytest

from tests.browser.conftest import layout_problems, log_in

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
