"""The resident roster import: CSV/XLSX reading, every validation, all-or-nothing, CLI, page."""

import csv
import io
import json
import os
import re
import stat
import time
from datetime import datetime
from decimal import Decimal

import openpyxl
import pytest
from sqlalchemy import event

from community import clock
from community.audit.models import AuditLog
from community.extensions import db
from community.residents.models import Membership, Resident
from community.residents.pins import check_pin
from community.roster import parse, service
from community.roster.models import RosterUpload
from community.roster.parse import COLUMNS
from community.units.models import Household, Unit
from community.units.service import create_unit
from tests.conftest import csrf_token
from tests.crawl import BUDGET, Page, analyse, gzip_size, markup_problems
from tests.factories import make_household, make_resident, make_tree

PATH = "测试街道/测试社区/测试小区/1栋"
SLIP_PIN = re.compile(r'<span class="digits">(\d{6})</span>')


def person(i=0, **kw) -> dict:
    """One roster row as text, unique per i; keyword arguments override columns."""
    row = {"unit_path": PATH, "address": f"{i // 100 + 1}单元{i % 100 + 1:03d}",
           "area_m2": "89.50", "name": f"居民{i}", "phone": f"139{i:08d}",
           "resident_code": f"{40000000 + i}", "birth_year": str(1940 + i % 60), "owner": "1",
           "pin": ""}
    row.update(kw)
    return row


def to_csv(rows: list[dict], encoding="utf-8-sig", header=COLUMNS) -> bytes:
    out = io.StringIO(newline="")
    writer = csv.DictWriter(out, fieldnames=list(header), extrasaction="ignore")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue().encode(encoding)


def run(rows, actor=None, filename="名册.csv"):
    """Import rows through the service, as the CLI does (no actor) or as a worker."""
    return service.import_roster(filename, to_csv(rows), actor=actor)


def errors_of(rows, actor=None) -> list[tuple[int, str]]:
    with pytest.raises(service.RosterInvalid) as e:
        run(rows, actor)
    return [(err.row, err.reason) for err in e.value.errors]


def count(model) -> int:
    db.session.commit()  # end the test's transaction: see what the import committed
    return db.session.scalar(db.select(db.func.count()).select_from(model))


def resident(code) -> Resident:
    db.session.commit()
    return db.session.scalar(db.select(Resident).where(Resident.code == code))


@pytest.fixture
def tree(app):
    return make_tree()


@pytest.fixture
def worker(tree):
    return make_resident(make_household(tree["b1"], "9单元901"), name="社工", phone="13700000001",
                         roles=[("worker", tree["community"])])


# --- reading files ---------------------------------------------------------------------------


def test_utf8_csv_with_bom_creates_units_households_residents(app):
    result = service.import_roster("r.csv", to_csv([person(1), person(2, owner="0")]))
    assert (result.rows, result.created, result.households, result.units) == (2, 2, 2, 4)
    r = resident("40000001")
    assert (r.name, r.phone, r.birth_year) == ("居民1", "13900000001", 1941)
    assert r.memberships[0].is_owner and r.memberships[0].household.area_m2 == Decimal("89.50")
    assert not resident("40000002").memberships[0].is_owner
    building = r.memberships[0].household.building
    assert [u.kind for u in (building, building.parent, building.parent.parent)] == [
        "building", "compound", "community"]
    assert building.parent.parent.parent.kind == "street"


def test_utf8_csv_without_bom(app):
    run_result = service.import_roster("r.csv", to_csv([person(1)], encoding="utf-8"))
    assert run_result.created == 1 and resident("40000001").name == "居民1"


@pytest.mark.parametrize("encoding", ["gbk", "gb18030"])
def test_gbk_csv_from_chinese_excel(app, encoding):
    rows = [person(1, name="张三丰"),
            person(2, name="欧阳锋", unit_path="西陵街道/船柴社区/一区/3栋")]
    result = service.import_roster("名册.csv", to_csv(rows, encoding=encoding))
    assert result.created == 2
    assert resident("40000001").name == "张三丰"
    assert resident("40000002").memberships[0].household.label == "3栋1单元003"


def test_header_spaces_case_and_extra_columns(app):
    data = "\ufeff unit_path , Address,area_m2,name ,phone,resident_code,birth_year,owner,备注\r\n"
    data += f"{PATH},2单元501,100,王五,13900000009,40000009,1950,是,楼长\r\n"
    result = service.import_roster("r.csv", data.encode())
    assert result.created == 1 and result.slips[0].name == "王五"  # no pin column: generated


def test_xlsx_numbers_read_as_text(app):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append([" unit_path", "address", "area_m2", "name", "phone", "resident_code",
                  "birth_year", "owner", "pin", "备注"])
    sheet.append([PATH, "1单元101", 89.55, "李四", 13900000001, 40000001, 1950.0, 1, "246810",
                  "x"])
    sheet.append([])  # blank rows are skipped, but still counted in row numbers
    sheet.append([PATH, "1单元102", 120, "赵六", None, 40000002, None, 0.0, None])
    buf = io.BytesIO()
    book.save(buf)
    result = service.import_roster("名册.xlsx", buf.getvalue())
    assert (result.rows, result.created, result.pins_from_file, len(result.slips)) == (2, 2, 1, 1)
    li = resident("40000001")
    assert (li.phone, li.birth_year) == ("13900000001", 1950)
    assert li.memberships[0].household.area_m2 == Decimal("89.55")
    assert check_pin(li.pin_hash, "246810")
    zhao = resident("40000002")
    assert zhao.phone is None and zhao.birth_year is None
    assert not zhao.memberships[0].is_owner


