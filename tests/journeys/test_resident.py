"""Resident journeys, JavaScript off at 240×320: post an issue, support and comment on a
neighbour's, read an agenda and check in, vote and find the receipt once the vote is closed,
answer an evaluation, and look after one's own settings (/me)."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from tests.journeys.conftest import (
    follow,
    heading,
    in_db,
    log_in,
    main_text,
    number_in,
    press,
    settled,
)
from tests.journeys.test_worker_ballots import open_ballot

pytestmark = pytest.mark.browser

RESIDENT = "13800000001"


def post_issue(page, title, body):
    """From any page: 议题 → 提出新议题, type, leave the rest as offered, 提交."""
    follow(page, "议题")
    follow(page, "提出新议题", where="main")
    page.get_by_label("标题", exact=False).fill(title)
    page.get_by_label("详细情况", exact=False).fill(body)
    press(page, "提交")
    return number_in(page.url)


def neighbour(live_server, skip=0):
    """The phone of another demo resident living where the demo resident lives (same 小区)."""
    return in_db(live_server, """
        SELECT r.phone FROM resident r
        JOIN membership m ON m.resident_id = r.id JOIN household h ON h.id = m.household_id
        WHERE r.phone LIKE '139%' AND h.building_id IN (
            SELECT h2.building_id FROM household h2 JOIN membership m2
            ON m2.household_id = h2.id JOIN resident r2 ON r2.id = m2.resident_id
            WHERE r2.phone = :me)
        AND NOT EXISTS (SELECT 1 FROM role_assignment ra WHERE ra.resident_id = r.id)
        ORDER BY r.id LIMIT 1 OFFSET :skip""", me=RESIDENT, skip=skip)


def test_resident_posts_an_issue(open_as, live_server):
    page = open_as("resident")
    issue_id = post_issue(page, "旅程：2栋门口路灯不亮", "晚上出门看不见台阶，请尽快修。")
    assert heading(page) == "旅程：2栋门口路灯不亮"
    assert "议题已提交" in main_text(page)
    assert in_db(live_server, "SELECT channel FROM issue WHERE id = :id", id=issue_id) == "web"


def test_resident_supports_and_comments_on_a_neighbours_issue(open_as, live_server):
    other = open_as("resident", phone=neighbour(live_server))
    issue_id = post_issue(other, "旅程：楼下快递堆在过道", "希望设一个快递架。")
    page = open_as("resident")
    page.goto(f"{live_server.url}/issues/{issue_id}")
    assert heading(page) == "旅程：楼下快递堆在过道"
    press(page, "附议（我也有这个问题）")
    assert "您已附议" in main_text(page), main_text(page)
    page.get_by_label("我的意见").fill("同意，快递架放在一楼楼梯下面就行。")
    press(page, "发表意见")
    assert "同意，快递架放在一楼楼梯下面就行。" in main_text(page)
    assert in_db(live_server, "SELECT count(*) FROM comment WHERE issue_id = :id",
                 id=issue_id) == 1


def meeting_times():
    """A meeting that starts in a few minutes (Beijing), so check-in is already open: the
    date, start and end as a worker types them (ending by 23:59 of the same day)."""
    start = datetime.now(ZoneInfo("Asia/Shanghai")).replace(second=0, microsecond=0)
    start += timedelta(minutes=3)
    if start.hour == 23 and start.minute >= 58:
        start = (start + timedelta(days=1)).replace(hour=0, minute=1)
    end = min(start + timedelta(hours=1), start.replace(hour=23, minute=59))
    return start.strftime("%Y-%m-%d"), start.strftime("%H:%M"), end.strftime("%H:%M")


def test_resident_reads_an_agenda_and_checks_in(open_as, live_server):
    worker = open_as("worker", size="staff")
    follow(worker, "会议")
    follow(worker, "安排会议", where="main")
    follow(worker, "船柴一区议事协商会", where="main")
    day, starts, ends = meeting_times()
    worker.get_by_label("会议名称").fill("旅程：楼下议事")
    worker.get_by_label("日期").fill(day)
    worker.get_by_label("开始时间").fill(starts)
    worker.get_by_label("结束时间").fill(ends)
    worker.get_by_label("地点").fill("1栋楼下")
    worker.get_by_label("议程（一行写一项）").fill("楼道堆物怎么清\n电动车充电桩装在哪")
    press(worker, "安排会议并通知居民")
    assert heading(worker) == "旅程：楼下议事", main_text(worker)
    meeting_id = number_in(worker.url)
    code = worker.locator("main .digits").first.inner_text().strip()

    page = open_as("resident")
    follow(page, "会议")
    follow(page, "旅程：楼下议事", where="main")
    assert number_in(page.url) == meeting_id
    agenda = page.locator("main ol.agenda").inner_text()
    assert "楼道堆物怎么清" in agenda and "电动车充电桩装在哪" in agenda
    follow(page, "到会签到", where="main")
    page.get_by_label("会议签到码").fill(code)
    press(page, "签到")
    assert "签到成功" in main_text(page), main_text(page)
    assert in_db(live_server, """SELECT count(*) FROM attendance a JOIN resident r
                 ON r.id = a.resident_id WHERE a.meeting_id = :m AND r.phone = :p""",
                 m=meeting_id, p=RESIDENT) == 1


def test_resident_votes_and_finds_the_receipt_after_the_close(open_as, live_server):
    worker = open_as("worker", size="staff")
    title = "旅程：居民投票，结束后核对回执码"
    open_ballot(worker, title)
    assert "投票已发起" in main_text(worker), main_text(worker)
    ballot_id = number_in(worker.url)

    page = open_as("resident")
    follow(page, "投票")
    follow(page, title, where="main")
    page.locator("main").get_by_label("同意", exact=True).check()
    press(page, "下一步")
    assert heading(page) == "请确认您的投票"
    assert "您选择：同意" in main_text(page)
    press(page, "确认投票")
    assert heading(page) == "您的投票已记录"
    receipt = page.locator("#receipt").inner_text().strip()
    assert len(receipt) >= 8
    # On one line at 240 px (it broke after "SC82-RB" before the receipt had its own style).
    assert page.locator("#receipt").evaluate("e => e.getClientRects().length") == 1

    follow(worker, "提前结束投票", exact=False, where="main")
    press(worker, "确认结束投票")
    assert in_db(live_server, "SELECT status FROM ballot WHERE id = :id",
                 id=ballot_id) == "closed"

    follow(page, "投票")
    follow(page, title, where="main")
    follow(page, "表决结果", where="main")
    follow(page, "核对回执码", where="main")
    page.get_by_label("查我的回执码").fill(receipt)
    press(page, "查询")
    assert f"回执码 {receipt}：同意" in main_text(page), main_text(page)


def test_resident_answers_an_evaluation(open_as, live_server):
    page = open_as("resident")
    section = page.locator("main section", has_text="请您评价")
    section.get_by_role("link").first.click()
    page.wait_for_load_state()
    page.locator("main").get_by_label("满意", exact=True).check()
    page.get_by_label("意见", exact=False).fill("修得很好，谢谢。")
    press(page, "下一步")
    assert heading(page) == "请确认您的评价"
    press(page, "确认提交")
    assert "谢谢" in main_text(page) or "已提交" in main_text(page), main_text(page)


def save_under(page, section):
    """Press the 保存 button of the form under this heading (/me has one per setting)."""
    form = page.get_by_role("heading", name=section).locator("xpath=following-sibling::form[1]")
    settled(page, form.get_by_role("button", name="保存").click)


def test_resident_changes_their_pin(open_as, live_server):
    phone = neighbour(live_server, skip=1)  # not the demo login others use
    page = open_as("resident", phone=phone)
    follow(page, "我的")
    page.get_by_label("原来的6位密码").fill("000000")
    page.get_by_label("新的6位密码").fill("246813")
    page.get_by_label("再填一次新密码").fill("246813")
    press(page, "修改密码")
    assert "原来的密码不对" in page.locator("#old_pin-error").inner_text()
    page.get_by_label("原来的6位密码").fill("135790")
    page.get_by_label("新的6位密码").fill("246813")
    page.get_by_label("再填一次新密码").fill("246813")
    press(page, "修改密码")
    assert "密码已修改" in page.locator("body").inner_text()
    settled(page, page.get_by_role("button", name="退出").click)
    log_in(page, phone, pin="246813")
    assert in_db(live_server, """SELECT count(*) FROM audit_log a JOIN resident r
                 ON r.id = a.object_id WHERE a.action = 'pin_changed' AND r.phone = :p""",
                 p=phone) == 1


def test_resident_lets_their_name_be_shown_and_stops_sms(open_as, live_server):
    phone = neighbour(live_server, skip=2)
    page = open_as("resident", phone=phone)
    follow(page, "我的")
    page.get_by_label("同意在公开栏和出力记录上显示我的姓名").check()
    save_under(page, "公开我的姓名")
    assert "会显示您的姓名" in page.locator("body").inner_text()
    assert page.get_by_label("同意在公开栏和出力记录上显示我的姓名").is_checked()
    page.get_by_label("接收短信通知", exact=False).uncheck()
    save_under(page, "短信通知")
    assert "不再给您发短信" in page.locator("body").inner_text()
    assert in_db(live_server, "SELECT publish_name FROM resident WHERE phone = :p", p=phone)
    assert in_db(live_server, "SELECT sms_opt_out FROM resident WHERE phone = :p", p=phone)


def test_an_issue_typed_while_the_login_ran_out_is_kept(open_as, live_server):
    phone = neighbour(live_server, skip=3)
    page = open_as("resident", phone=phone)
    follow(page, "议题")
    follow(page, "提出新议题", where="main")
    title = "旅程：登录过期后内容还在"
    page.get_by_label("标题", exact=False).fill(title)
    page.get_by_label("详细情况", exact=False).fill("垃圾桶旁边的地面坑坑洼洼，下雨积水。")
    page.context.clear_cookies()  # the login ran out while typing
    press(page, "提交")
    assert heading(page) == "登录"
    assert "登录已过期，请重新登录。您写的内容已经保留。" in page.inner_text("body")
    page.get_by_label("手机号或居民码").fill(phone)
    page.get_by_label("密码").fill("135790")
    press(page, "登录")
    assert heading(page) == "提出议题"
    assert "您刚才的登录已过期，重新登录后内容已为您保留，请检查后提交。" in main_text(page)
    assert page.get_by_label("标题", exact=False).input_value() == title
    assert page.get_by_label("详细情况", exact=False).input_value() == \
        "垃圾桶旁边的地面坑坑洼洼，下雨积水。"
    press(page, "提交")
    assert heading(page) == title and "议题已提交" in main_text(page)
    assert in_db(live_server, "SELECT count(*) FROM issue WHERE title = :t", t=title) == 1
