"""Reports for the city's review: XLSX and CSV whose totals match the database."""

import csv
import io
from datetime import date, timedelta
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from community import clock
from community.ballots import service as ballots
from community.clock import now
from community.evaluations import service as evaluations
from community.extensions import db
from community.projects import funds, ledger
from community.projects import service as projects
from community.projects.models import Contribution, FundMovement
from community.reports import service as reports
from tests.ballot_factories import make_ballot
from tests.factories import make_household, make_resident
from tests.test_projects import build_world, login

D = Decimal


@pytest.fixture
def world(app):
    w = build_world()
    p = w.project
    for amount in ("0.10", "0.20", "1200.55"):
        ledger.add_contribution(p, w.worker, kind="money", received_on=date.today(),
                                source="anonymous", amount=D(amount))
    ledger.add_contribution(p, w.worker, kind="labour", received_on=date.today(),
                            source="resident", resident=w.resident, hours=D("3.5"))
    fund = funds.open_fund(w.tree["community"], "huimin", now().year, w.worker)
    funds.record_movement(fund, "allocation", D("5000.00"), w.worker, project=p,
                          occurred_on=date.today())
    funds.record_movement(fund, "spending", D("4321.09"), w.worker, project=p, voucher="R-1",
                          occurred_on=date.today())
    projects.change_project_status(p, "start", w.worker)
    projects.change_project_status(p, "finish", w.worker)
    ev = evaluations.open_evaluation(p, w.supervisor, now() + timedelta(days=3))
    for choice in ("satisfied", "basic", "unsatisfied"):
        evaluations.answer(ev, make_resident(make_household(w.tree["b1"])), choice)
    evaluations.close_evaluation(ev, w.supervisor)
    return w


def _period():
    today = now().date()
    return (today - timedelta(days=30)).isoformat(), (today + timedelta(days=1)).isoformat()


def _sum(column) -> Decimal:
    return sum(db.session.scalars(db.select(column).where(column.is_not(None))), D("0"))


def test_cli_xlsx_opens_and_its_totals_match_the_database(runner, world, tmp_path):
    start, end = _period()
    out = tmp_path / "r.xlsx"
    result = runner.invoke(args=["export-report", "--unit", str(world.tree["community"].id),
                                 "--from", start, "--to", end, "--out", str(out)])
    assert result.exit_code == 0, result.output
    wb = load_workbook(out)
    assert wb.sheetnames == ["说明", "议题", "会议", "表决", "项目", "资金", "满意度"]
    rows = list(wb["项目"].iter_rows(values_only=True))
    total = rows[-1]
    assert total[0] == "合计"
    assert D(str(total[3])) == _sum(Contribution.amount) == D("1200.85")
    assert D(str(total[4])) == _sum(Contribution.hours)
    assert D(str(total[6])) == D("5000.00") and D(str(total[7])) == D("4321.09")
    fund_row = list(wb["资金"].iter_rows(values_only=True))[1]
    spent = _sum(FundMovement.amount) - D("5000.00")
    assert D(str(fund_row[5])) == spent and D(str(fund_row[6])) == D("195000.00")
    sat = list(wb["满意度"].iter_rows(values_only=True))[1]
    assert sat[2:7] == (1, 1, 1, 3, "66.7%") and sat[7] == "需要整改"


def test_cli_csv_and_unit_by_path(runner, world, tmp_path):
    start, end = _period()
    out = tmp_path / "r.csv"
    unit = f"{world.tree['street'].name}/{world.tree['community'].name}"
    result = runner.invoke(args=["export-report", "--unit", unit, "--from", start, "--to", end,
                                 "--format", "csv", "--out", str(out)])
    assert result.exit_code == 0, result.output
    rows = list(csv.reader(io.StringIO(out.read_bytes().decode("utf-8-sig"))))
    total = next(r for r in rows if r[:2] == ["项目", "合计"])
    assert D(total[4]) == D("1200.85")


def test_cli_refuses_an_unknown_unit_and_reversed_dates(runner, world):
    r = runner.invoke(args=["export-report", "--unit", "没有这个地方", "--from", "2026-01-01",
                            "--to", "2026-02-01"])
    assert r.exit_code != 0 and "找不到单位" in r.output
    r = runner.invoke(args=["export-report", "--unit", str(world.tree["community"].id),
                            "--from", "2026-02-01", "--to", "2026-01-01"])
    assert r.exit_code != 0


def test_staff_download_page(client, auth, world):
    login(auth, world.worker)
    page = client.get("/reports/")
    assert page.status_code == 200 and "导出报表" in page.get_data(as_text=True)
    start, end = _period()
    r = client.get("/reports/", query_string={"unit_id": world.tree["community"].id,
                                              "start": start, "end": end, "fmt": "xlsx"})
    assert r.status_code == 200 and "attachment" in r.headers["Content-Disposition"]
    wb = load_workbook(io.BytesIO(r.data))
    assert list(wb["项目"].iter_rows(values_only=True))[-1][0] == "合计"
    bad = client.get("/reports/", query_string={"unit_id": world.tree["community"].id,
                                                "start": "2026-02-30", "end": end})
    assert bad.status_code == 422 and 'value="2026-02-30"' in bad.get_data(as_text=True)


@pytest.mark.parametrize("who,status", [("anonymous", 303), ("resident", 403),
                                        ("volunteer", 403), ("worker", 200),
                                        ("supervisor", 200)])
def test_report_page_access(client, auth, world, who, status):
    if who != "anonymous":
        login(auth, getattr(world, who))
    assert client.get("/reports/").status_code == status


def test_a_worker_cannot_download_another_communitys_report(client, auth, world):
    login(auth, world.worker)
    start, end = _period()
    r = client.get("/reports/", query_string={"unit_id": world.other["community"].id,
                                              "start": start, "end": end, "fmt": "csv"})
    assert r.status_code in (403, 422)


def test_a_closed_ballot_is_in_the_report_with_its_verdict_in_words(app, world):
    ballot = make_ballot(world.tree["compound"], actor=world.worker)
    ballots.close_ballot(ballot, world.worker)
    today = clock.today()  # a Beijing date, as the report's period is
    report = reports.collect(world.tree["community"], today - timedelta(days=1), today)
    rows = [row for sheet in report.sheets for row in sheet.rows if "测试表决" in map(str, row)]
    assert rows and "未通过" in map(str, rows[0])