def test_xlsx_row_numbers_match_excel(app):
    book = openpyxl.Workbook()
    book.active.append(list(COLUMNS))
    book.active.append(list(person(1).values()))
    book.active.append([])
    book.active.append(list(person(2, phone="12345").values()))
    buf = io.BytesIO()
    book.save(buf)
    with pytest.raises(service.RosterInvalid) as e:
        service.import_roster("r.xlsx", buf.getvalue())
    assert [(x.row, x.reason) for x in e.value.errors] == [(4, "手机号应是1开头的11位数字")]


@pytest.mark.parametrize(("filename", "data", "message"), [
    ("r.csv", b"", "文件是空的"),
    ("r.csv", to_csv([]), "只有表头"),
    ("r.csv", b"unit_path,address,name\r\nx,y,z\r\n", "缺少必需的列：area_m2、phone"),
    ("r.csv", b"\xff\xfe\x00\xd8\x00\xd8", "文字编码"),
    ("r.xls", b"\xd0\xcf\x11\xe0rest", "旧版 .xls"),
    ("r.xlsx", b"PK\x03\x04not a zip", "打不开这个 Excel 文件"),
    ("r.txt", b"a,b", "只能导入 CSV 或 XLSX"),
])
def test_unreadable_files_are_one_clear_error(app, filename, data, message):
    with pytest.raises(service.RosterInvalid) as e:
        service.import_roster(filename, data)
    assert len(e.value.errors) == 1 and e.value.errors[0].row == 0
    assert message in e.value.errors[0].reason


@pytest.mark.parametrize(("value", "text"), [
    (None, ""), (True, "1"), (False, "0"), (1950.0, "1950"), (13900000001.0, "13900000001"),
    (89.55, "89.55"), (13900000001, "13900000001"), (" 王五\u3000", "王五"),
    (datetime(2024, 3, 1), "2024-03-01T00:00:00"),
])
def test_cell_text(value, text):
    assert parse.cell_text(value) == text


@pytest.mark.parametrize(("data", "message"), [
    (to_csv([], header=COLUMNS + ("name",)), "name 出现了两次"),
    (to_csv([person(1, name="x" * 200_000)]), "CSV 文件格式有误"),
])
def test_malformed_csv(app, data, message):
    with pytest.raises(service.RosterInvalid) as e:
        service.import_roster("r.csv", data)
    assert message in e.value.errors[0].reason


def test_row_limit(app, monkeypatch):
    monkeypatch.setattr(parse, "MAX_ROWS", 2)
    with pytest.raises(service.RosterInvalid) as e:
        service.import_roster("r.csv", to_csv([person(i) for i in range(3)]))
    assert "一次最多导入 2 行" in e.value.errors[0].reason


# --- validation ------------------------------------------------------------------------------


@pytest.mark.parametrize(("override", "message"), [
    ({"unit_path": ""}, "请填写单位"),
    ({"unit_path": "测试街道/测试社区/1栋"}, "单位要写4级"),
    ({"unit_path": "测试街道//测试小区/1栋"}, "单位要写4级"),
    ({"unit_path": "a/b/c/d/e"}, "单位要写4级"),
    ({"unit_path": "测试街道/测试社区/测试小区/" + "栋" * 61}, "每级最多60个字"),
    ({"address": ""}, "请填写门牌"),
    ({"address": "门" * 41}, "门牌最多40个字"),
    ({"area_m2": "八十"}, "面积应是数字"),
    ({"area_m2": "NaN"}, "面积应是数字"),
    ({"area_m2": "-3"}, "面积不能是负数"),
    ({"area_m2": "10000.01"}, "面积不能超过10000平方米"),
    ({"area_m2": "89.555"}, "面积最多保留两位小数"),
    ({"area_m2": "0"}, "业主所在的户面积不能为0"),
    ({"area_m2": ""}, "业主所在的户请填写面积"),
    ({"name": ""}, "请填写姓名"),
    ({"name": "名" * 41}, "姓名最多40个字"),
    ({"phone": "1390000000"}, "手机号应是1开头的11位数字"),
    ({"phone": "23900000001"}, "手机号应是1开头的11位数字"),
    ({"phone": "1.39E+10"}, "科学计数法"),
    ({"phone": "١٣٩٠٠٠٠٠٠٠١"}, "手机号应是1开头的11位数字"),  # Arabic-Indic digits
    ({"resident_code": ""}, "请填写8位居民码"),
    ({"resident_code": "4000001"}, "居民码应是8位数字"),
    ({"resident_code": "4000000A"}, "居民码应是8位数字"),
    ({"birth_year": "1900"}, "出生年份应是1901到"),
    ({"birth_year": str(clock.now().year + 1)}, "出生年份应是1901到"),
    ({"birth_year": "五零年"}, "出生年份应是1901到"),
    ({"owner": ""}, "是否业主请填 1 或 0"),
    ({"owner": "yes"}, "是否业主请填 1 或 0"),
    ({"pin": "12345"}, "密码应是6位数字"),
    ({"pin": "12a456"}, "密码应是6位数字"),
    ({"pin": "123456"}, "密码太简单"),
    ({"pin": "888888"}, "密码太简单"),
])
def test_each_bad_field_is_named_with_its_row(app, override, message):
    errors = errors_of([person(1), person(2, **override), person(3)])
    assert len(errors) == 1
    assert errors[0][0] == 3 and message in errors[0][1], errors
    assert count(Resident) == 0 and count(Unit) == 0


