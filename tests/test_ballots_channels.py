"""Paper, show of hands and volunteer-assisted votes: one vote per voter across channels."""

import json
import re

import pytest

from community.audit.models import AuditLog
from community.ballots.forms import read_ticket
from community.ballots.models import Ballot, PaperTally, Participation
from community.extensions import db
from community.notify.models import Notice
from community.residents.models import Resident
from tests.ballot_factories import login, make_ballot, option_id, vote, worker_of
from tests.conftest import csrf_token
from tests.factories import make_household, make_resident, make_tree

ALL = ("web", "kiosk", "visit", "paper", "assembly")


@pytest.fixture
def area(app):
    t = make_tree()
    t["alice"] = make_resident(make_household(t["b1"], "1单元101"), name="张秀英",
                               phone="13900000011", pin="246810")
    t["bob"] = make_resident(make_household(t["b1"], "1单元102"), name="李大爷")
    t["carol"] = make_resident(make_household(t["b2"], "1单元101"), name="王奶奶")
    t["worker"] = worker_of(t["community"], "王建华")
    t["helper"] = make_resident(None, name="志愿者小李", roles=[("volunteer", t["b1"])])
    t["second"] = make_resident(None, name="志愿者小赵", roles=[("volunteer", t["compound"])])
    return t


def post_form(client, url, data):
    page = client.get(url).get_data(as_text=True)
    return client.post(url, data={"csrf_token": csrf_token(page), **data})


def paper(client, ballot, voter, label, witness):
    return post_form(client, f"/ballots/{ballot.id}/paper", {
        "voter": voter.code, "option": option_id(ballot, label), "witness_id": witness.id})


def rows(**where):
    return db.session.scalars(db.select(Participation).filter_by(**where)).all()


def test_paper_after_an_online_vote_is_refused(app, area):
    ballot = make_ballot(area["compound"], actor=area["worker"])
    vote(login(app.test_client(), area["alice"], "246810"), ballot, "同意")
    staff = login(app.test_client(), area["worker"])
    r = paper(staff, ballot, area["alice"], "反对", area["second"])
    assert r.status_code == 422
    assert "张秀英 已经投过票（网上），不能再登记" in r.get_data(as_text=True)
    assert paper(staff, ballot, area["bob"], "反对", area["second"]).status_code == 303
    confirmation = staff.get(f"/ballots/{ballot.id}/paper").get_data(as_text=True)
    assert "已登记" in confirmation
    receipts = db.session.scalars(db.text("SELECT receipt FROM ballot_choice")).all()
    assert receipts and not any(code in confirmation for code in receipts)  # secret from staff
    (p,) = rows(channel="paper")
    assert (p.resident_id, p.entered_by_id, p.witness_id) == (
        area["bob"].id, area["worker"].id, area["second"].id)
    audit = db.session.scalar(db.select(AuditLog).where(AuditLog.action == "ballot_paper_entry"))
    assert "反对" not in audit.detail


def test_an_online_vote_after_paper_is_refused(app, area):
    ballot = make_ballot(area["compound"], actor=area["worker"])
    staff = login(app.test_client(), area["worker"])
    assert paper(staff, ballot, area["bob"], "同意", area["second"]).status_code == 303
    r = vote(login(app.test_client(), area["bob"]), ballot, "反对")
    assert r.status_code == 409 and "您已投过票（纸质票）" in r.get_data(as_text=True)
    assert len(rows()) == 1


def test_only_the_units_workers_enter_paper(app, area):
    ballot = make_ballot(area["compound"], actor=area["worker"])
    volunteer = login(app.test_client(), area["helper"])
    assert volunteer.get(f"/ballots/{ballot.id}/paper").status_code == 403
    other = make_tree("外")
    stranger = login(app.test_client(), worker_of(other["community"], "外社区干部"))
    assert stranger.get(f"/ballots/{ballot.id}/paper").status_code == 403
    assert stranger.get(f"/ballots/{ballot.id}/assembly").status_code == 403


