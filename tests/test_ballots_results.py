"""Hand-computed results for each basis, end to end, read back from the results page."""

import importlib.util
import re
from datetime import timedelta
from decimal import Decimal
from html import unescape
from html.parser import HTMLParser

import pytest
import segno

from community import clock
from community.audit.models import AuditLog
from community.ballots import service as ballots_service
from community.ballots.models import Ballot
from community.extensions import db
from community.notify.models import Notice
from tests.ballot_factories import confirm_page, login, make_ballot, vote, worker_of
from tests.conftest import csrf_token
from tests.factories import make_household, make_resident, make_tree
from tests.security.site import QueryCounter


class Markers(HTMLParser):
    """Attributes of the elements with an id, and the text after the verdict."""

    def __init__(self, html):
        super().__init__()
        self.by_id, self.text = {}, unescape(re.sub(r"<[^>]+>", "", html))
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if "id" in attrs:
            self.by_id[attrs["id"]] = attrs


def results_of(client, ballot) -> Markers:
    r = client.get(f"/ballots/{ballot.id}/results")
    assert r.status_code == 200
    return Markers(r.get_data(as_text=True))


def close(client, ballot):
    page = client.get(f"/ballots/{ballot.id}").get_data(as_text=True)
    r = client.post(f"/ballots/{ballot.id}/close", data={"csrf_token": csrf_token(page)})
    assert r.status_code == 303, r.status_code
    return r


@pytest.fixture
def tree(app):
    return make_tree()


def test_resident_vote_counts_adults_one_each(app, tree):
    people = [make_resident(make_household(tree["b1"]), name=f"居民{i}") for i in range(5)]
    make_resident(make_household(tree["b2"]), name="少年", birth_year=clock.now().year - 10)
    worker = worker_of(tree["community"])
    ballot = make_ballot(tree["compound"], actor=worker)
    for person, choice in zip(people, ["同意", "同意", "反对"], strict=False):
        assert vote(login(app.test_client(), person), ballot, choice).status_code == 303
    staff = login(app.test_client(), worker)
    open_page = results_of(staff, ballot)
    assert open_page.by_id["turnout"]["data-turnout"] == "3"
    assert "data-turnout-area" not in open_page.by_id["turnout"]
    assert "verdict" not in open_page.by_id
    assert "投票结束后公布各选项的票数" in open_page.text  # secret: no live counts
    close(staff, ballot)
    done = results_of(staff, ballot)
    assert done.by_id["verdict"]["data-verdict"] == "passed"
    assert "同意人数 2 / 参与表决人数 3 = 66.7% > 1/2" in done.text
    assert "已参与 3 / 5 人" in done.text


def test_household_assembly_counts_online_and_show_of_hands_once_each(app, tree):
    homes = [make_household(tree["b1"], f"1单元{i}01") for i in range(1, 7)]
    people = [make_resident(hh, name=f"户主{i}") for i, hh in enumerate(homes)]
    make_resident(homes[0], name="户主0的家人")
    worker = worker_of(tree["community"])
    clerk = make_resident(None, name="见证人", roles=[("volunteer", tree["compound"])])
    ballot = make_ballot(tree["compound"], actor=worker, basis="household", rule="assembly",
                         secret=False, channels=("web", "assembly"))
    assert vote(login(app.test_client(), people[0]), ballot, "同意").status_code == 303
    staff = login(app.test_client(), worker)
    page = staff.get(f"/ballots/{ballot.id}/assembly").get_data(as_text=True)
    ids = {o.label: o.id for o in db.session.get(Ballot, ballot.id).options}
    r = staff.post(f"/ballots/{ballot.id}/assembly", data={
        "csrf_token": csrf_token(page), "present": "\n".join(p.code for p in people[1:4]),
        f"count_{ids['同意']}": "2", f"count_{ids['反对']}": "1", f"count_{ids['弃权']}": "0",
        "witness_id": clerk.id})
    assert r.status_code == 303
    live = results_of(staff, ballot)  # an open (named) ballot shows counts live
    assert live.by_id["turnout"]["data-turnout"] == "4"
    assert "同意</strong>：3 户（75.0%）" in staff.get(f"/ballots/{ballot.id}/results").text
    close(staff, ballot)
    done = results_of(staff, ballot)
    assert done.by_id["verdict"]["data-verdict"] == "passed"
    assert "参与表决户数 4 / 总户数 6 = 66.7% ≥ 2/3" in done.text
    assert "同意户数 3 / 参与表决户数 4 = 75.0% > 1/2" in done.text


