"""民事民办: projects, tasks, progress photos, the contributions ledger and funds."""

import io
import re
import threading
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

import pytest
from PIL import Image

from community.audit.models import AuditLog
from community.ballots import service as ballots
from community.clock import now
from community.evaluations import service as evaluations
from community.extensions import db
from community.issues.models import Issue
from community.projects import funds, ledger, service
from community.projects.models import Contribution, FundMovement, ProgressUpdate, Project
from tests.ballot_factories import login as ballot_login
from tests.ballot_factories import make_ballot, vote
from tests.factories import PIN, make_household, make_resident, make_tree
from tests.test_ballots_link import _outcome_for_ballot
from tests.test_meetings_setup import make_world

D = Decimal


@dataclass
class World:
    tree: dict
    other: dict
    resident: object
    neighbour: object
    outsider: object
    worker: object
    volunteer: object
    supervisor: object
    project: object


def build_world() -> World:
    """A community with residents and staff, a second community, and a project."""
    tree, other = make_tree(), make_tree("外")
    home = make_household(tree["b1"], "9单元901")
    resident = make_resident(home, name="李秀兰", phone="13900000001")
    neighbour = make_resident(make_household(tree["b2"], "2单元202"), name="王大山",
                              phone="13900000002")
    outsider = make_resident(make_household(other["b1"]), name="外社区居民", phone="13900000003")
    worker = make_resident(None, name="社区工作者", phone="13900000004",
                           roles=[("worker", tree["community"])])
    volunteer = make_resident(None, name="志愿者", phone="13900000005",
                              roles=[("volunteer", tree["compound"])])
    supervisor = make_resident(None, name="监委会", phone="13900000006",
                               roles=[("supervisor", tree["community"])])
    project = service.create_project(tree["compound"], worker, title="推墙联心",
                                     responsible="小区党支部", starts_on=now().date())
    return World(tree, other, resident, neighbour, outsider, worker, volunteer, supervisor,
                 project)


@pytest.fixture
def world(app):
    return build_world()


def login(auth, person):
    r = auth.login(person.phone, PIN)
    assert r.status_code == 303


# --- ledger and fund arithmetic (services, no HTTP) ---------------------------------------

def test_contribution_totals_are_exact_decimals(world):
    p, w = world.project, world.worker
    for amount in ("0.10", "0.20"):
        ledger.add_contribution(p, w, kind="money", received_on=now().date(), source="anonymous",
                                amount=D(amount))
    ledger.add_contribution(p, w, kind="labour", received_on=now().date(), source="resident",
                            resident=world.resident, hours=D("2.5"))
    for _ in range(2):
        ledger.add_contribution(p, w, kind="material", received_on=now().date(),
                                source="organisation", organisation="某商户", material="空调",
                                quantity=D("1"), unit_label="台")
    t = ledger.totals([p.id])
    assert t.money == D("0.30") and isinstance(t.money, Decimal)
    assert t.hours == D("2.5") and t.materials == {"空调（台）": D("2")} and t.entries == 5


def test_fund_balance_is_exact_and_overspending_is_refused(world):
    fund = funds.open_fund(world.tree["community"], "charity", 2026, world.worker)
    assert fund.budget == D("0")
    for amount in ("0.10", "0.20"):
        funds.record_movement(fund, "income", D(amount), world.worker, occurred_on=date.today())
    assert funds.balance(fund.id).available == D("0.30")
    rows = db.session.scalar(db.select(db.func.count(FundMovement.id)))
    audits = db.session.scalar(db.select(db.func.count(AuditLog.id)))
    with pytest.raises(funds.FundError, match="超出资金余额"):
        funds.record_movement(fund, "spending", D("0.31"), world.worker, voucher="V1",
                              occurred_on=date.today())
    db.session.rollback()
    assert db.session.scalar(db.select(db.func.count(FundMovement.id))) == rows
    assert db.session.scalar(db.select(db.func.count(AuditLog.id))) == audits
    move = funds.record_movement(fund, "spending", D("0.30"), world.worker, voucher="V1",
                                 occurred_on=date.today())
    assert move.balance_after == D("0.00") and funds.balance(fund.id).available == D("0")
    assert funds.balance(fund.id).on_hand == D("0.00")