def _assembly(client, ballot, present, counts, witness):
    return post_form(client, f"/ballots/{ballot.id}/assembly", {
        "present": "\n".join(present), "witness_id": witness.id,
        **{f"count_{option_id(ballot, k)}": str(counts.get(k, 0))
           for k in ("同意", "反对", "弃权")}})


def test_a_show_of_hands_must_add_up_and_marks_those_present(app, area):
    ballot = make_ballot(area["compound"], actor=area["worker"], secret=False,
                         channels=ALL, basis="household", rule="assembly")
    staff = login(app.test_client(), area["worker"])
    present = [area["alice"].phone, area["bob"].code]
    r = _assembly(staff, ballot, present, {"同意": 2, "反对": 1, "弃权": 0}, area["second"])
    assert r.status_code == 422 and "合计 3，与到会 2 不符" in r.get_data(as_text=True)
    r = _assembly(staff, ballot, present + ["00000000"], {"同意": 3}, area["second"])
    assert r.status_code == 422 and "第3行 00000000：找不到这位居民" in r.get_data(as_text=True)
    assert not rows()
    r = _assembly(staff, ballot, present, {"同意": 1, "反对": 1, "弃权": 0}, area["second"])
    assert r.status_code == 303
    assert {p.channel for p in rows()} == {"assembly"} and len(rows()) == 2
    tally = db.session.scalar(db.select(PaperTally))
    assert json.loads(tally.counts) == {"同意": 1, "反对": 1, "弃权": 0}
    r = vote(login(app.test_client(), area["alice"], "246810"), ballot, "同意")
    assert r.status_code == 409 and "您已投过票（现场举手）" in r.get_data(as_text=True)
    r = _assembly(staff, ballot, [area["bob"].code], {"同意": 1}, area["second"])
    assert "李大爷 已经投过票（现场举手），不能再登记" in r.get_data(as_text=True)


def test_two_people_of_one_household_are_one_hand(app, area):
    spouse = make_resident(area["alice"].memberships[0].household, name="张秀英的老伴")
    ballot = make_ballot(area["compound"], actor=area["worker"], secret=False,
                         channels=ALL, basis="household", rule="assembly")
    staff = login(app.test_client(), area["worker"])
    r = _assembly(staff, ballot, [area["alice"].code, spouse.code], {"同意": 2}, area["second"])
    assert r.status_code == 422 and "是同一户，只算一次" in r.get_data(as_text=True)


def assist(client, ballot, resident, label, **confirm):
    url = f"/ballots/{ballot.id}/assist/{resident.id}"
    r = post_form(client, url, {"option": option_id(ballot, label)})
    assert r.status_code == 200 and f"{resident.name} 选择：{label}。提交后不能更改。" in r.text
    ticket = r.text.split('name="ticket" type="hidden" value="')[1].split('"')[0]
    return client.post(url, data={"csrf_token": csrf_token(r.text), "ticket": ticket,
                                  "option": option_id(ballot, label), "confirmed": "1",
                                  **confirm})