@pytest.mark.parametrize(("override", "stored"), [
    ({"area_m2": " 1,234.5 "}, ("1234.50", True)),
    ({"area_m2": "", "owner": "0"}, ("0.00", False)),
    ({"area_m2": "0", "owner": "否"}, ("0.00", False)),
    ({"area_m2": "10000", "owner": "是"}, ("10000.00", True)),
])
def test_accepted_area_and_owner_forms(app, override, stored):
    run([person(1, **override)])
    m = resident("40000001").memberships[0]
    assert (str(m.household.area_m2), m.is_owner) == stored


def test_full_width_digits_from_a_chinese_input_method(app):
    run([person(1, phone="１３９００００００01", resident_code="４０００００01",
                birth_year="１９５０", area_m2="８９．５", owner="１", pin="９７５３１０")])
    r = resident("40000001")
    assert (r.phone, r.birth_year) == ("13900000001", 1950) and check_pin(r.pin_hash, "975310")
    assert r.memberships[0].household.area_m2 == Decimal("89.50")


def test_phone_with_spaces_and_blank_phone(app):
    run([person(1, phone="139 0000 0001"), person(2, phone="")])
    assert resident("40000001").phone == "13900000001"
    assert resident("40000002").phone is None


def test_several_bad_fields_in_one_row_are_all_listed(app):
    errors = errors_of([person(1, phone="1", birth_year="1800", owner="x")])
    assert [row for row, _ in errors] == [2, 2, 2]


@pytest.mark.parametrize(("rows", "expected"), [
    ([person(1), person(2, phone="13900000001")],
     (3, "手机号与第2行另一位居民（居民码40000001）相同")),
    ([person(1), person(1, address="8单元808", name="居民一")], (3, "姓名是“居民1”，这里不同")),
    ([person(1), person(1, address="8单元808", phone="13911111111")], (3, "的手机号不同")),
    ([person(1), person(1, address="8单元808", birth_year="1960")], (3, "的出生年份不同")),
    ([person(1, pin="246810"), person(1, address="8单元808", pin="975310")], (3, "的密码不同")),
    ([person(1), person(1)], (3, "同一人在这一户已出现在第2行")),
    ([person(1), person(2, address=person(1)["address"], area_m2="90")],
     (3, "同一户在第2行的面积是89.50，这里是90.00")),
])
def test_rows_that_contradict_each_other(app, rows, expected):
    errors = errors_of(rows)
    assert len(errors) == 1 and errors[0][0] == expected[0] and expected[1] in errors[0][1], errors


def test_same_area_written_differently_is_not_a_conflict(app):
    co = person(2, address=person(1)["address"], area_m2="89.5")
    assert run([person(1), co]).households == 1


def test_code_of_another_person_in_the_database(tree):
    make_resident(make_household(tree["b1"]), name="别人", code="40000001")
    errors = errors_of([person(0), person(1)])
    assert errors == [(3, "居民码40000001已属于另一位居民（姓名不同），请核对")]


def test_phone_of_another_resident_in_the_database(tree):
    make_resident(make_household(tree["b1"]), name="别人", phone="13900000001", code="50000000")
    assert errors_of([person(1)]) == [(2, "手机号13900000001已登记给另一位居民")]


def test_existing_unit_of_the_wrong_kind(tree):
    create_unit(tree["community"], "北区", "building")  # a building hung straight under 社区
    db.session.commit()
    errors = errors_of([person(1), person(2, unit_path="测试街道/测试社区/北区/1栋")])
    assert errors == [(3, "“北区”已登记为楼栋，不是小区/村民小组")]


def test_every_bad_row_is_reported_in_order(app):
    rows = [person(i) for i in range(10)]
    rows[2]["phone"], rows[5]["name"], rows[8]["area_m2"] = "x", "", "x"
    assert [row for row, _ in errors_of(rows)] == [4, 7, 10]


# --- what gets saved -------------------------------------------------------------------------


def test_co_owners_share_one_household(app):
    co = person(2, address=person(1)["address"])
    result = run([person(1), co])
    assert (result.created, result.households) == (2, 1)
    hh = db.session.scalar(db.select(Household))
    assert sorted((m.resident.name, m.is_owner) for m in hh.members) == [
        ("居民1", True), ("居民2", True)]


def test_one_owner_with_two_units(app):
    second = person(1, address="7单元701", area_m2="60")
    second_building = person(1, unit_path="测试街道/测试社区/测试小区/2栋", phone="")
    result = run([person(1), second, second_building])
    assert (result.created, result.households, len(result.slips)) == (1, 3, 1)
    r = resident("40000001")
    assert len(r.memberships) == 3 and all(m.is_owner for m in r.memberships)
    assert r.phone == "13900000001"