def _elevator(tree):
    """2单元 of 1栋: five owners by 法释〔2009〕7号 (co-owners once, two flats once, the
    developer's unsold flats together once), 596.00 m² in all; 1单元 is not asked."""
    b = tree["b1"]
    flats = {a: make_household(b, a, area) for a, area in [
        ("2单元101", "80.00"), ("2单元102", "90.50"), ("2单元201", "100.25"),
        ("2单元202", "60.00"), ("2单元301", "120.00"), ("2单元302", "70.00"),
        ("2单元401", "75.25"), ("1单元101", "99.00")]}
    flats["2单元301"].developer_held = flats["2单元302"].developer_held = True
    owners = {"甲": make_resident(flats["2单元101"], name="甲"),
              "乙": make_resident(flats["2单元102"], name="乙"),
              "丙": make_resident(flats["2单元102"], name="丙"),
              "丁": make_resident(flats["2单元201"], name="丁"),
              "戊": make_resident(flats["2单元401"], name="戊"),
              "己": make_resident(flats["1单元101"], name="己")}
    from community.residents.models import Membership
    db.session.add(Membership(resident=owners["丁"], household=flats["2单元202"], is_owner=True))
    db.session.commit()
    return owners


def test_owners_special_in_one_entrance_at_exactly_three_quarters(app, tree):
    owners = _elevator(tree)
    worker = worker_of(tree["community"])
    ballot = make_ballot(tree["b1"], actor=worker, basis="owner", rule="owners_special",
                         entrance="2单元")
    assert (ballot.eligible_heads, ballot.eligible_area) == (5, Decimal("596.00"))
    for name, choice in [("甲", "同意"), ("乙", "同意"), ("丁", "同意"), ("戊", "反对")]:
        assert vote(login(app.test_client(), owners[name]), ballot, choice).status_code == 303
    co_owner = login(app.test_client(), owners["丙"])
    assert "本户已由 乙 投票" in co_owner.get(f"/ballots/{ballot.id}").text
    outsider = login(app.test_client(), owners["己"])
    assert vote(outsider, ballot, "反对").status_code == 403
    staff = login(app.test_client(), worker)
    turnout = results_of(staff, ballot).by_id["turnout"]
    assert (turnout["data-turnout"], turnout["data-turnout-area"]) == ("4", "406.00")
    close(staff, ballot)
    done = results_of(staff, ballot)
    assert done.by_id["verdict"]["data-verdict"] == "passed"
    for line in ["参与表决面积 406.0㎡ / 总面积 596.0㎡ = 68.1% ≥ 2/3",
                 "参与表决人数 4 / 业主总人数 5 = 80.0% ≥ 2/3",
                 "同意面积 330.75㎡ / 参与表决面积 406.0㎡ = 81.5% ≥ 3/4",
                 "同意人数 3 / 参与表决人数 4 = 75.0% ≥ 3/4"]:
        assert line in done.text


def test_owners_without_quorum(app, tree):
    owners = _elevator(tree)
    worker = worker_of(tree["community"])
    ballot = make_ballot(tree["b1"], actor=worker, basis="owner", rule="owners_ordinary",
                         entrance="2单元")
    for name in ["甲", "乙", "戊"]:
        vote(login(app.test_client(), owners[name]), ballot, "同意")
    staff = login(app.test_client(), worker)
    close(staff, ballot)
    done = results_of(staff, ballot)
    assert done.by_id["verdict"]["data-verdict"] == "no_quorum"
    assert "参与表决人数 3 / 业主总人数 5 = 60.0% < 2/3" in done.text
    assert "不足法定参与比例" in done.text


def test_representatives_vote_among_the_units_representatives(app, tree):
    reps = [make_resident(make_household(tree["b1"]), name=f"代表{i}",
                          roles=[("representative", tree["compound"])]) for i in range(3)]
    make_resident(make_household(tree["b2"]), name="普通居民")
    worker = worker_of(tree["community"])
    ballot = make_ballot(tree["compound"], actor=worker, rule="representatives")
    assert ballot.eligible_heads == 3
    for rep in reps[:2]:
        vote(login(app.test_client(), rep), ballot, "同意")
    staff = login(app.test_client(), worker)
    close(staff, ballot)
    done = results_of(staff, ballot)
    assert done.by_id["verdict"]["data-verdict"] == "passed"
    assert "到会代表人数 2 / 代表总人数 3 = 66.7% ≥ 2/3" in done.text


