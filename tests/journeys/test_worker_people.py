"""Worker journey: manage a person from 管理 → 查找居民 — appoint 居民代表, 志愿者 and 楼栋长,
remove one after the confirmation screen, record a move, a change of owner with its area, and
a death; then that person cannot log in, and is told so in plain words.

Uses residents no other journey uses: 139… phones living in 船柴二区, one per run."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from community.extensions import db
from tests.crawl import DEMO_PIN
from tests.journeys.conftest import choose, follow, in_db, main_text, press

pytestmark = pytest.mark.browser

PERSON = """SELECT r.phone || '|' || r.name || '|' || h.id FROM resident r
    JOIN membership m ON m.resident_id = r.id JOIN household h ON h.id = m.household_id
    JOIN unit b ON b.id = h.building_id JOIN unit c ON c.id = b.parent_id
    WHERE c.name = '船柴二区' AND r.phone LIKE '139%' AND r.died_on IS NULL
      AND NOT EXISTS (SELECT 1 FROM role_assignment ra WHERE ra.resident_id = r.id)
      AND (SELECT count(*) FROM membership m2 WHERE m2.resident_id = r.id) = 1
    ORDER BY b.name DESC, h.address DESC, r.id LIMIT 1 OFFSET :skip"""
# An address in 船柴二区/1栋 to move to, and one to become owner of.
TARGET = """SELECT h.address FROM household h JOIN unit b ON b.id = h.building_id
    JOIN unit c ON c.id = b.parent_id WHERE c.name = '船柴二区' AND b.name = '1栋'
    ORDER BY h.address LIMIT 1 OFFSET :skip"""


def roles_of(server, phone):
    """The person's roles, comma-joined (portable SQL: no group_concat/string_agg)."""
    with server.app.app_context():
        return ",".join(db.session.execute(db.text(
            "SELECT ra.role FROM role_assignment ra JOIN resident r ON r.id = ra.resident_id "
            "WHERE r.phone = :p ORDER BY ra.id"), {"p": phone}).scalars())


@pytest.mark.parametrize("js", [False, True], ids=["js-off", "js-on"])
def test_worker_manages_a_person(open_as, page_factory, base_url, live_server, js):
    phone, name, _ = in_db(live_server, PERSON, skip=1 if js else 0).split("|")
    page = open_as("worker", js=js, size="staff")
    follow(page, "管理")
    follow(page, "查找居民、重设密码", where="main")
    page.get_by_label("姓名、手机号、居民码或门牌").fill(phone)
    press(page, "查找")
    follow(page, name, where="main")
    assert "登记搬迁" in main_text(page)

    for role, unit in (("居民代表", "船柴社区 / 船柴二区"), ("志愿者", "船柴社区 / 船柴二区"),
                       ("楼栋长", "船柴社区 / 船柴二区 / 2栋")):
        follow(page, "任命居民代表、楼栋长或志愿者", where="main")
        choose(page, "任命为", role)
        choose(page, "在哪里", unit)
        press(page, "任命")
        assert f"已任命 {name}" in main_text(page), main_text(page)
    assert sorted(roles_of(live_server, phone).split(",")) == [
        "building_head", "representative", "volunteer"]

    follow(page, "取消志愿者（船柴二区）", where="main")
    assert "确认取消志愿者" in main_text(page) and "不再是船柴二区的志愿者" in main_text(page)
    assert "volunteer" in roles_of(live_server, phone)  # nothing happens before the POST
    press(page, "确认取消志愿者")
    assert "已取消" in main_text(page)
    assert sorted(roles_of(live_server, phone).split(",")) == ["building_head", "representative"]

    moved_to = in_db(live_server, TARGET, skip=2 if js else 0)
    follow(page, "登记搬迁", where="main")
    choose(page, "新住址所在的楼栋", "船柴社区 / 船柴二区 / 1栋")
    page.get_by_label("新住址门牌（如 2单元501）").fill(moved_to)
    press(page, "登记搬迁")
    assert f"已登记 {name} 搬迁" in main_text(page), main_text(page)
    assert f"1栋{moved_to}" in main_text(page)

    owns = in_db(live_server, TARGET, skip=3 if js else 1)
    follow(page, "登记为房屋业主（过户）", where="main")
    choose(page, "房屋所在的楼栋", "船柴社区 / 船柴二区 / 1栋")
    page.get_by_label("房屋门牌（如 2单元501）").fill(owns)
    page.get_by_label("专有部分面积（平方米）").fill("abc")
    press(page, "登记为业主")
    assert "请填写数字" in main_text(page)  # beside the field, the address kept
    assert page.get_by_label("房屋门牌（如 2单元501）").input_value() == owns
    page.get_by_label("专有部分面积（平方米）").fill("96.35")
    press(page, "登记为业主")
    assert "的业主" in main_text(page) and "96.35 平方米" in main_text(page)
    assert str(in_db(live_server, """SELECT h.area_m2 FROM household h JOIN unit b
        ON b.id = h.building_id JOIN unit c ON c.id = b.parent_id
        WHERE c.name = '船柴二区' AND b.name = '1栋' AND h.address = :a""", a=owns)) == "96.35"

    follow(page, "登记去世", where="main")
    yesterday = datetime.now(ZoneInfo("Asia/Shanghai")).date() - timedelta(days=1)
    page.get_by_label("去世日期（如 2026-05-01）").fill(yesterday.isoformat())
    press(page, "下一步")
    assert "登记后不能撤销" in main_text(page)
    assert in_db(live_server, "SELECT died_on FROM resident WHERE phone = :p", p=phone) is None
    press(page, "确认登记去世")
    assert f"已登记 {name} 去世" in main_text(page)
    assert roles_of(live_server, phone) == ""

    # As that person, through the login form: refused in plain words.
    gone = page_factory(js=js, width=390, height=844)
    gone.goto(base_url + "/login")
    gone.get_by_label("手机号或居民码").fill(phone)
    gone.get_by_label("密码").fill(DEMO_PIN)
    press(gone, "登录")
    assert "这个账户已经停用，不能再登录" in main_text(gone)