def test_reimport_is_idempotent(app):
    rows = [person(i) for i in range(5)] + [person(0, address="7单元701")]
    first = run(rows)
    assert (first.created, len(first.slips)) == (5, 5)
    hashes = {r.code: r.pin_hash for r in db.session.scalars(db.select(Resident))}
    again = run(rows)
    assert (again.created, again.updated, again.households, again.units, again.slips) == (
        0, 0, 0, 0, [])
    assert count(Resident) == 5 and count(Membership) == 6 and count(Household) == 6
    assert {r.code: r.pin_hash for r in db.session.scalars(db.select(Resident))} == hashes


def test_reimport_updates_known_residents(tree):
    hh = make_household(tree["b1"], "1单元002", area="70")
    make_resident(hh, name="居民1", phone=None, code="40000001", owner=False, birth_year=None)
    result = run([person(1, pin="975310")])
    assert (result.created, result.updated, result.households, result.areas) == (0, 1, 0, 1)
    text = service.describe(result)
    assert "更新 1 人" in text and "更正了 1 户的面积" in text
    r = resident("40000001")
    assert (r.phone, r.birth_year, r.memberships[0].is_owner) == ("13900000001", 1941, True)
    assert r.memberships[0].household.area_m2 == Decimal("89.50")
    assert check_pin(r.pin_hash, "135790")  # a known resident keeps their PIN


def test_generated_pins_log_in_and_file_pins_get_no_slip(client, auth, app):
    result = run([person(1), person(2, pin="975310")])
    assert [s.code for s in result.slips] == ["40000001"] and result.pins_from_file == 1
    slip = result.slips[0]
    assert re.fullmatch(r"\d{6}", slip.pin) and slip.address == "1栋1单元002"
    assert auth.login("40000001", slip.pin).status_code == 303
    auth.logout()
    assert auth.login("13900000002", "975310").status_code == 303


def test_one_audit_row_per_import(app):
    rows = [person(1), person(2), person(3, unit_path="测试街道/测试社区/测试小区/2栋")]
    run(rows, filename="三月名册.csv")
    audits = db.session.scalars(db.select(AuditLog)).all()
    assert len(audits) == 1 and audits[0].action == "roster_import"
    detail = json.loads(audits[0].detail)
    assert detail["file"] == "三月名册.csv" and detail["rows"] == 3 and detail["created"] == 3
    assert detail["slips"] == 3 and detail["units"] == 5 and detail["households"] == 3
    compound = db.session.scalar(db.select(Unit).where(Unit.name == "测试小区"))
    assert audits[0].unit_id == compound.id  # the lowest unit holding every row


def test_village_community_is_marked(app):
    run([person(1, unit_path="某镇/某某村/一组/张家湾")])
    village = db.session.scalar(db.select(Unit).where(Unit.name == "某某村"))
    assert village.is_village and village.kind == "community"


def test_a_resident_registered_during_the_hashing_is_caught(app, monkeypatch):
    make_pins = service._make_pins

    def meanwhile(people, progress):
        pins = make_pins(people, progress)
        make_resident(None, name="抢先", code="40000002")  # someone else, same code, commits
        return pins

    monkeypatch.setattr(service, "_make_pins", meanwhile)
    with pytest.raises(service.RosterInvalid) as e:
        run([person(1), person(2)])
    assert [(x.row, x.reason) for x in e.value.errors] == [
        (3, "居民码40000002已属于另一位居民（姓名不同），请核对")]
    assert count(Resident) == 1 and count(Household) == 0


def test_a_resident_removed_during_the_hashing_gets_a_fresh_pin(tree, monkeypatch):
    known = make_resident(make_household(tree["b1"]), name="居民1", code="40000001")
    make_pins = service._make_pins

    def meanwhile(people, progress):
        assert people == []  # the only person is already registered
        db.session.delete(db.session.get(Resident, known.id))
        db.session.commit()
        return make_pins(people, progress)

    monkeypatch.setattr(service, "_make_pins", meanwhile)
    result = run([person(1)])
    assert result.created == 1 and check_pin(resident("40000001").pin_hash, result.slips[0].pin)


def test_a_clash_at_save_time_saves_nothing(app, monkeypatch):
    plan_and_check = service.checked_plan
    calls = []

    def clash(*args):
        plan = plan_and_check(*args)
        calls.append(1)
        if len(calls) == 2:  # after the second check, before the save
            db.session.add(Resident(name="抢先", phone="13900000001", code="50000000",
                                    pin_hash="x"))
        return plan

    monkeypatch.setattr(service, "checked_plan", clash)
    with pytest.raises(service.RosterInvalid) as e:
        run([person(1)])
    assert e.value.errors[0].row == 0 and "请再导入一次" in e.value.errors[0].reason
    assert count(Resident) == 0 and count(AuditLog) == 0


# --- workers' scope --------------------------------------------------------------------------


def test_worker_imports_into_own_community_and_new_compounds(worker):
    rows = [person(1), person(2, unit_path="测试街道/测试社区/新小区/1栋")]
    assert run(rows, actor=worker).created == 2
    audit = db.session.scalar(db.select(AuditLog).where(AuditLog.action == "roster_import"))
    assert audit.actor_id == worker.id