def test_huimin_defaults_per_kind_and_setting_per_unit(world, app):
    community = world.tree["community"]
    assert funds.huimin_yearly(community) == D("200000")
    community.is_village = True
    assert funds.huimin_yearly(community) == D("100000")
    funds.set_huimin_yearly(community, D("150000.00"), world.worker)
    fund = funds.open_fund(community, "huimin", 2026, world.worker)
    assert fund.budget == D("150000.00")
    assert funds.open_fund(community, "huimin", 2026, world.worker).id == fund.id


def test_project_spending_is_limited_to_its_allocation(world):
    fund = funds.open_fund(world.tree["community"], "huimin", 2026, world.worker)
    p = world.project
    funds.record_movement(fund, "allocation", D("1000.00"), world.worker, project=p,
                          occurred_on=date.today())
    assert funds.balance(fund.id).available == D("199000.00")
    spent = funds.record_movement(fund, "spending", D("999.99"), world.worker, project=p,
                                  voucher="A-1", occurred_on=date.today())
    assert funds.project_remaining(fund.id, p.id) == D("0.01")
    # The ledger's 余额 is the money on hand: the allocation set it aside, the spending took it.
    assert spent.balance_after == D("199000.01") == funds.balance(fund.id).on_hand
    assert funds.balance(fund.id).available == D("199000.00")
    with pytest.raises(funds.FundError, match="拨款余额"):
        funds.record_movement(fund, "spending", D("0.02"), world.worker, project=p,
                              voucher="A-2", occurred_on=date.today())
    db.session.rollback()
    with pytest.raises(funds.FundError, match="凭证号"):
        funds.record_movement(fund, "spending", D("0.01"), world.worker, project=p,
                              voucher="A-1", occurred_on=date.today())
    db.session.rollback()
    assert funds.project_funding(p) == {"allocated": D("1000.00"), "spent": D("999.99")}
    with pytest.raises(funds.FundError, match="超出资金余额"):
        funds.record_movement(fund, "allocation", D("199000.01"), world.worker, project=p,
                              occurred_on=date.today())


def test_two_spends_one_after_the_other_never_overdraw(world):
    """The second of two spends that each fit alone is refused (the lock serialises them)."""
    fund = funds.open_fund(world.tree["community"], "charity", 2026, world.worker)
    funds.record_movement(fund, "income", D("100.00"), world.worker, occurred_on=date.today())
    funds.record_movement(fund, "spending", D("60.00"), world.worker, voucher="S1",
                          occurred_on=date.today())
    with pytest.raises(funds.FundError):
        funds.record_movement(fund, "spending", D("60.00"), world.worker, voucher="S2",
                              occurred_on=date.today())


def test_public_names_only_with_consent(world):
    p, w = world.project, world.worker
    give = dict(kind="money", received_on=now().date(), amount=D("1"))
    a = ledger.add_contribution(p, w, source="resident", resident=world.resident, consent=True,
                                **give)
    assert ledger.public_name(a) == "一位居民"  # the resident has not agreed in their profile
    world.resident.publish_name = True
    assert ledger.public_name(a) == "李秀兰"
    b = ledger.add_contribution(p, w, source="resident", resident=world.neighbour, **give)
    world.neighbour.publish_name = True
    assert ledger.public_name(b) == "一位居民"  # no consent for this entry
    h = ledger.add_contribution(p, w, source="household", household=world.resident.memberships[
        0].household, **give)
    assert ledger.public_name(h) == "一户居民" and ledger.staff_name(h).endswith("9单元901")


# --- pages -------------------------------------------------------------------------------

