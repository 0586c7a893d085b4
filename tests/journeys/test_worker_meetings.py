"""Worker and Party reviewer journeys: a meeting entered the evening it took place, with its
attendance and minutes; outcomes through the Party review; a several-solutions (金字塔) ballot
opened from an outcome with the form's defaults.

Before the fixes: the meeting form refused any time already past ("会议时间已经过了"), and the
ballot form opened from the outcome could not be sent (every 投票方式 box required)."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from tests.journeys.conftest import (
    beijing,
    follow,
    heading,
    in_db,
    main_text,
    number_in,
    press,
)

pytestmark = pytest.mark.browser


def earlier_this_evening():
    """A start two hours ago (Beijing time), as the worker types it."""
    start = datetime.now(ZoneInfo("Asia/Shanghai")) - timedelta(hours=2)
    start = start.replace(minute=0)
    end = start + timedelta(hours=1)
    if end.date() != start.date():
        end = start.replace(hour=23, minute=59)
    return start.strftime("%Y-%m-%d"), start.strftime("%H:%M"), end.strftime("%H:%M")


def record_minutes(page, item, summary, kind, text, options=None):
    follow(page, f"记录“{item}”的纪要", where="main")
    page.get_by_label("讨论情况").fill(summary)
    page.get_by_label(kind).check()
    page.get_by_label("成果内容").fill(text)
    if options:
        page.get_by_label("几种方案（一行写一种，2到6种）").fill("\n".join(options))
    press(page, "保存纪要")
    assert "有错误" not in main_text(page), main_text(page)


@pytest.mark.parametrize("js", [False, True], ids=["js-off", "js-on"])
def test_worker_enters_a_meeting_that_took_place_and_the_party_reviews_it(open_as, live_server,
                                                                          js):
    tag = "JS" if js else "无JS"
    page = open_as("worker", js=js, size="staff")
    follow(page, "会议", where="nav")
    follow(page, "安排会议", where="main")
    follow(page, "船柴一区议事协商会", where="main")
    day, starts, ends = earlier_this_evening()
    page.get_by_label("会议名称").fill(f"围楼夜话（{tag}）")
    page.get_by_label("日期").fill(day)
    page.get_by_label("开始时间").fill(starts)
    page.get_by_label("结束时间").fill(ends)
    page.get_by_label("地点").fill("3栋楼下")
    page.get_by_label("议程（一行写一项）").fill(f"楼道堆物怎么清（{tag}）\n晾衣架装在哪（{tag}）")
    press(page, "安排会议并通知居民")
    assert "会议已录入，请登记到会情况和会议纪要" in main_text(page), main_text(page)
    meeting_id = number_in(page.url)
    assert in_db(live_server, "SELECT count(*) FROM notice WHERE url = :u",
                 u=f"/meetings/{meeting_id}") == 0

    follow(page, "到会登记", exact=False, where="main")
    page.get_by_label("到会居民的手机号或居民码").fill("13800000001")
    press(page, "记为到会")
    assert "张秀英" in main_text(page)
    follow(page, "返回会议", where="main")

    follow(page, "记录纪要和协商成果", where="main")
    record_minutes(page, f"楼道堆物怎么清（{tag}）", "大家同意周六一起清。", "形成一致意见",
                   "本周六上午集中清理楼道堆物。")
    record_minutes(page, f"晾衣架装在哪（{tag}）", "有人要装楼下，有人要装楼顶。",
                   "形成几种方案，交居民表决（金字塔议事）", "晾衣架装在哪里？",
                   ["装在3栋楼下空地", "装在楼顶平台", "两处都装"])
    press(page, "公布纪要给居民")
    assert "已于" in main_text(page)

    # The Party reviewer: approve the 金字塔 outcome, return the other with a note.
    reviewer = open_as("party_reviewer", js=js, size="staff")
    follow(reviewer, "管理")
    follow(reviewer, "协商成果审核", where="main")
    follow(reviewer, f"晾衣架装在哪（{tag}）", where="main")
    reviewer.get_by_label("同意", exact=True).check()
    press(reviewer, "提交审核意见")
    follow(reviewer, "管理")
    follow(reviewer, "协商成果审核", where="main")
    follow(reviewer, f"楼道堆物怎么清（{tag}）", where="main")
    reviewer.get_by_label("退回修改").check()
    reviewer.get_by_label("说明（退回时必填）").fill("请写明谁来牵头、堆物放到哪里。")
    press(reviewer, "提交审核意见")
    assert in_db(live_server, "SELECT status FROM outcome WHERE text LIKE :t",
                 t="本周六上午集中清理楼道堆物%") == "returned"

    # The worker takes the approved one to a vote: several solutions, the form's defaults.
    follow(page, "管理")
    follow(page, "协商成果：审核和下一步", where="main")
    follow(page, f"晾衣架装在哪（{tag}）", where="main")
    page.get_by_label("待表决（网上投票）").check()
    press(page, "确定下一步")
    follow(page, "发起网上投票", where="main")
    assert page.locator("#options").input_value().splitlines()[:3] == [
        "装在3栋楼下空地", "装在楼顶平台", "两处都装"]
    page.get_by_label("结束时间").fill(beijing(days=7))
    press(page, "发起投票")
    assert "投票已发起" in main_text(page), main_text(page)
    assert "同意的过半数" not in main_text(page)
    assert heading(page)