def test_closing_tells_the_voters_and_publishes_receipts(app, tree):
    voter = make_resident(make_household(tree["b1"]), name="投票人")
    worker = worker_of(tree["community"])
    ballot = make_ballot(tree["compound"], actor=worker)
    client = login(app.test_client(), voter)
    vote(client, ballot, "反对")
    receipt = re.search(r'id="receipt">([\w\u2011-]+)<',
                        client.get(f"/ballots/{ballot.id}/voted").text)
    outsider = login(app.test_client(), voter)
    assert outsider.post(f"/ballots/{ballot.id}/close", data={
        "csrf_token": csrf_token(outsider.get("/").text)}).status_code == 403
    close(login(app.test_client(), worker), ballot)
    notice = db.session.scalar(db.select(Notice).where(Notice.resident_id == voter.id)
                               .order_by(Notice.id.desc()))
    assert "表决结果：测试表决" in notice.text and notice.url == f"/ballots/{ballot.id}/results"
    assert "表决结果：测试表决——未通过" in client.get("/").text
    anonymous = app.test_client()  # published on the notice board: no login needed
    page = anonymous.get(f"/ballots/{ballot.id}/receipts?code={receipt.group(1)}").text
    assert f"回执码 {receipt.group(1)}：反对" in page
    assert receipt.group(1) in anonymous.get(f"/ballots/{ballot.id}/receipts").text
    assert db.session.scalar(db.select(AuditLog).where(AuditLog.action == "ballot_closed"))


def test_close_due_ballots_command(app, tree, runner, monkeypatch):
    make_resident(make_household(tree["b1"]))
    ballot = make_ballot(tree["compound"], lasts=timedelta(hours=1))
    later = make_ballot(tree["compound"], opens_in=timedelta(days=8))
    assert later.status == "scheduled" and later.eligible_heads == 0
    make_resident(make_household(tree["b2"]))  # moved in while the ballot was announced
    soon = clock.now() + timedelta(days=9)
    monkeypatch.setattr(clock, "now", lambda: soon)
    result = runner.invoke(args=["close-due-ballots"])
    assert result.exit_code == 0, result.output
    db.session.expire_all()
    assert db.session.get(Ballot, ballot.id).status == "closed"
    assert db.session.get(Ballot, later.id).status == "open"
    assert db.session.get(Ballot, later.id).eligible_heads == 2  # frozen as it opened


WRITES = ("INSERT", "UPDATE", "DELETE", "REPLACE")


def _overdue(app, tree, monkeypatch):
    """A ballot two of three residents voted on, an hour past its closing time."""
    people = [make_resident(make_household(tree["b1"]), name=f"居民{i}") for i in range(3)]
    worker = worker_of(tree["community"])
    ballot = make_ballot(tree["compound"], actor=worker, lasts=timedelta(hours=1))
    for person in people[:2]:
        assert vote(login(app.test_client(), person), ballot, "同意").status_code == 303
    later = clock.now() + timedelta(hours=2)
    monkeypatch.setattr(clock, "now", lambda: later)
    return ballot, people, worker


def _published(ballot) -> tuple[str, int, int]:
    db.session.expire_all()
    return (db.session.get(Ballot, ballot.id).status,
            db.session.scalar(db.select(db.func.count(AuditLog.id)).where(
                AuditLog.action == "ballot_closed", AuditLog.object_id == ballot.id)),
            db.session.scalar(db.select(db.func.count(Notice.id)).where(
                Notice.text.startswith("表决结果"))))


def test_an_overdue_ballot_reads_closed_with_its_result_and_a_get_writes_nothing(
        app, tree, monkeypatch):
    ballot, people, worker = _overdue(app, tree, monkeypatch)
    voter, staff = login(app.test_client(), people[0]), login(app.test_client(), worker)
    b = f"/ballots/{ballot.id}"
    with QueryCounter(db.engine) as counter:
        pages = {url: client.get(url) for client, url in [
            (voter, "/"), (voter, "/ballots"), (voter, b), (voter, f"{b}/results"),
            (voter, f"{b}/notice"), (voter, f"{b}/receipts"), (staff, b),
            (staff, f"{b}/close"), (app.test_client(), f"{b}/results")]}
    writes = [s for s in counter.statements if s.lstrip().upper().startswith(WRITES)]
    assert not writes, writes
    assert _published(ballot) == ("open", 0, 0)  # no row changed, no audit row, no notice
    assert {r.status_code for u, r in pages.items() if not u.endswith("/close")} == {200}
    assert "已结束" in pages[b].text and "下一步" not in pages[b].text
    page = Markers(pages[f"{b}/results"].text)
    assert page.by_id["verdict"]["data-verdict"] == "passed"
    assert "已参与 2 / 3 人" in page.text


def test_the_next_write_publishes_an_overdue_ballot_once(app, tree, runner, monkeypatch):
    ballot, people, _worker = _overdue(app, tree, monkeypatch)
    late = confirm_page(login(app.test_client(), people[2]), ballot, "反对")
    assert late.status_code == 409 and "投票已经结束" in late.text
    assert _published(ballot) == ("closed", 1, 3)
    assert runner.invoke(args=["close-due-ballots"]).output.startswith("已处理 0 个")
    assert _published(ballot) == ("closed", 1, 3)
    assert results_of(app.test_client(), ballot).by_id["verdict"]["data-verdict"] == "passed"