def test_worker_creates_a_project_without_javascript(client, auth, world):
    login(auth, world.worker)
    page = client.get("/projects/new").get_data(as_text=True)
    token = re.search(r'name="submit_token" type="hidden" value="([^"]+)"', page)[1]
    data = {"title": "修庭院", "unit_id": world.tree["compound"].id, "issue_id": 0,
            "responsible": "业委会", "starts_on": "2026-05-01", "submit_token": token}
    r1 = auth.post("/projects/new", data, token_from="/projects/new")
    r2 = auth.post("/projects/new", data, token_from="/projects/new")
    assert r1.status_code == r2.status_code == 303 and r1.location == r2.location
    assert db.session.scalar(db.select(db.func.count(Project.id)).where(
        Project.title == "修庭院")) == 1
    assert "修庭院" in client.get(r1.location).get_data(as_text=True)


@pytest.mark.parametrize("field,value,message", [
    ("starts_on", "2026-13-40", "2026-05-01"),
    ("starts_on", "1899-01-01", "日期不合理"),
    ("due_on", "2020-01-01", "不能早于"),
])
def test_bad_project_dates_are_refused_beside_the_field(client, auth, world, field, value,
                                                        message):
    login(auth, world.worker)
    data = {"title": "修庭院", "unit_id": world.tree["compound"].id, "issue_id": 0,
            "responsible": "业委会", "starts_on": "2026-05-01", field: value}
    r = auth.post("/projects/new", data, token_from="/projects/new")
    html = r.get_data(as_text=True)
    assert r.status_code == 422 and message in html and f'value="{value}"' in html


@pytest.mark.parametrize("amount,message", [
    ("-5", "要大于0"), ("100000000.01", "数目太大"), ("1.234", "最多2位小数"),
    ("abc", "请填写数字"),
])
def test_bad_amounts_are_refused_and_kept(client, auth, world, amount, message):
    login(auth, world.volunteer)
    url = f"/projects/{world.project.id}/contributions/new"
    data = {"kind": "money", "amount": amount, "source": "anonymous", "received_on": "2026-01-02"}
    r = auth.post(url, data)
    html = r.get_data(as_text=True)
    assert r.status_code == 422 and message in html and f'value="{amount}"' in html
    assert db.session.scalar(db.select(db.func.count(Contribution.id))) == 0


def test_volunteer_enters_a_contribution_with_full_width_digits(client, auth, world):
    login(auth, world.volunteer)
    url = f"/projects/{world.project.id}/contributions/new"
    r = auth.post(url, {"kind": "money", "amount": "１，２００.５０元", "source": "resident",
                        "who": world.resident.phone, "consent": "y",
                        "received_on": "2026年1月2日"})
    assert r.status_code == 303
    c = db.session.scalar(db.select(Contribution))
    assert c.amount == D("1200.50") and c.entered_by_id == world.volunteer.id
    assert c.received_on == date(2026, 1, 2) and c.consent_publish


def test_a_future_received_date_is_refused(client, auth, world):
    login(auth, world.worker)
    later = (now().date() + timedelta(days=3)).isoformat()
    r = auth.post(f"/projects/{world.project.id}/contributions/new",
                  {"kind": "labour", "hours": "2", "source": "anonymous", "received_on": later})
    assert r.status_code == 422 and "日期不合理" in r.get_data(as_text=True)


def _jpeg(size=(700, 500)) -> bytes:
    # Noise compresses badly, so this is a hard case; kept under werkzeug's 500 KB test
    # upload limit, above which the test client leaves a temporary file open.
    img = Image.effect_noise(size, 80).convert("RGB")
    out = io.BytesIO()
    img.save(out, "JPEG", quality=90)
    return out.getvalue()


def test_progress_photo_is_shrunk_below_30kb_and_served(client, auth, world):
    big = _jpeg()
    assert len(big) > 200_000
    login(auth, world.worker)
    url = f"/projects/{world.project.id}/updates/new"
    r = auth.post(url, {"text": "围墙已拆除", "photo": (io.BytesIO(big), "wall.jpg")},
                  content_type="multipart/form-data")
    assert r.status_code == 303
    update = db.session.scalar(db.select(ProgressUpdate))
    assert update.has_photo and len(update.photo) <= 30 * 1024
    photo = client.get(f"/projects/updates/{update.id}/photo.jpg")
    assert photo.status_code == 200 and photo.content_type == "image/jpeg"
    assert Image.open(io.BytesIO(photo.data)).format == "JPEG"