def test_an_assisted_vote_confirmed_by_the_residents_pin(app, area):
    ballot = make_ballot(area["compound"], actor=area["worker"])
    helper = login(app.test_client(), area["helper"])  # serves 1栋, lives elsewhere
    assert "测试表决" in helper.get("/ballots").text
    assert "入户协助投票" in helper.get(f"/ballots/{ballot.id}").text
    listed = helper.get(f"/ballots/{ballot.id}/assist").text
    assert "张秀英" in listed and "王奶奶" not in listed  # 2栋 is not theirs
    r = assist(helper, ballot, area["alice"], "同意", pin="135790")
    assert r.status_code == 422 and "密码不对" in r.text
    assert db.session.get(Resident, area["alice"].id).pin_failures == 1  # the login lockout
    r = assist(helper, ballot, area["alice"], "同意", pin="246810")
    assert r.status_code == 303
    (p,) = rows()
    assert (p.channel, p.assisted_by_id, p.witness_id) == ("visit", area["helper"].id, None)
    audit = db.session.scalar(db.select(AuditLog).where(AuditLog.action == "ballot_assisted_vote"))
    assert "同意" not in audit.detail and '"confirmed": "pin"' in audit.detail
    alice = login(app.test_client(), area["alice"], "246810")
    assert "志愿者 志愿者小李 协助您投了票" in alice.get("/").text
    page = alice.get(f"/ballots/{ballot.id}").text
    assert "志愿者 志愿者小李 协助您投了票" in page and "报告问题" in page
    r = alice.post(f"/ballots/{ballot.id}/report",
                   data={"csrf_token": csrf_token(page), "text": "我没有投同意"})
    assert r.status_code == 303
    told = db.session.scalar(db.select(Notice).where(Notice.resident_id == area["worker"].id))
    assert "报告协助投票有问题" in told.text
    assert db.session.scalar(db.select(AuditLog).where(AuditLog.action == "ballot_assist_reported"))
    assert 'id="assisted">1<' in alice.get(f"/ballots/{ballot.id}/results").text


def test_an_assisted_vote_witnessed_by_a_second_volunteer(app, area):
    ballot = make_ballot(area["compound"], actor=area["worker"])
    helper = login(app.test_client(), area["helper"])
    r = assist(helper, ballot, area["bob"], "反对", witness_id=area["carol"].id)
    assert r.status_code == 422  # not a volunteer or worker: not offered, not accepted
    r = assist(helper, ballot, area["bob"], "反对", witness_id=area["second"].id)
    assert r.status_code == 303
    (p,) = rows()
    assert (p.assisted_by_id, p.witness_id) == (area["helper"].id, area["second"].id)
    r = post_form(helper, f"/ballots/{ballot.id}/assist/{area['bob'].id}",
                  {"option": option_id(ballot, "同意")})
    assert r.status_code == 409 or r.status_code == 422
    assert "李大爷 已经投过票（入户走访），不能再登记" in r.text and len(rows()) == 1


def test_volunteers_help_only_in_their_buildings(app, area):
    ballot = make_ballot(area["compound"], actor=area["worker"])
    helper = login(app.test_client(), area["helper"])
    assert helper.get(f"/ballots/{ballot.id}/assist/{area['carol'].id}").status_code == 403
    resident = login(app.test_client(), area["bob"])
    assert resident.get(f"/ballots/{ballot.id}/assist").status_code == 403
    no_visits = make_ballot(area["compound"], actor=area["worker"], channels=("web",))
    assert helper.get(f"/ballots/{no_visits.id}/assist").status_code == 403
    assert db.session.get(Ballot, no_visits.id).status == "open"


def test_the_paper_form_does_not_carry_the_receipt_it_will_give(app, area):
    """The entry form's signed ticket is readable; it holds a nonce, and the code is made from
    it with the server's secret, so the worker never holds a code beside a voter."""
    ballot = make_ballot(area["compound"], actor=area["worker"])
    staff = login(app.test_client(), area["worker"])
    url = f"/ballots/{ballot.id}/paper"
    page = staff.get(url).get_data(as_text=True)
    ticket = re.search(r'name="ticket" type="hidden" value="([^"]+)"', page).group(1)
    with app.test_request_context():
        nonce = read_ticket(ticket, ballot.id)[1]
    r = staff.post(url, data={"csrf_token": csrf_token(page), "ticket": ticket,
                              "voter": area["bob"].code, "option": option_id(ballot, "同意"),
                              "witness_id": area["second"].id})
    assert r.status_code == 303
    (stored,) = db.session.scalars(db.text("SELECT receipt FROM ballot_choice")).all()
    assert stored != nonce and len(stored) == 8
    assert stored not in staff.get(r.headers["Location"]).get_data(as_text=True)
