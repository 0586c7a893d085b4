"""Worker journey: import a small resident roster through the upload page, see the preview
(the counts, and a new building listed by its full path), confirm the new building, import;
then a file with a building in another community is refused with the row's number.

Before the fix the upload imported at once: a new building (a typo such as 9栋) was created
without being shown, and a row outside the worker's community said only 您无权导入此单位."""

import pytest

from tests.browser import conftest as browser_tests
from tests.browser import test_axe as axe
from tests.browser.conftest import layout_problems
from tests.crawl import ROLES
from tests.journeys.conftest import follow, in_db, log_in, main_text, press

pytestmark = pytest.mark.browser

COLUMNS = "unit_path,address,area_m2,name,phone,resident_code,birth_year,owner,pin"
HERE = "西陵区西陵街道/船柴社区/船柴一区"
ELSEWHERE = "宜都市陆城街道/锦江社区/锦江花园"


def roster(*rows: str) -> dict:
    """A CSV file as the worker's Excel saves it (UTF-8 with a BOM)."""
    text = "\ufeff" + "\r\n".join((COLUMNS, *rows)) + "\r\n"
    return {"name": "名册.csv", "mimeType": "text/csv", "buffer": text.encode("utf-8")}


def upload(page, file: dict) -> None:
    follow(page, "管理")
    follow(page, "导入居民名册", where="main")
    page.get_by_label("名册文件").set_input_files(file)
    press(page, "上传并检查")


def fact(page, label: str) -> str:
    """The preview's figure beside a label (a <dt>/<dd> pair)."""
    return page.locator("#roster-preview dt", has_text=label).locator("+ dd").inner_text()


@pytest.mark.parametrize("js", [False, True], ids=["js-off", "js-on"])
def test_worker_previews_confirms_and_imports_a_roster(open_as, live_server, js):
    n = 2 if js else 1  # each run its own building, codes and phones: they share the server
    building, codes = f"{HERE}/9{n}栋", (f"9{n}000001", f"9{n}000002")
    page = open_as("worker", js=js, size="staff")
    upload(page, roster(
        f"{building},1单元101,88.50,旅程甲{n},1990000{n}001,{codes[0]},1950,1,",
        f"{HERE}/1栋,1单元9{n}1,72.00,旅程乙{n},1990000{n}002,{codes[1]},1962,1,",
    ))
    text = main_text(page)
    assert "还没有导入" in text, text
    assert fact(page, "新登记的居民") == "2 人"
    assert fact(page, "新建的住户") == "2 户"
    assert fact(page, "新建的楼栋/小区") == "1 个"
    assert building in page.locator("#new-units").inner_text()
    assert not in_db(live_server, "SELECT count(*) FROM resident WHERE code IN (:a, :b)",
                     a=codes[0], b=codes[1])

    page.get_by_label("这些新的楼栋/小区是对的，要新建").check()
    press(page, "确认导入")
    text = main_text(page)
    assert "已导入 2 行" in text and "新建单位 1 个" in text, text
    assert "登录凭条" in text
    assert in_db(live_server, "SELECT count(*) FROM resident WHERE code IN (:a, :b)",
                 a=codes[0], b=codes[1]) == 2
    assert in_db(live_server, "SELECT count(*) FROM unit WHERE name = :name",
                 name=f"9{n}栋") == 1


@pytest.mark.parametrize("js", [False, True], ids=["js-off", "js-on"])
def test_worker_is_told_which_row_is_outside_their_community(open_as, live_server, js):
    n = 4 if js else 3
    code = f"9{n}000001"
    page = open_as("worker", js=js, size="staff")
    upload(page, roster(
        f"{HERE}/1栋,1单元9{n}1,72.00,旅程丙{n},1990000{n}001,9{n}000002,1962,1,",
        f"{ELSEWHERE}/9栋,1单元101,88.50,旅程丁{n},1990000{n}002,{code},1950,1,",
    ))
    text = main_text(page)
    assert "没有导入任何内容" in text, text
    assert (f"第3行：“{ELSEWHERE}/9栋”不在您负责的“西陵区西陵街道/船柴社区”范围内"
            in text), text
    assert "第2行" not in text
    assert not in_db(live_server, "SELECT count(*) FROM resident WHERE code = :c", c=code)
    assert page.get_by_label("名册文件").count() == 1  # the form, to choose the fixed file


axe_js = browser_tests.axe_js  # the fixture, for this module


def test_preview_and_refusals_pass_axe_and_layout(page_factory, base_url, axe_js):  # noqa: F811
    """The crawl of tests/browser/test_axe.py cannot reach pages behind an upload: the same
    checks here, at 320×568, on the preview, its refusal without the tick, and bad rows."""
    page = page_factory(js=True, width=320, height=568, bypass_csp=True)
    page.context.add_init_script(path=str(axe_js))
    page.goto(base_url + "/")
    log_in(page, ROLES["worker"])
    upload(page, roster(f"{HERE}/99栋,1单元101,88.50,旅程戊,19900009001,99000001,1950,1,"))
    problems = axe_problems(page, "preview")
    # The browser will not send the form without the tick; the server's answer, as if it had.
    page.evaluate("document.getElementById('new_units_ok').removeAttribute('required')")
    press(page, "确认导入")
    assert "请逐个核对上面要新建的单位" in main_text(page)
    problems += axe_problems(page, "preview without the tick")
    upload(page, roster(f"{ELSEWHERE}/9栋,1单元101,88.50,旅程己,19900009002,99000002,1950,1,"))
    assert "不在您负责的" in main_text(page)
    problems += axe_problems(page, "bad rows")
    assert not problems, "\n".join(problems)


def axe_problems(page, name: str) -> list[str]:
    result = page.evaluate(axe.RUN_AXE, axe.AXE_OPTIONS)
    assert "color-contrast-enhanced" in result["ran"], "axe did not run"
    out = [f"{name}: axe {v['id']} ({v['impact']}): {v['help']}\n  " + "\n  ".join(v["nodes"])
           for v in result["violations"]]
    return out + [f"{name}: {msg}" for msg in layout_problems(page)]
