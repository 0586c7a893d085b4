"""Worker journey: issues posted by residents are triaged into 大事/小事/微事 on their
decision page, and the printable 三事分送清单 lists each under its category."""

import pytest

from tests.journeys.conftest import follow, main_text, press
from tests.journeys.test_resident import post_issue

pytestmark = pytest.mark.browser

DECISIONS = [("大事", "转交街道：涉及市政道路"), ("小事", ""), ("微事", "")]


@pytest.mark.parametrize("js", [False, True], ids=["js-off", "js-on"])
def test_worker_triages_into_three_kinds_and_prints_the_dispatch_list(open_as, js):
    tag = "JS" if js else "无JS"
    resident = open_as("resident")
    titles = [f"旅程分流：{kind}（{tag}）" for kind, _ in DECISIONS]
    for title in titles:
        post_issue(resident, title, "楼下的情况请社区看看。")

    page = open_as("worker", js=js, size="staff")
    for title, (kind, reason) in zip(titles, DECISIONS, strict=True):
        follow(page, "管理")
        follow(page, "议题分流", where="main")
        follow(page, title, where="main")
        page.get_by_label(kind, exact=True).check()
        if reason:
            page.get_by_label("理由（大事必填，会告诉提出人）").fill(reason)
        press(page, "确定分流")
        assert "有错误" not in main_text(page), main_text(page)

    follow(page, "管理")
    follow(page, "议题分流", where="main")
    follow(page, "打印三事分送清单", where="main")
    sheets = {s.locator("h2").inner_text().split(" · ")[0]: s.inner_text()
              for s in page.locator("main section.sheet").all()}
    for title, (kind, _) in zip(titles, DECISIONS, strict=True):
        assert title in sheets.get(kind, ""), (kind, sheets.keys())