def test_worker_cannot_import_outside_their_units(worker):
    make_tree("外")
    errors = errors_of([person(1), person(2, unit_path="外测试街道/外测试社区/外测试小区/1栋"),
                        person(3, unit_path="测试街道/测试社区/测试小区/1栋"),
                        person(4, unit_path="测试街道/别的社区/小区/1栋"),
                        person(5, unit_path="西陵街道/测试社区/测试小区/1栋")], actor=worker)
    mine = "您负责的是“测试街道/测试社区”，请照这个写法填写"
    assert errors == [
        (3, "“外测试街道/外测试社区/外测试小区/1栋”不在您负责的“测试街道/测试社区”范围内，"
            "不能导入"),
        (5, f"找不到社区“别的社区”：“测试街道”下面没有叫这个名字的社区。{mine}"),
        (6, f"找不到街道“西陵街道”：系统里没有叫这个名字的街道。{mine}"),
    ]


def test_an_existing_community_outside_a_worker_of_one_compound(tree):
    compound_worker = make_resident(make_household(tree["b1"]), phone="13700000009",
                                    roles=[("worker", tree["compound"])])
    errors = errors_of([person(1, unit_path="测试街道/测试社区/别的小区/1栋")],
                       actor=compound_worker)
    assert errors == [(2, "找不到小区“别的小区”：“测试街道/测试社区”下面没有叫这个名字的小区。"
                          "您负责的是“测试街道/测试社区/测试小区”，请照这个写法填写")]


def test_worker_cannot_change_phone_of_resident_managed_elsewhere(worker):
    other = make_tree("外")
    make_resident(make_household(other["b1"]), name="居民1", phone="13911111111", code="40000001")
    errors = errors_of([person(1)], actor=worker)
    assert errors == [(2, "居民码40000001由其他单位管理，不能在这里更改其手机号或出生年份")]
    # Adding the same person to a household here without changing details is fine.
    assert run([person(1, phone="13911111111", birth_year="")], actor=worker).updated == 1


# --- performance and the command line --------------------------------------------------------


def test_thousand_rows_one_bad_then_fixed(app, runner, tmp_path):
    rows = [person(i) for i in range(1000)]
    rows[499]["birth_year"] = "1850"  # the 500th resident is on spreadsheet row 501
    path = tmp_path / "roster.csv"
    path.write_bytes(to_csv(rows))
    result = runner.invoke(args=["import-roster", str(path)])
    assert result.exit_code == 1
    assert "第 501 行：出生年份应是1901到" in result.output and "没有导入任何内容" in result.output
    assert count(Resident) == 0 and count(Household) == 0 and count(Unit) == 0

    rows[499]["birth_year"] = "1950"
    path.write_bytes(to_csv(rows))
    started = time.monotonic()
    result = runner.invoke(args=["import-roster", str(path), "--slips", str(tmp_path / "s.html")])
    assert result.exit_code == 0, result.output
    assert time.monotonic() - started < 20  # a few seconds on a quiet machine
    assert count(Resident) == 1000 and count(Membership) == 1000 and count(AuditLog) == 1
    assert "已导入 1000 行" in result.output


def test_cli_prints_every_bad_row(app, runner, tmp_path):
    rows = [person(1, phone="x"), person(2), person(3, owner="2")]
    path = tmp_path / "r.csv"
    path.write_bytes(to_csv(rows))
    result = runner.invoke(args=["import-roster", str(path)])
    assert result.exit_code != 0
    assert "第 2 行：手机号应是1开头的11位数字" in result.output
    assert "第 4 行：是否业主请填 1 或 0" in result.output
    assert "2 处错误" in result.output


def test_cli_writes_private_slip_sheet(app, runner, tmp_path):
    path = tmp_path / "r.csv"
    path.write_bytes(to_csv([person(1), person(2, pin="975310")]))
    result = runner.invoke(args=["import-roster", str(path)])
    assert result.exit_code == 0, result.output
    sheet = re.search(r"已写入 (\S+)", result.output).group(1)
    assert os.path.dirname(sheet) == app.instance_path
    assert re.fullmatch(r"slips-\d{8}-\d{6}\.html", os.path.basename(sheet))
    assert stat.S_IMODE(os.stat(sheet).st_mode) == 0o600
    with open(sheet, encoding="utf-8") as f:
        html = f.read()
    pins = SLIP_PIN.findall(html)
    assert len(pins) == 1 and "975310" not in html
    assert "居民1" in html and "40000001" in html and "居民2" not in html
    assert "另有 1 位新登记居民的密码由名册文件给出" in html
    assert check_pin(resident("40000001").pin_hash, pins[0])
    assert pins[0] not in result.output


def test_cli_without_new_residents_writes_no_sheet(app, runner, tmp_path):
    path = tmp_path / "r.csv"
    path.write_bytes(to_csv([person(1, pin="975310")]))
    result = runner.invoke(args=["import-roster", str(path)])
    assert result.exit_code == 0 and "没有需要打印的凭条" in result.output
    assert not [f for f in os.listdir(app.instance_path) if f.startswith("slips-")]


def test_cli_progress_bar_for_big_files(app, runner, tmp_path):
    path = tmp_path / "r.csv"
    path.write_bytes(to_csv([person(i) for i in range(60)]))
    result = runner.invoke(args=["import-roster", str(path), "--slips", str(tmp_path / "s.html")])
    assert result.exit_code == 0 and "生成密码" in result.output


# --- the upload page -------------------------------------------------------------------------


