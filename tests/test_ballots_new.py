"""Workers open ballots on /ballots/new: fields, notice period, one ballot per submission."""

import json
import re
from datetime import timedelta

import pytest

from community import clock
from community.audit.models import AuditLog
from community.ballots.models import Ballot, BallotSetting, Elector
from community.extensions import db
from tests.ballot_factories import login, worker_of
from tests.conftest import csrf_token
from tests.factories import make_household, make_resident, make_tree

BEIJING = timedelta(hours=8)


def local(dt) -> str:
    """How a browser's datetime-local field sends a UTC time, in Beijing time."""
    return (dt + BEIJING).strftime("%Y-%m-%dT%H:%M")


@pytest.fixture
def staff(app):
    t = make_tree()
    for i in range(3):
        make_resident(make_household(t["b1"], f"2单元{i + 1}01", "90.00"), name=f"业主{i}")
    t["client"] = login(app.test_client(), worker_of(t["community"], "王建华"))
    return t


def form(t, **over):
    page = t["client"].get("/ballots/new").get_data(as_text=True)
    data = {"csrf_token": csrf_token(page),
            "submit_token": re.search(r'name="submit_token" type="hidden" value="([^"]+)"',
                                      page).group(1),
            "title": "船柴一区增设充电桩", "unit_id": t["compound"].id, "basis": "household",
            "rule": "majority", "options": "同意\n反对\n弃权", "opens_at": "",
            "closes_at": local(clock.now() + timedelta(days=7)), "secret": "y",
            "channels": ["web", "paper"]}
    data.update(over)
    return {k: v for k, v in data.items() if v is not None}


def ballots():
    return db.session.scalars(db.select(Ballot)).all()


def test_a_blank_opening_time_opens_at_once_and_freezes_the_electorate(staff):
    r = staff["client"].post("/ballots/new", data=form(staff))
    (ballot,) = ballots()
    assert r.status_code == 303 and r.headers["Location"] == f"/ballots/{ballot.id}"
    assert ballot.status == "open" and ballot.eligible_heads == 3
    assert [o.label for o in ballot.options] == ["同意", "反对", "弃权"]
    assert [o.abstain for o in ballot.options] == [False, False, True]
    assert ballot.channel_list == ["web", "paper"] and ballot.secret
    assert db.session.scalar(db.select(db.func.count()).select_from(Elector)) == 3
    actions = db.session.scalars(db.select(AuditLog.action)).all()
    assert "ballot_created" in actions and "ballot_opened" in actions
    page = staff["client"].get(f"/ballots/{ballot.id}").get_data(as_text=True)
    assert "共 3 户" in page and "提前结束投票…" in page


def test_a_resent_form_makes_one_ballot(staff):
    data = form(staff)
    first = staff["client"].post("/ballots/new", data=data)
    second = staff["client"].post("/ballots/new", data=data)
    assert first.headers["Location"] == second.headers["Location"]
    assert len(ballots()) == 1


def test_owners_vote_warns_about_the_notice_period_and_records_the_choice(staff):
    data = form(staff, basis="owner", rule="owners_special", entrance="2单元")
    r = staff["client"].post("/ballots/new", data=data)
    html = r.get_data(as_text=True)
    assert r.status_code == 422 and "业主表决应提前 7 天公示" in html
    assert "已知晓公示期不足，仍要发起" in html and not ballots()
    r = staff["client"].post("/ballots/new", data={**data, "acknowledge": "y"})
    assert r.status_code == 303
    (ballot,) = ballots()
    assert ballot.eligible_area == 270 and ballot.entrance == "2单元"
    row = db.session.scalar(db.select(AuditLog).where(AuditLog.action == "ballot_created"))
    detail = json.loads(row.detail)
    assert detail["notice_short"] is True and detail["notice_acknowledged"] is True
    assert detail["notice_days"] == 7


def test_the_notice_period_is_a_setting_found_up_the_tree(staff):
    db.session.add(BallotSetting(unit_id=staff["community"].id, notice_days=3))
    db.session.commit()
    data = form(staff, basis="owner", rule="owners_ordinary",
                opens_at=local(clock.now() + timedelta(days=4)),
                closes_at=local(clock.now() + timedelta(days=10)))
    r = staff["client"].post("/ballots/new", data=data)
    assert r.status_code == 303
    (ballot,) = ballots()
    assert ballot.status == "scheduled" and ballot.eligible_heads == 0
    page = staff["client"].get(f"/ballots/{ballot.id}").get_data(as_text=True)
    assert "公示中" in page and "投票开始时确定投票人名单" in page


@pytest.mark.parametrize(("over", "message"), [
    ({"title": ""}, "请填写表决事项"),
    ({"options": "同意"}, "至少要有两个不同的选项"),
    ({"options": "同意\n同意"}, "至少要有两个不同的选项"),
    ({"options": "同意\n" + "很长" * 21}, "每个选项最多40个字"),
    ({"closes_at": ""}, "请填写结束时间"),
    ({"basis": "household", "rule": "owners_special"}, "这种表决规则要由业主投票"),
    ({"basis": "owner", "rule": "assembly"}, "这种表决规则要由居民或各户投票"),
    ({"basis": "owner", "rule": "owners_ordinary", "secret": "", "acknowledge": "y",
      "channels": ["web", "assembly"]}, "业主表决要按面积逐张登记，不能用现场举手表决"),
    ({"channels": None}, "至少选一种投票方式"),
    ({"channels": ["web", "assembly"]}, "无记名投票不能用现场举手表决"),
])
def test_bad_input_is_shown_again_with_the_text_kept(staff, over, message):
    r = staff["client"].post("/ballots/new", data=form(staff, **over))
    html = r.get_data(as_text=True)
    assert r.status_code == 422 and message in html and "有错误" in html
    assert not ballots()


def test_closing_before_now_is_refused(staff):
    r = staff["client"].post("/ballots/new", data=form(
        staff, closes_at=local(clock.now() - timedelta(hours=1))))
    assert r.status_code == 422 and "结束时间要晚于开始时间和现在" in r.get_data(as_text=True)


def test_only_workers_open_ballots(app, staff):
    resident = make_resident(make_household(staff["b2"]), name="居民")
    client = login(app.test_client(), resident)
    assert client.get("/ballots/new").status_code == 403
    other = make_tree("外")
    outsider = login(app.test_client(), worker_of(other["community"], "外社区干部"))
    page = outsider.get("/ballots/new").get_data(as_text=True)
    r = outsider.post("/ballots/new", data={**form(staff), "csrf_token": csrf_token(page)})
    assert r.status_code == 422 and not ballots()  # not a unit they may choose