def test_a_file_that_is_not_a_photo_is_refused(client, auth, world):
    login(auth, world.worker)
    r = auth.post(f"/projects/{world.project.id}/updates/new",
                  {"text": "进展", "photo": (io.BytesIO(b"not an image"), "x.jpg")},
                  content_type="multipart/form-data")
    assert r.status_code == 422 and "JPG" in r.get_data(as_text=True)
    assert db.session.scalar(db.select(db.func.count(ProgressUpdate.id))) == 0


def test_start_finish_and_tasks(client, auth, world):
    login(auth, world.worker)
    pid = world.project.id
    r = auth.post(f"/projects/{pid}/tasks/new", {"title": "拆围墙", "starts_on": "2026-05-01",
                                                 "due_on": "2026-05-10"})
    assert r.status_code == 303
    task = world.project.tasks[0]
    r = auth.post(f"/projects/{pid}/tasks/{task.id}", {"status": "done"},
                  token_from=f"/projects/{pid}")
    assert r.status_code == 303
    db.session.refresh(task)
    assert task.status == "done" and task.done_on is not None
    for action, status in (("start", "active"), ("finish", "done")):
        auth.post(f"/projects/{pid}/status", {"action": action}, token_from=f"/projects/{pid}")
        db.session.refresh(world.project)
        assert world.project.status == status


def test_residents_follow_projects_in_their_to_dos(client, auth, world):
    login(auth, world.resident)
    assert "推墙联心" in client.get("/").get_data(as_text=True)


# --- who may do what ---------------------------------------------------------------------

ROUTES = [  # (method, path template, who may: set of roles)
    ("GET", "/projects/{p}", {"resident", "worker", "volunteer", "supervisor"}),
    ("GET", "/projects/{p}/contributions", {"resident", "worker", "volunteer", "supervisor"}),
    ("GET", "/projects/{p}/contributions/new", {"worker", "volunteer"}),
    ("GET", "/projects/{p}/updates/new", {"worker", "volunteer"}),
    ("GET", "/projects/{p}/tasks/new", {"worker"}),
    ("GET", "/projects/new", {"worker"}),
    ("GET", "/projects/funds", {"worker", "supervisor"}),
    ("GET", "/projects/funds/new", {"worker"}),
    ("GET", "/projects/funds/{f}", {"worker", "supervisor"}),
    ("GET", "/projects/funds/{f}/movements/new", {"worker"}),
    ("GET", "/projects/funds/policy/{c}", {"worker"}),
]


@pytest.mark.parametrize("who", ["anonymous", "resident", "outsider", "worker", "volunteer",
                                 "supervisor"])
def test_access_rules_for_every_project_route(client, auth, world, who):
    fund = funds.open_fund(world.tree["community"], "huimin", 2026, world.worker)
    if who != "anonymous":
        login(auth, getattr(world, who))
    for _method, template, allowed in ROUTES:
        path = template.format(p=world.project.id, f=fund.id, c=world.tree["community"].id)
        r = client.get(path)
        if who == "anonymous":
            assert r.status_code == 303 and "/login" in r.location, path
        else:
            assert r.status_code == (200 if who in allowed else 403), (who, path)
    posts = [f"/projects/{world.project.id}/status", f"/projects/funds/{fund.id}/movements/new"]
    page = "/login" if who == "anonymous" else "/"
    for path in posts:
        r = auth.post(path, {"action": "start", "kind": "income", "amount": "5", "project_id": 0,
                             "occurred_on": "2026-01-05"}, token_from=page)
        expected = {"anonymous": 303, "worker": 303}.get(who, 403)
        assert r.status_code == expected, (who, path)
        if who == "anonymous":
            assert "/login" in r.location
    saved = db.session.scalar(db.select(db.func.count(FundMovement.id)))
    assert saved == (1 if who == "worker" else 0)


