"""A resident on a slow phone posts an issue, presses Back and 提交 again (the page seemed
not to react): there is still one issue, and the page says it was already received."""

import pytest

from tests.journeys.conftest import follow, in_db, main_text, press
from tests.journeys.test_resident import neighbour

pytestmark = pytest.mark.browser


def test_back_and_submit_again_makes_no_second_issue(open_as, live_server):
    page = open_as("resident", phone=neighbour(live_server, skip=8))
    title = "旅程：返回后再提交，楼下路灯不亮"
    follow(page, "议题")
    follow(page, "提出新议题", where="main")
    page.get_by_label("标题", exact=False).fill(title)
    page.get_by_label("详细情况", exact=False).fill("晚上七点以后一片黑。")
    press(page, "提交")
    first = page.url
    page.go_back()
    page.locator("main form").wait_for()
    if not page.get_by_label("标题", exact=False).input_value():  # the form came back empty
        page.get_by_label("标题", exact=False).fill(title)
        page.get_by_label("详细情况", exact=False).fill("晚上七点以后一片黑。")
    press(page, "提交")
    assert in_db(live_server, "SELECT count(*) FROM issue WHERE title = :t", t=title) == 1
    assert page.url == first and "已经提交过了，没有重复提交" in main_text(page), main_text(page)
