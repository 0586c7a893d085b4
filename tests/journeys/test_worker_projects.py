"""Worker, supervisor and resident journeys for 民事民办 and 民事民评: a worker opens a
project, logs a contribution, allocates money to it and spends some (the fund's 账上余额
drops by the spending); the supervision committee opens an evaluation, residents answer
不满意, the supervisor ends it early after a confirmation screen and the project goes to
整改中; the supervisor reads the audit log; the worker exports the report.

Before the fix the ledger's 余额 stayed the same after a project's 支出 (it showed the money
not yet allocated), on the fund page and on the public notice board."""

from datetime import datetime, timedelta
from decimal import Decimal
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from tests.journeys.conftest import choose, follow, in_db, main_text, number_in, press

pytestmark = pytest.mark.browser


def today(days=0):
    return (datetime.now(ZoneInfo("Asia/Shanghai")) + timedelta(days=days)).strftime("%Y-%m-%d")


def money(page, label):
    return page.locator(f"main dd#{label}").get_attribute(f"data-{label}")


@pytest.mark.parametrize("js", [False, True], ids=["js-off", "js-on"])
def test_project_money_and_an_evaluation_that_sends_it_back(open_as, live_server, js):
    tag = "JS" if js else "无JS"
    title = f"旅程：楼道扶手（{tag}）"
    page = open_as("worker", js=js, size="staff")
    follow(page, "管理")
    follow(page, "项目（民事民办）", where="main")
    follow(page, "建立项目", where="main")
    page.get_by_label("项目名称").fill(title)
    choose(page, "在哪里办", "船柴一区")
    page.get_by_label("责任方").fill("船柴一区业委会")
    page.get_by_label("开工日期").fill(today())
    press(page, "建立项目")
    project_id = number_in(page.url)
    press(page, "标记为开工")

    follow(page, "登记捐助", where="main")
    page.get_by_label("金额（元）").fill("300")
    page.get_by_label("居民的手机号或居民码，或单位名称").fill("13800000001")
    page.get_by_label("日期").fill(today())
    press(page, "登记")
    assert "有错误" not in main_text(page), main_text(page)
    assert in_db(live_server, "SELECT count(*) FROM contribution WHERE project_id = :p",
                 p=project_id) == 1

    follow(page, "管理")
    follow(page, "惠民资金和公益基金", where="main")
    follow(page, f"{datetime.now(ZoneInfo('Asia/Shanghai')).year}年惠民资金", where="main")
    before = money(page, "on-hand")
    follow(page, "登记收支", where="main")
    choose(page, "类型", "拨付项目")
    page.get_by_label("金额（元）").fill("5000")
    choose(page, "项目", title)
    page.get_by_label("日期").fill(today())
    press(page, "登记")
    assert money(page, "on-hand") == before  # set aside, still in the fund
    follow(page, "登记收支", where="main")
    choose(page, "类型", "支出")
    page.get_by_label("金额（元）").fill("1200.50")
    choose(page, "项目", title)
    page.get_by_label("凭证号").fill(f"旅程-{tag}")
    page.get_by_label("日期").fill(today())
    press(page, "登记")
    assert "有错误" not in main_text(page), main_text(page)
    assert Decimal(money(page, "on-hand")) == Decimal(before) - Decimal("1200.50")
    first_row = page.locator("main tbody tr").first.inner_text()
    assert "支出" in first_row and f"{Decimal(before) - Decimal('1200.50'):,.2f}" in first_row

    follow(page, "管理")
    follow(page, "项目（民事民办）", where="main")
    follow(page, title, where="main")
    press(page, "标记为完工")

    supervisor = open_as("supervisor", js=js, size="staff")
    supervisor.goto(page.url)
    follow(supervisor, "发起评价", where="main")
    supervisor.get_by_label("截止日期").fill(today(7))
    press(supervisor, "发起评价")
    assert "有错误" not in main_text(supervisor), main_text(supervisor)
    evaluation_url = supervisor.url

    resident = open_as("resident")
    resident.goto(evaluation_url)
    resident.get_by_label("不满意").check()
    press(resident, "下一步")
    press(resident, "确认提交", exact=False)
    assert in_db(live_server, "SELECT count(*) FROM answer a JOIN evaluation e "
                 "ON e.id = a.evaluation_id WHERE e.project_id = :p", p=project_id) == 1

    supervisor.goto(evaluation_url)
    follow(supervisor, "提前结束评价", exact=False, where="main")
    assert "不满意达到整改线" in main_text(supervisor)
    press(supervisor, "确认结束评价")
    assert in_db(live_server, "SELECT status FROM project WHERE id = :p",
                 p=project_id) == "rectifying"
    assert "整改" in main_text(supervisor)

    follow(supervisor, "管理")
    follow(supervisor, "审计日志", where="main")
    log = main_text(supervisor)
    assert "评价结束" in log and "发起评价" in log and "登记资金支出" in log
    assert "居民提交评价（不记录选择）" in log and "不满意" not in log

    follow(page, "管理")
    follow(page, "导出报表", where="main")
    choose(page, "单位", "船柴社区")
    choose(page, "格式", "CSV")
    with page.expect_download() as download:
        page.locator("main").get_by_role("button", name="下载报表").click()
    report = Path(download.value.path()).read_text(encoding="utf-8-sig")
    assert title in report
