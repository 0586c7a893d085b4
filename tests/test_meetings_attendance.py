"""民事民议: who came — workers' tick list, check-in by code, +N stakeholders, the quorum."""

import re
from datetime import timedelta

import pytest

from community.audit.models import AuditLog
from community.extensions import db
from community.meetings.models import Attendance, Stakeholder
from tests.test_meetings_setup import at, count, make_meeting, make_world, post_form


@pytest.fixture
def w(app):
    return make_world()


@pytest.fixture
def held(w, monkeypatch):
    """A meeting that started five minutes ago."""
    meeting = make_meeting(w)
    at(monkeypatch, meeting.starts_at + timedelta(minutes=5))
    return meeting


def keys(w):
    """Attendance keys of the three members: worker, resident (accounts) and 赵经理 (none)."""
    return [m.key for m in w.body.members]


def quorum(html: str) -> str:
    return re.search(r'data-quorum="(\w+)"', html).group(1)


def test_exactly_two_thirds_of_the_members_meets_the_quorum(client, auth, w, held):
    auth.login("13900000006")
    url = f"/meetings/{held.id}/attendance"
    page = client.get(url).get_data(as_text=True)
    assert held.code in page and "赵经理" in page and "社会组织代表" in page
    assert post_form(client, url, {"present": keys(w)[:2]}).status_code == 303
    html = client.get(url).get_data(as_text=True)
    assert quorum(html) == "met" and "到会 2 人" in html  # 2 of 3 is exactly 2/3: 以上 includes it
    assert "两委成员：1 人" in html and "居民代表：1 人" in html
    post_form(client, url, {"present": keys(w)[2:]})  # unticked ones are removed
    html = client.get(url).get_data(as_text=True)
    assert quorum(html) == "not_met" and "到会 1 人" in html
    assert count(AuditLog, AuditLog.action == "attendance_marked") == 2


def test_a_resident_checks_in_once_with_the_code(client, auth, w, held):
    auth.login("13900000002")
    url = f"/meetings/{held.id}/checkin"
    assert "到会签到" in client.get(f"/meetings/{held.id}").get_data(as_text=True)
    wrong = f"{(int(held.code) + 1) % 10000:04d}"
    r = post_form(client, url, {"code": wrong})
    html = r.get_data(as_text=True)
    assert r.status_code == 422 and f'value="{wrong}"' in html
    assert re.search(r'id="code-error" role="alert"><ul class="errors"><li>签到码不对', html)
    bad = post_form(client, url, {"code": "12a"})
    assert bad.status_code == 422 and "签到码是4位数字" in bad.get_data(as_text=True)
    assert count(Attendance) == 0
    r = post_form(client, url, {"code": held.code})
    assert r.status_code == 303 and r.headers["Location"] == f"/meetings/{held.id}"
    after = client.get(r.headers["Location"]).get_data(as_text=True)
    assert "签到成功" in after and "您已签到" in after
    assert f"/meetings/{held.id}/checkin" not in after  # the link goes once one has checked in
    again = post_form(client, url, {"code": held.code})
    assert again.status_code == 303
    assert "您已经签到过了" in client.get(again.headers["Location"]).get_data(as_text=True)
    row = db.session.scalar(db.select(Attendance))
    assert count(Attendance) == 1 and row.seat == "resident" and row.method == "code"


def test_a_member_checking_in_counts_toward_the_quorum(client, auth, w, held):
    auth.login("13900000001")  # 居民甲 holds the 居民代表 seat
    post_form(client, f"/meetings/{held.id}/checkin", {"code": held.code})
    row = db.session.scalar(db.select(Attendance))
    assert row.seat == "resident_rep"
    auth.login("13900000006")
    html = client.get(f"/meetings/{held.id}/attendance").get_data(as_text=True)
    assert "议事成员 3 人，到会 1 人" in html and quorum(html) == "not_met"


def test_check_in_only_around_the_meeting(client, auth, w, monkeypatch):
    meeting = make_meeting(w)
    at(monkeypatch, meeting.starts_at - timedelta(hours=2))
    auth.login("13900000002")
    r = post_form(client, f"/meetings/{meeting.id}/checkin", {"code": meeting.code})
    assert r.status_code == 422 and "现在不是签到时间" in r.get_data(as_text=True)
    assert "到会签到" not in client.get(f"/meetings/{meeting.id}").get_data(as_text=True)
    assert count(Attendance) == 0


def test_a_resident_of_another_community_cannot_check_in(client, auth, w, held):
    auth.login("13900000004")
    assert client.get(f"/meetings/{held.id}/checkin").status_code == 403
    r = post_form(client, f"/meetings/{held.id}/checkin", {"code": held.code}, page="/meetings")
    assert r.status_code == 403 and count(Attendance) == 0


def test_worker_records_a_resident_without_a_phone_by_code(client, auth, w, held):
    auth.login("13900000006")
    page = f"/meetings/{held.id}/attendance"
    r = post_form(client, f"{page}/add", {"who": w.neighbour.code}, page=page)
    assert r.status_code == 303
    assert "已记邻居乙到会" in client.get(page).get_data(as_text=True)
    unknown = post_form(client, f"{page}/add", {"who": "13999999999"}, page=page)
    html = unknown.get_data(as_text=True)
    assert unknown.status_code == 422 and 'value="13999999999"' in html
    error = r'id="who-error" role="alert"><ul class="errors"><li>本社区（村）没有这个手机号'
    assert re.search(error, html)
    outsider = post_form(client, f"{page}/add", {"who": "13900000004"}, page=page)
    assert outsider.status_code == 422
    assert count(Attendance) == 1


def test_stakeholders_are_invited_per_meeting_and_counted(client, auth, w, held):
    auth.login("13900000006")
    url = f"/meetings/{held.id}/stakeholders"
    assert post_form(client, url, {"name": "李老板", "org": "楼下超市"}).status_code == 303
    assert post_form(client, url, {"who": "13900000002"}).status_code == 303
    empty = post_form(client, url, {"org": "只写了单位"})
    assert empty.status_code == 422 and "请填手机号或居民码，或者填姓名" in empty.get_data(
        as_text=True)
    people = db.session.scalars(db.select(Stakeholder).order_by(Stakeholder.id)).all()
    assert [p.name for p in people] == ["李老板", "邻居乙"]
    page = f"/meetings/{held.id}/attendance"
    post_form(client, page, {"present": [keys(w)[0], people[0].key, people[1].key]})
    html = client.get(page).get_data(as_text=True)
    assert "利益相关方：2 人" in html and "到会 3 人" in html
    assert quorum(html) == "not_met"  # stakeholders are not members of the body
    r = post_form(client, f"{url}/{people[0].id}/remove", {}, page=url)
    assert r.status_code == 303 and count(Stakeholder) == 1


def test_attendance_cannot_be_marked_days_before(client, auth, w):
    meeting = make_meeting(w, days=3)
    auth.login("13900000006")
    url = f"/meetings/{meeting.id}/attendance"
    r = post_form(client, url, {"present": keys(w)})
    assert r.status_code == 303 and count(Attendance) == 0
    assert "会议还没开始" in client.get(r.headers["Location"]).get_data(as_text=True)