def test_cron_publishes_an_overdue_ballot_once(app, tree, runner, monkeypatch):
    ballot, _people, _worker = _overdue(app, tree, monkeypatch)
    assert runner.invoke(args=["close-due-ballots"]).output.startswith("已处理 1 个")
    assert runner.invoke(args=["close-due-ballots"]).output.startswith("已处理 0 个")
    assert _published(ballot) == ("closed", 1, 3)


def _modules(svg: str) -> list[list[bool]]:
    """The dark modules of a segno inline SVG path (h = a dark run, m = a move)."""
    size = int(re.search(r'width="(\d+)"', svg).group(1)) // 4
    grid = [[False] * size for _ in range(size)]
    x = y = 0.0
    for op, a, b in re.findall(r"([Mmh])(-?[\d.]+)(?: (-?[\d.]+))?", svg):
        if op == "M":
            x, y = float(a), float(b)
        elif op == "m":
            x, y = x + float(a), y + float(b)
        else:
            for i in range(int(float(a))):
                grid[int(y)][int(x) + i] = True
            x += float(a)
    return grid


def test_printable_notice_has_a_qr_code_for_the_results_page(app, tree):
    worker = worker_of(tree["community"])
    ballot = make_ballot(tree["compound"], actor=worker)
    staff = login(app.test_client(), worker)
    close(staff, ballot)
    html = staff.get(f"/ballots/{ballot.id}/notice").text
    assert "表决结果公告" in html and 'id="verdict"' in html
    grid = _modules(re.search(r"<svg.*?</svg>", html, re.S).group(0))
    url = f"http://localhost/ballots/{ballot.id}/results"
    if importlib.util.find_spec("zxingcpp"):
        import zxingcpp
        scale = 4
        pixels = bytes(0 if grid[r // scale][c // scale] else 255
                       for r in range(len(grid) * scale) for c in range(len(grid) * scale))
        side = len(grid) * scale
        found = zxingcpp.read_barcodes(memoryview(pixels).cast("B", (side, side)))
        assert [b.text for b in found] == [url]
    else:  # no decoder installed: compare with segno's own encoding of the URL
        expected = [[bool(v) for v in row] for row in segno.make(url, error="m")
                    .matrix_iter(scale=1, border=4)]
        assert grid == expected


def test_board_announces_a_ballot_before_and_while_it_is_open(app, client, tree):
    """The 公示期: an owners' vote is on the public board from its announcement, with when
    voting opens and closes; then while open; then with its verdict."""
    worker = worker_of(tree["community"])
    make_resident(make_household(tree["b1"]), name="业主", owner=True)
    soon = make_ballot(tree["compound"], actor=worker, basis="owner", rule="owners_special",
                       opens_in=timedelta(days=7, hours=1))
    soon.title = "加装电梯"
    now_open = make_ballot(tree["compound"], actor=worker)
    now_open.title = "楼道照明"
    db.session.commit()
    html = client.get(f"/board/{tree['community'].id}").get_data(as_text=True)
    assert "表决公告与结果" in html
    announced = html[html.index("加装电梯"):][:400]
    assert "公示中" in announced and "公示 7 天" in announced
    assert "投票进行中" in html[html.index("楼道照明"):][:400]  # the ballot page's word
    ballots_service.close_ballot(db.session.get(Ballot, now_open.id), worker)
    db.session.commit()
    html = client.get(f"/board/{tree['community'].id}").get_data(as_text=True)
    assert "投票进行中" not in html and "参与 0/" in html[html.index("楼道照明"):][:400]


def test_one_receipt_format_that_does_not_break_and_is_found_however_typed(app, tree):
    voter = make_resident(make_household(tree["b1"]), name="投票人")
    ballot = make_ballot(tree["compound"], actor=worker_of(tree["community"]))
    client = login(app.test_client(), voter)
    vote(client, ballot, "同意")
    shown = re.search(r'id="receipt">([^<]+)<', client.get(f"/ballots/{ballot.id}/voted").text)
    code = shown.group(1)
    assert re.fullmatch(r"[2-9A-HJ-NP-Z]{4}\u2011[2-9A-HJ-NP-Z]{4}", code)  # no break inside
    close(login(app.test_client(), worker_of(tree["community"])), ballot)
    plain = code.replace("\u2011", "")
    for typed in (code, plain.lower(), f"{plain[:4]}-{plain[4:]}", f"{plain[:4]} {plain[4:]}"):
        page = app.test_client().get(f"/ballots/{ballot.id}/receipts", query_string={
            "code": typed}).text
        assert f"回执码 {code}：同意" in page, typed
    assert code in app.test_client().get(f"/ballots/{ballot.id}/receipts").text