def upload(auth, rows=None, data=None, filename="名册.csv", **kw):
    data = to_csv(rows) if data is None else data
    return auth.post("/roster/import", {"file": (io.BytesIO(data), filename), **kw})


def preview(client, auth, rows=None, **kw):
    """Upload a file and open the preview it leads to."""
    r = upload(auth, rows, **kw)
    assert r.status_code == 303, r.get_data(as_text=True)
    assert r.headers["Location"].startswith("/roster/import/confirm?upload=")
    return client.get(r.headers["Location"])


def hidden(html: str, name: str) -> str:
    return re.search(rf'name="{name}" value="([^"]*)"', html).group(1)


def confirm(client, page, tick=True, **kw):
    """Press 确认导入 under the preview (ticking the new-units box when there is one)."""
    html = page.get_data(as_text=True)
    data = {"csrf_token": csrf_token(html), "upload": hidden(html, "upload"),
            "units_seen": hidden(html, "units_seen")}
    if tick and 'name="new_units_ok"' in html:
        data["new_units_ok"] = "y"
    return client.post("/roster/import/confirm", data={**data, **kw})


def written() -> tuple[int, ...]:
    """What an import writes: residents, memberships, households, units, audit rows."""
    return tuple(count(m) for m in (Resident, Membership, Household, Unit, AuditLog))


def test_upload_page_shows_form_help_and_template_link(client, auth, worker):
    auth.login("13700000001")
    r = client.get("/roster/import")
    html = r.get_data(as_text=True)
    assert r.status_code == 200 and r.headers["Cache-Control"] == "no-store"
    assert 'enctype="multipart/form-data"' in html and 'name="file"' in html
    assert 'name="csrf_token"' in html and "resident_code" in html
    assert 'href="/roster/template.csv"' in html
    assert "导入居民名册" in client.get("/staff").get_data(as_text=True)


def test_help_example_is_the_workers_own_first_building(client, auth, worker):
    auth.login("13700000001")
    html = client.get("/roster/import").get_data(as_text=True)
    assert "如 测试街道/测试社区/测试小区/1栋</dd>" in html
    assert "西陵街道/船柴社区" not in html


def test_help_example_of_a_community_without_buildings(client, auth, tree):
    empty = create_unit(tree["street"], "新社区", "community")
    make_resident(make_household(tree["b1"]), phone="13700000003", roles=[("worker", empty)])
    auth.login("13700000003")
    html = client.get("/roster/import").get_data(as_text=True)
    assert "如 测试街道/新社区/某小区/1栋</dd>" in html


def test_upload_shows_a_preview_and_writes_nothing(client, auth, worker):
    run([person(1), person(2), person(3)])
    before = written()
    auth.login("13700000001")
    page = preview(client, auth, [
        person(1),  # unchanged
        person(2, phone="13912345678"),  # updated
        person(3, address="1单元099"),  # moved: registered, now in another household
        person(4, unit_path="测试街道/测试社区/测试小区/9栋"),  # new, in a new building
        person(5),  # new
    ])
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and page.headers["Cache-Control"] == "no-store"
    assert "还没有导入" in html
    for label, n in (("新登记的居民", "2 人"), ("已登记、这次登记到另一户的居民", "1 人"),
                     ("已登记、信息有更改的居民", "1 人"), ("已登记、没有变化的居民", "1 人"),
                     ("新建的住户", "3 户"), ("新建的楼栋/小区", "1 个")):
        assert f"<dt>{label}</dt><dd>{n}" in html, label
    assert "<li>测试街道/测试社区/测试小区/9栋 <span class=\"tag\">楼栋</span></li>" in html
    assert re.search(r'<input[^>]*name="new_units_ok"[^>]*required', html)
    assert "这些新的楼栋/小区是对的，要新建" in html
    assert written() == before
    assert resident("40000002").phone == "13900000002"


def test_confirming_imports_everything_with_an_audit_row(client, auth, worker):
    auth.login("13700000001")
    page = preview(client, auth, [person(1), person(2, unit_path="测试街道/测试社区/新小区/9栋"),
                                  person(3, pin="975310")])
    html = page.get_data(as_text=True)
    assert "<li>测试街道/测试社区/新小区 <span class=\"tag\">小区/村民小组</span></li>" in html
    assert "<li>测试街道/测试社区/新小区/9栋 <span class=\"tag\">楼栋</span></li>" in html
    r = confirm(client, page)
    html = r.get_data(as_text=True)
    assert r.status_code == 200 and r.headers["Cache-Control"] == "no-store"
    assert "已导入 3 行" in html and "其中 1 人的密码由文件给出" in html
    pins = SLIP_PIN.findall(html)
    assert len(pins) == 2 and "975310" not in html
    assert count(Resident) == 4  # the worker and three new residents
    assert resident("40000002").memberships[0].household.building.name == "9栋"
    audit = db.session.scalars(db.select(AuditLog).where(AuditLog.action == "roster_import")).all()
    assert len(audit) == 1 and audit[0].actor_id == worker.id
    upload_row = db.session.scalar(db.select(RosterUpload))
    assert upload_row.imported_at is not None and upload_row.data is None
    with client.session_transaction() as s:
        assert not any(p in json.dumps(s, default=str) for p in pins)
    auth.logout()
    assert auth.login("40000001", pins[0]).status_code == 303


