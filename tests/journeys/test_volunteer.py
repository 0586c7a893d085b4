"""Volunteer journeys, JavaScript off at 240×320 (李志刚, 13800000002, walks 船柴一区):
the households of their buildings, an issue posted for a resident at the door (入户走访), a
vote helped at the door confirmed by the resident's PIN and once by a witness, a visit logged.

Residents helped here are ones without a phone (as those who need a visit most often are),
each journey its own, so that other journeys' residents are left alone."""

import pytest

from tests.journeys.conftest import (
    choose,
    follow,
    heading,
    in_db,
    main_text,
    number_in,
    press,
)
from tests.journeys.test_worker_ballots import open_ballot

pytestmark = pytest.mark.browser


def door(live_server, skip):
    """(building label, address, name) of an adult without a phone or a role, with one home,
    in 船柴一区 (the volunteer's compound)."""
    found = in_db(live_server, """
        SELECT c.name || ' ' || b.name || '|' || h.address || '|' || r.name FROM resident r
        JOIN membership m ON m.resident_id = r.id JOIN household h ON h.id = m.household_id
        JOIN unit b ON b.id = h.building_id JOIN unit c ON c.id = b.parent_id
        WHERE c.name = '船柴一区' AND r.phone IS NULL AND r.birth_year < 1990
        AND NOT EXISTS (SELECT 1 FROM role_assignment ra WHERE ra.resident_id = r.id)
        AND (SELECT count(*) FROM membership m3 WHERE m3.resident_id = r.id) = 1
        ORDER BY r.id LIMIT 1 OFFSET :skip""", skip=skip)
    building, address, name = found.split("|")
    return building, address, name


def at_the_door(page, skip, live_server):
    """走访 → the building → the door; returns the resident's name."""
    building, address, name = door(live_server, skip)
    follow(page, "走访")
    follow(page, building, where="main")
    follow(page, address, where="main")
    assert address in heading(page) and name in main_text(page)
    return name


def test_volunteer_sees_the_households_of_their_buildings(open_as):
    page = open_as("volunteer")
    follow(page, "走访")
    assert heading(page) == "入户走访"
    buildings = page.locator("main ul.list > li > a").all_inner_texts()
    assert buildings and all(b.startswith("船柴一区") for b in buildings), buildings
    follow(page, buildings[0], where="main")
    assert heading(page) == f"{buildings[0]} 住户名单"
    assert page.locator("main ul.walk > li").count() > 1


def test_volunteer_posts_an_issue_for_a_resident(open_as, live_server):
    page = open_as("volunteer")
    name = at_the_door(page, 0, live_server)
    follow(page, f"替{name}提议题", where="main")
    assert heading(page) == f"代{name}提出议题"
    page.get_by_label("标题", exact=False).fill("旅程：楼梯扶手松了")
    page.get_by_label("详细情况", exact=False).fill("老人上下楼不敢扶。")
    press(page, "提交")
    assert heading(page) == "旅程：楼梯扶手松了", main_text(page)
    issue_id = number_in(page.url)
    found = in_db(live_server, """
        SELECT i.channel || '|' || a.name || '|' || s.phone FROM issue i
        JOIN resident a ON a.id = i.author_id JOIN resident s ON s.id = i.submitted_by_id
        WHERE i.id = :id""", id=issue_id)
    channel, author, by = found.split("|")
    assert (channel, author, by) == ("visit", name, "13800000002")


def help_vote(page, live_server, skip, title):
    name = at_the_door(page, skip, live_server)
    follow(page, f"协助{name}投票：{title}", where="main")
    assert heading(page) == f"协助 {name} 投票"
    page.locator("main").get_by_label("同意", exact=True).check()
    press(page, "下一步")
    assert heading(page) == f"请 {name} 确认"
    return name


def vote_of(live_server, ballot_id, name):
    return in_db(live_server, """
        SELECT v.channel || ' ' || h.phone FROM ballot_participation v
        JOIN resident r ON r.id = v.resident_id JOIN resident h ON h.id = v.assisted_by_id
        WHERE v.ballot_id = :b AND r.name = :n""", b=ballot_id, n=name)


@pytest.mark.parametrize("witnessed", [False, True], ids=["pin", "witness"])
def test_volunteer_helps_a_resident_vote(open_as, live_server, witnessed):
    worker = open_as("worker", size="staff")
    title = f"旅程：入户协助投票（{'见证' if witnessed else '本人密码'}）"
    open_ballot(worker, title)
    assert "投票已发起" in main_text(worker), main_text(worker)
    ballot_id = number_in(worker.url)

    page = open_as("volunteer")
    name = help_vote(page, live_server, 1 + witnessed, title)
    if witnessed:
        choose(page, "或者：由另一位见证人确认", "王建华")
    else:
        page.get_by_label("请居民本人输入6位密码").fill("135790")
    press(page, "确认投票")
    assert f"已为 {name} 记录投票，回执码" in page.inner_text("body"), main_text(page)
    assert heading(page) == "入户协助投票"
    assert not page.locator("main ul.list").get_by_role("link", name=name, exact=True).count()
    assert vote_of(live_server, ballot_id, name) == "visit 13800000002"


def test_volunteer_logs_a_visit(open_as, live_server):
    page = open_as("volunteer")
    at_the_door(page, 3, live_server)
    address = heading(page).rsplit(" ", 1)[-1]
    page.locator("main").get_by_label("需回访：还要再来").check()
    page.get_by_label("居民反映了什么").fill("旅程：家里没人，周六再来。")
    press(page, "保存")
    # Back on the building's list, ready for the next door, with this one marked.
    assert "已记下这次走访" in page.inner_text("body")
    assert "住户名单" in heading(page)
    door_row = page.locator("main ul.walk > li", has_text=address).first
    assert "需回访" in door_row.inner_text()
    follow(page, address, where="main")
    assert "旅程：家里没人，周六再来。" in main_text(page)
