"""Worker journey: set up a 4+N 议事协商委员会 and seat its members (a resident by phone, a
social organisation's delegate by name), take one off again; the page says which seats of
the 4+N composition are still empty."""

import pytest

from tests.journeys.conftest import choose, follow, in_db, main_text, number_in, press
from tests.journeys.test_resident import neighbour

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("js", [False, True], ids=["js-off", "js-on"])
def test_worker_creates_a_4_plus_n_body_and_seats_its_members(open_as, live_server, js):
    tag = "JS" if js else "无JS"
    name = f"旅程议事协商委员会（{tag}）"
    page = open_as("worker", js=js, size="staff")
    follow(page, "管理")
    follow(page, "会议和议事机构", where="main")
    follow(page, "议事机构和成员", where="main")
    follow(page, "建立议事机构", where="main")
    page.get_by_label("名称").fill(name)
    page.get_by_label("社区（村）议事协商委员会 4+N").check()
    press(page, "建立")
    assert "已建立，请添加成员" in main_text(page), main_text(page)
    body_id = number_in(page.url)

    choose(page, "席位", "居民代表")
    page.get_by_label("手机号或居民码").fill(neighbour(live_server, skip=5 if js else 6))
    press(page, "加入")
    choose(page, "席位", "社会组织代表")
    page.get_by_label("姓名").fill("赵经理")
    page.get_by_label("单位或身份（可不填）").fill("某某社工服务中心")
    press(page, "加入")
    text = main_text(page)
    assert "成员（2 人）" in text and "赵经理" in text
    assert "还缺少" in text and "两委成员" in text  # the 4+N seats not yet filled

    press(page, "移出赵经理")
    assert "成员（1 人）" in main_text(page)
    assert in_db(live_server, "SELECT count(*) FROM body_member WHERE body_id = :b",
                 b=body_id) == 1