def test_new_units_are_created_only_once_confirmed(client, auth, worker):
    auth.login("13700000001")
    page = preview(client, auth, [person(1, unit_path="测试街道/测试社区/测试小区/9栋")])
    before = written()
    r = confirm(client, page, tick=False)
    html = r.get_data(as_text=True)
    assert r.status_code == 422 and "有错误" in html
    assert "请逐个核对上面要新建的单位" in html and "测试小区/9栋" in html
    assert written() == before
    r = confirm(client, page, units_seen="somethingelse")
    assert r.status_code == 422 and "要新建的单位和刚才列出的不一样了" in r.get_data(as_text=True)
    assert written() == before
    assert confirm(client, r).status_code == 200  # the re-shown list, now confirmed
    assert count(Unit) == 6


def test_a_file_without_new_units_needs_no_tick(client, auth, worker):
    auth.login("13700000001")
    page = preview(client, auth, [person(1, pin="975310")])
    assert 'name="new_units_ok"' not in page.get_data(as_text=True)
    r = confirm(client, page, tick=False)
    assert r.status_code == 303 and r.headers["Location"] == "/roster/import"
    assert "已导入 1 行" in client.get("/roster/import").get_data(as_text=True)
    assert count(Resident) == 2


def test_a_resent_confirmation_imports_nothing_more(client, auth, worker):
    auth.login("13700000001")
    page = preview(client, auth, [person(1), person(2, unit_path="测试街道/测试社区/测试小区/9栋")])
    assert confirm(client, page).status_code == 200
    after = written()
    for resend in (confirm, lambda client, page: client.get(page.request.url)):
        again = resend(client, page)
        assert again.status_code == 303 and again.headers["Location"] == "/roster/import"
        html = client.get("/roster/import").get_data(as_text=True)
        assert "这份名册已经导入过了，没有再导入一次。已导入 2 行" in html
    assert written() == after


def test_two_confirmations_at_once_import_once(app, worker):
    data = to_csv([person(1)])
    staged = service.stage_upload("名册.csv", data, worker)
    service.import_roster("名册.csv", data, actor=worker, upload=staged, units_seen="")
    with pytest.raises(service.AlreadyImported) as e:  # the second had read the file already
        service.import_roster("名册.csv", data, actor=worker, upload=staged, units_seen="")
    assert e.value.summary.startswith("已导入 1 行")
    assert count(Resident) == 2


def test_someone_elses_or_a_forgotten_upload_is_not_found(client, auth, worker, tree):
    make_resident(make_household(tree["b2"]), phone="13700000002",
                  roles=[("worker", tree["community"])])
    auth.login("13700000001")
    page = preview(client, auth, [person(1)])
    auth.logout()
    auth.login("13700000002")
    for r in (client.get(page.request.url), confirm(client, page, csrf_token=auth.token("/")),
              client.get("/roster/import/confirm")):
        assert r.status_code == 303 and r.headers["Location"] == "/roster/import"
    assert "找不到这次上传的名册" in client.get("/roster/import").get_data(as_text=True)
    assert count(Resident) == 2
    db.session.execute(db.update(RosterUpload).values(
        created_at=clock.now() - service.KEEP - service.KEEP))
    service.stage_upload("名册.csv", to_csv([person(2)]), worker)  # forgets the old one
    assert count(RosterUpload) == 1


def test_a_file_that_went_bad_since_its_preview_imports_nothing(client, auth, worker):
    auth.login("13700000001")
    page = preview(client, auth, [person(1)])
    make_resident(make_household(worker.memberships[0].household.building), name="别人",
                  phone="13900000001")
    before = written()
    r = confirm(client, page)
    assert r.status_code == 422
    assert "第2行：手机号13900000001已登记给另一位居民" in r.get_data(as_text=True)
    assert written() == before


def test_missing_csrf_on_the_confirmation_reshows_the_preview(client, auth, worker):
    auth.login("13700000001")
    page = preview(client, auth, [person(1)])
    r = confirm(client, page, csrf_token="")
    html = r.get_data(as_text=True)
    assert r.status_code == 422 and "页面停留太久已过期" in html and "确认导入" in html
    assert count(Resident) == 1


def test_preview_queries_do_not_grow_with_the_rows(client, auth, worker):
    def queries_for_preview(rows):
        page = preview(client, auth, rows)
        seen = []
        listener = lambda *a: seen.append(a[2])  # noqa: E731
        event.listen(db.engine, "before_cursor_execute", listener)
        try:
            assert client.get(page.request.url).status_code == 200
        finally:
            event.remove(db.engine, "before_cursor_execute", listener)
        return len(seen)
    run([person(i) for i in range(40)], actor=worker)
    auth.login("13700000001")
    few = queries_for_preview([person(i, phone=f"136{i:08d}") for i in range(2)])
    many = queries_for_preview([person(i, phone=f"136{i:08d}") for i in range(40)])
    assert few == many