def test_over_spending_through_the_form_keeps_the_typed_amount(client, auth, world):
    fund = funds.open_fund(world.tree["community"], "charity", 2026, world.worker)
    login(auth, world.worker)
    url = f"/projects/funds/{fund.id}/movements/new"
    r = auth.post(url, {"kind": "spending", "amount": "10.00", "project_id": 0, "voucher": "X1",
                        "occurred_on": "2026-01-05"})
    html = r.get_data(as_text=True)
    assert r.status_code == 422 and "超出资金余额" in html and 'value="10.00"' in html
    r = auth.post(url, {"kind": "income", "amount": "10.00", "project_id": 0,
                        "occurred_on": "2026-01-05"})
    assert r.status_code == 303
    assert funds.balance(fund.id).available == D("10.00")


def test_two_concurrent_spends_cannot_both_pass(app, world):
    """Two workers spend at the same moment; the write lock makes the second see the first."""
    from tests.conftest import AuthActions
    fund = funds.open_fund(world.tree["community"], "charity", 2026, world.worker)
    funds.record_movement(fund, "income", D("100.00"), world.worker, occurred_on=date.today())
    url = f"/projects/funds/{fund.id}/movements/new"
    posts = []
    for voucher in ("C-1", "C-2"):
        client = app.test_client()
        auth = AuthActions(client)
        login(auth, world.worker)
        data = {"kind": "spending", "amount": "60.00", "project_id": 0, "voucher": voucher,
                "occurred_on": "2026-01-05", "csrf_token": auth.token(url)}
        posts.append((client, data))
    db.session.commit()
    barrier, results = threading.Barrier(2), []

    def spend(client, data):
        barrier.wait()
        results.append(client.post(url, data=data).status_code)

    threads = [threading.Thread(target=spend, args=p) for p in posts]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(results) == [303, 422]
    assert funds.balance(fund.id).available == D("40.00")


@pytest.mark.parametrize("choice, project_after, issue_after", [
    ("satisfied", "done", "closed"), ("unsatisfied", "rectifying", "implementing")])
def test_a_passed_ballot_becomes_a_project_then_its_evaluation_moves_the_issue(
        app, client, monkeypatch, choice, project_after, issue_after):
    """The hand-off: the ballot's verdict moves the issue to 实施, a project is made from it,
    finishing the project puts the issue to 评价, and the evaluation closes it (or sends it
    back to 整改)."""
    w = make_world()
    _outcome_for_ballot(w, monkeypatch)
    ballot = make_ballot(w.t["compound"], actor=w.worker)
    ballot.issue_id = w.issue.id
    db.session.commit()
    for person in (w.resident, w.neighbour):
        assert vote(ballot_login(client, person), ballot, "同意").status_code == 303
    ballots.close_ballot(ballot, w.worker)
    issue = db.session.get(Issue, w.issue.id)
    assert ballot.outcome == "passed" and issue.status == "implementing"

    assert issue in service.decided_issues(w.worker)
    project = service.create_project(w.t["compound"], w.worker, title="装晾衣架",
                                     responsible="物业", starts_on=date.today(), issue=issue)
    assert issue not in service.decided_issues(w.worker)
    service.change_project_status(project, "start", w.worker)
    assert (project.status, issue.status) == ("active", "implementing")
    service.change_project_status(project, "finish", w.worker)
    assert (project.status, issue.status) == ("done", "evaluating")

    supervisor = make_resident(None, name="监督委员", roles=[("supervisor", w.t["community"])])
    ev = evaluations.open_evaluation(project, supervisor, now() + timedelta(days=7))
    for person in (w.resident, w.neighbour):
        evaluations.answer(ev, person, choice)
    evaluations.close_evaluation(ev, supervisor)
    assert (project.status, issue.status) == (project_after, issue_after)
    assert [e.to_status for e in issue.events][-3:] == ["implementing", "evaluating",
                                                         issue_after]
