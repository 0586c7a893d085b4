"""Worker journeys for the votes that do not come in through a screen: paper ballots entered
one by one with a witness, and a show of hands at a residents' meeting (an open ballot that
offers 现场举手). The worker is told what happened in words about the voter, never a
receipt code beside the voter's name."""

import re

import pytest

from tests.journeys.conftest import beijing, choose, follow, in_db, main_text, number_in, press

pytestmark = pytest.mark.browser


def residents_of(live_server, unit_name, count, skip=0):
    """Phones of demo residents (no roles) living in a 小区 of the demo."""
    phones = []
    for n in range(skip, skip + count):
        phones.append(in_db(live_server, """
            SELECT r.phone FROM resident r JOIN membership m ON m.resident_id = r.id
            JOIN household h ON h.id = m.household_id JOIN unit b ON b.id = h.building_id
            JOIN unit c ON c.id = b.parent_id
            WHERE c.name = :unit AND r.phone LIKE '139%' AND r.birth_year <= 2006
              AND NOT EXISTS (SELECT 1 FROM role_assignment ra WHERE ra.resident_id = r.id)
            ORDER BY r.id LIMIT 1 OFFSET :n""", unit=unit_name, n=n))
    return phones


def new_ballot(page, title, *, secret=True, show_of_hands=False):
    follow(page, "管理")
    follow(page, "发起投票", where="main")
    page.get_by_label("表决事项").fill(title)
    choose(page, "范围", "船柴社区 / 船柴二区")
    if show_of_hands:
        choose(page, "表决规则", "居民会议")
    page.get_by_label("结束时间").fill(beijing(days=3))
    if not secret:
        page.get_by_label("无记名投票").uncheck()
    if show_of_hands:
        page.get_by_label("现场举手").check()
    press(page, "发起投票")
    assert "投票已发起" in main_text(page), main_text(page)
    return number_in(page.url)


@pytest.mark.parametrize("js", [False, True], ids=["js-off", "js-on"])
def test_worker_enters_paper_ballots_with_a_witness(open_as, live_server, js):
    tag = "JS" if js else "无JS"
    page = open_as("worker", js=js, size="staff")
    ballot_id = new_ballot(page, f"旅程：纸质票（{tag}）")
    voters = residents_of(live_server, "船柴二区", 2, skip=0 if js else 2)
    for voter, choice in zip(voters, ["同意", "反对"], strict=True):
        follow(page, "登记纸质票", where="main")
        page.get_by_label("投票人的居民码或手机号").fill(voter)
        page.locator("main").get_by_label(choice, exact=True).check()
        page.get_by_label("见证人").select_option(index=1)
        press(page, "登记这张选票")
        said = main_text(page)
        assert "已登记" in said and "的纸质票" in said, said
        assert not re.search(r"[2-9A-HJ-NP-Z]{4}-?[2-9A-HJ-NP-Z]{4}", said)  # no receipt code
        follow(page, "返回", where="main")
    # The same paper again: refused, in words about the voter.
    follow(page, "登记纸质票", where="main")
    page.get_by_label("投票人的居民码或手机号").fill(voters[0])
    page.locator("main").get_by_label("同意", exact=True).check()
    page.get_by_label("见证人").select_option(index=1)
    press(page, "登记这张选票")
    assert "已经投过票（纸质票），不能再登记" in main_text(page), main_text(page)
    assert in_db(live_server, "SELECT count(*) FROM ballot_participation WHERE ballot_id = :b "
                 "AND channel = 'paper'", b=ballot_id) == 2


@pytest.mark.parametrize("js", [False, True], ids=["js-off", "js-on"])
def test_worker_records_a_show_of_hands(open_as, live_server, js):
    tag = "JS" if js else "无JS"
    page = open_as("worker", js=js, size="staff")
    ballot_id = new_ballot(page, f"旅程：居民会议举手（{tag}）", secret=False,
                           show_of_hands=True)
    present = residents_of(live_server, "船柴二区", 3, skip=4 if js else 7)
    follow(page, "登记现场举手表决", where="main")
    page.get_by_label("到会人员：居民码或手机号，每行一个").fill("\n".join(present))
    page.get_by_label("举手“同意”的人数").fill("2")
    page.get_by_label("举手“反对”的人数").fill("1")
    page.get_by_label("举手“弃权”的人数").fill("0")
    page.get_by_label("见证人").select_option(index=1)
    press(page, "登记")
    assert "有错误" not in main_text(page), main_text(page)
    assert in_db(live_server, "SELECT count(*) FROM ballot_participation WHERE ballot_id = :b "
                 "AND channel = 'assembly'", b=ballot_id) == 3