@pytest.mark.parametrize("buildings", [1, 60])
def test_preview_and_error_pages_pass_the_page_gates(client, auth, worker, buildings):
    """The crawl of tests/test_pages.py cannot reach pages behind a POST: the same gates here,
    on a preview listing many new buildings and on a long list of bad rows."""
    auth.login("13700000001")
    rows = [person(i, unit_path=f"测试街道/测试社区/新建小区/{i}栋") for i in range(buildings)]
    bad = [person(i, unit_path=f"测试街道/别的社区/小区/{i}栋") for i in range(buildings)]
    pages = {"preview": preview(client, auth, rows), "errors": upload(auth, bad)}
    pages["unconfirmed"] = confirm(client, pages["preview"], tick=False)
    for name, r in pages.items():
        html = r.get_data(as_text=True)
        page = Page(name, r.status_code, html, None, analyse(html))
        assert markup_problems(page, ("localhost",)) == [], name
        css = sum(gzip_size(client.get(h).get_data()) for h in page.info.stylesheets)
        assert gzip_size(html) + css <= BUDGET, name


def test_upload_xlsx(client, auth, worker):
    book = openpyxl.Workbook()
    book.active.append(list(COLUMNS))
    book.active.append(list(person(1).values()))
    buf = io.BytesIO()
    book.save(buf)
    auth.login("13700000001")
    page = preview(client, auth, data=buf.getvalue(), filename="名册.XLSX")
    r = confirm(client, page)
    assert r.status_code == 200 and len(SLIP_PIN.findall(r.get_data(as_text=True))) == 1


def test_upload_with_errors_lists_them_and_saves_nothing(client, auth, worker):
    auth.login("13700000001")
    rows = [person(1), person(2, phone="123"), person(3, resident_code="1")]
    r = upload(auth, rows)
    html = r.get_data(as_text=True)
    assert r.status_code == 422
    assert "有 2 处错误，没有导入任何内容" in html
    assert "<li>第3行：手机号应是1开头的11位数字</li>" in html
    assert "<li>第4行：居民码应是8位数字" in html
    assert count(Resident) == 1 and count(Household) == 1 and count(RosterUpload) == 0


def test_upload_of_units_outside_or_missing_lists_every_row(client, auth, worker):
    make_tree("外")
    auth.login("13700000001")
    r = upload(auth, [person(1), person(2, unit_path="外测试街道/外测试社区/外测试小区/9栋"),
                      person(3, unit_path="测试街道/测试社区X/测试小区/1栋")])
    html = r.get_data(as_text=True)
    assert r.status_code == 422 and "有 2 处错误，没有导入任何内容" in html
    assert ("<li>第3行：“外测试街道/外测试社区/外测试小区/9栋”不在您负责的“测试街道/测试社区”"
            "范围内，不能导入</li>") in html
    assert "<li>第4行：找不到社区“测试社区X”：“测试街道”下面没有叫这个名字的社区。" in html
    assert count(Resident) == 1 and count(Unit) == 10 and count(RosterUpload) == 0


@pytest.mark.parametrize(("filename", "message"), [
    (None, "请选择要导入的名册文件"),
    ("名册.pdf", "只能导入 CSV 或 .xlsx 文件"),
])
def test_upload_form_errors(client, auth, worker, filename, message):
    auth.login("13700000001")
    data = {} if filename is None else {"file": (io.BytesIO(b"x"), filename)}
    r = auth.post("/roster/import", data)
    assert r.status_code == 422 and message in r.get_data(as_text=True)


def test_upload_needs_a_worker(client, auth, tree):
    make_resident(make_household(tree["b1"]), phone="13900000099")
    make_resident(make_household(tree["b1"]), phone="13900000098",
                  roles=[("supervisor", tree["community"])])
    assert client.get("/roster/import").headers["Location"].startswith("/login")
    for phone in ("13900000099", "13900000098"):
        auth.login(phone)
        assert client.get("/roster/import").status_code == 403
        assert client.get("/roster/template.csv").status_code == 403
        r = upload(auth, [person(1)], csrf_token=auth.token("/"))
        assert r.status_code == 403
        assert client.get("/roster/import/confirm?upload=x").status_code == 403
        auth.logout()
    assert count(Resident) == 2


def test_anonymous_post_goes_to_login(client, tree):
    r = client.post("/roster/import", data={"file": (io.BytesIO(to_csv([person(1)])), "r.csv")})
    assert r.status_code == 303 and r.headers["Location"].startswith("/login")
    assert count(Resident) == 0


def test_missing_csrf_rerenders_form_and_saves_nothing(client, auth, worker):
    auth.login("13700000001")
    r = client.post("/roster/import", data={"file": (io.BytesIO(to_csv([person(1)])), "r.csv")})
    html = r.get_data(as_text=True)
    assert r.status_code == 422
    assert "页面停留太久已过期" in html and 'name="file"' in html
    assert count(Resident) == 1


def test_too_big_file_gets_the_chinese_413_page(client, auth, worker, app):
    auth.login("13700000001")
    app.config["MAX_CONTENT_LENGTH"] = 2000
    r = upload(auth, [person(i) for i in range(50)])
    assert r.status_code == 413 and "文件太大" in r.get_data(as_text=True)
    assert count(Resident) == 1


def test_template_csv_download(client, auth, worker):
    auth.login("13700000001")
    r = client.get("/roster/template.csv")
    assert r.status_code == 200 and r.mimetype == "text/csv"
    assert "attachment" in r.headers["Content-Disposition"]
    assert r.data.startswith(b"\xef\xbb\xbf")
    header = r.data.decode("utf-8-sig").strip().split(",")
    assert header == list(COLUMNS)
