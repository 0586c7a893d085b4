"""The three JavaScript-off flows at 320 px in Chromium, and the htmx swaps with JavaScript on."""

import pytest

from tests.browser.conftest import (  # noqa: F401
    base_url,
    browser,
    layout_problems,
    live_server,
    log_in,
    page_factory,
)

pytestmark = pytest.mark.browser


def check(page, problems: list, name: str) -> None:
    problems += [f"{name}: {p}" for p in layout_problems(page)]


# Each click below that loads a page waits for it (expect_navigation): a click returns before
# the next document is there, and on a busy machine the layout was once measured in between.


@pytest.mark.parametrize("width", [240, 320])
def test_resident_posts_in_three_screens_without_js(page_factory, base_url, width):  # noqa: F811
    page = page_factory(js=False, width=width)
    log_in(page, base_url, "13800000001")
    problems: list[str] = []
    with page.expect_navigation():
        page.get_by_role("navigation").get_by_role("link", name="议题").click()
    check(page, problems, "list")
    with page.expect_navigation():
        page.get_by_role("link", name="提出新议题").click()  # screen 1: the form
    check(page, problems, "form")
    page.fill("#title", f"楼道扶手松了{width}")
    page.fill("#body", "三单元二楼到三楼的扶手晃得厉害。")
    with page.expect_navigation():
        page.get_by_role("button", name="提交").click()  # screen 2: the issue page
    assert page.locator("h1").inner_text() == f"楼道扶手松了{width}"
    assert "已提交" in page.locator("main").inner_text()
    check(page, problems, "issue")
    assert not problems, "\n".join(problems)


def test_volunteer_posts_on_behalf_without_js(page_factory, base_url):  # noqa: F811
    page = page_factory(js=False, width=320)
    log_in(page, base_url, "13800000002")
    problems: list[str] = []
    page.goto(f"{base_url}/issues")
    with page.expect_navigation():
        page.get_by_role("link", name="代居民提交").click()
    page.fill("#q", "张秀英")
    with page.expect_navigation():
        page.get_by_role("button", name="查找").click()
    check(page, problems, "search")
    with page.expect_navigation():
        page.get_by_role("link", name="替张秀英提交").click()
    check(page, problems, "form")
    page.fill("#title", "想在楼下装个座椅")
    page.select_option("#channel", "phone")
    with page.expect_navigation():
        page.get_by_role("button", name="提交").click()
    main = page.locator("main").inner_text()
    assert "想在楼下装个座椅" in main and "由李志刚代为提交" in main and "电话" in main
    assert not problems, "\n".join(problems)


def test_worker_triages_without_js(page_factory, base_url):  # noqa: F811
    page = page_factory(js=False, width=320)
    log_in(page, base_url, "13800000003")
    problems: list[str] = []
    page.goto(f"{base_url}/staff")
    with page.expect_navigation():
        page.get_by_role("link", name="议题分流").click()
    check(page, problems, "board")
    with page.expect_navigation():
        page.locator("main ul.list").first.locator("a").first.click()
    check(page, problems, "decide")
    title = page.locator("h1").inner_text().removeprefix("分流：")
    page.get_by_role("radio", name="小事").check()
    with page.expect_navigation():
        page.get_by_role("button", name="确定分流").click()
    assert "已分流" in page.locator(".flash").inner_text()
    assert title in page.locator("main").inner_text()  # now under 最近分流的
    with page.expect_navigation():
        page.get_by_role("link", name="打印三事分送清单").click()
    assert title in page.locator("main").inner_text()
    check(page, problems, "dispatch")
    assert not problems, "\n".join(problems)


def test_support_and_comment_swap_in_place_with_js(page_factory, base_url):  # noqa: F811
    page = page_factory(js=True, width=320)
    log_in(page, base_url, "13800000001")
    page.goto(f"{base_url}/issues?q=停车棚")  # a neighbour's issue the resident can back
    page.locator("main ul.list a").first.click()
    page.evaluate("window.__same_document = true")
    before = int(page.locator("#issue-support strong").inner_text())
    page.get_by_role("button", name="附议（我也有这个问题）").click()
    page.locator("#issue-support", has_text="您已附议").wait_for()
    assert int(page.locator("#issue-support strong").inner_text()) == before + 1
    page.fill("#body", "支持，雨天车子都淋湿了")
    page.get_by_role("button", name="发表意见").click()
    page.locator("#issue-comments", has_text="支持，雨天车子都淋湿了").wait_for()
    assert page.input_value("#body") == ""
    assert page.evaluate("window.__same_document === true")  # swapped, not reloaded
