"""民事民议: scheduling meetings, the agenda, the list, to-dos, notices, and who may do what."""

import gzip
import re
from datetime import timedelta

import pytest

from community import clock
from community.audit.models import AuditLog
from community.extensions import db
from community.issues.models import IssueEvent
from community.meetings.models import AgendaItem, Meeting
from community.notify.models import Notice
from tests.test_meetings_setup import at, count, form_tokens, make_meeting, make_world, post_form


def local_day(days=3) -> str:
    return (clock.now() + timedelta(days=days, hours=8)).strftime("%Y-%m-%d")


def form(**kw) -> dict:
    data = {"title": "3月月议", "kind": "regular", "date": local_day(), "starts": "19:30",
            "ends": "21:00", "place": "党群服务中心", "mode": "onsite",
            "agenda": "晾衣架怎么装\n停车位怎么划", "repeat": "", "count": "1"}
    data.update(kw)
    return {k: v for k, v in data.items() if v is not None}


@pytest.fixture
def w(app):
    return make_world()


def test_worker_schedules_a_meeting_and_residents_are_told(client, auth, w):
    auth.login("13900000006")
    chooser = client.get("/meetings/new").get_data(as_text=True)
    assert f"/meetings/new?body={w.body.id}" in chooser
    url = f"/meetings/new?body={w.body.id}"
    r = post_form(client, url, form(issues=[w.issue.id]))
    assert r.status_code == 303
    meeting = db.session.scalar(db.select(Meeting))
    assert r.headers["Location"] == f"/meetings/{meeting.id}"
    assert [i.title for i in meeting.items] == ["晾衣架怎么装", "停车位怎么划", "晾衣难"]
    assert meeting.items[2].issue_id == w.issue.id
    db.session.refresh(w.issue)
    assert w.issue.status == "deliberating"
    event = db.session.scalars(db.select(IssueEvent).order_by(IssueEvent.id.desc())).first()
    assert event.to_status == "deliberating" and w.body.name in event.note
    # 19:30 in Asia/Shanghai is 11:30 UTC.
    assert meeting.starts_at.hour == 11 and meeting.starts_at.minute == 30
    told = {n.resident_id for n in db.session.scalars(db.select(Notice).where(
        Notice.text.like("会议通知%")))}
    assert {w.resident.id, w.neighbour.id, w.worker.id} <= told and w.outsider.id not in told
    assert count(AuditLog, AuditLog.action == "meeting_scheduled") == 1
    page = client.get(r.headers["Location"]).get_data(as_text=True)
    assert "会议已安排" in page and "晾衣架怎么装" in page and meeting.code in page


@pytest.mark.parametrize("change,field_id,message", [
    ({"ends": "19:00"}, "ends", "结束时间要晚于开始时间"),
    ({"agenda": ""}, "agenda", "议程不能是空的"),
    ({"date": local_day(-40)}, "date", "只能补录30天内开过的会议"),
    ({"date": local_day(-2), "repeat": "weekly", "count": "4"}, "repeat",
     "已经开过的会议只能一次录入一场"),
    ({"date": "明天"}, "date", "请按 2026-03-15 的样子写日期"),
    ({"starts": "七点半"}, "starts", "请按 19:30 的样子写时间"),
    ({"repeat": "weekly", "count": "4", "agenda": "", "issues": []}, "agenda", "议程不能是空的"),
    ({"count": "30", "repeat": "weekly"}, "count", "请填1到12"),
])
def test_bad_input_is_refused_beside_the_field(client, auth, w, change, field_id, message):
    auth.login("13900000006")
    r = post_form(client, f"/meetings/new?body={w.body.id}", form(title="留着的标题", **change))
    html = r.get_data(as_text=True)
    assert r.status_code == 422
    pattern = rf'id="{field_id}-error" role="alert"><ul class="errors"><li>{message}'
    assert re.search(pattern, html), html
    assert 'value="留着的标题"' in html and html.count("<h1>") == 1
    assert count(Meeting) == 0


def test_a_meeting_that_took_place_is_entered_afterwards_without_inviting_anyone(
        client, auth, w):
    """An impromptu 围楼夜话 entered the same evening (or days later) with its minutes."""
    auth.login("13900000006")
    before = count(Notice)
    r = post_form(client, f"/meetings/new?body={w.body.id}", form(date=local_day(-1)))
    assert r.status_code == 303
    page = client.get(r.headers["Location"]).get_data(as_text=True)
    assert "会议已录入，请登记到会情况和会议纪要" in page
    assert count(Meeting) == 1 and count(Notice) == before
    actions = [a.action for a in db.session.scalars(db.select(AuditLog))]
    assert "meeting_recorded" in actions and "meeting_scheduled" not in actions


def test_a_retried_submit_makes_one_meeting(client, auth, w):
    auth.login("13900000006")
    url = f"/meetings/new?body={w.body.id}"
    data = form()
    tokens = form_tokens(client, url)
    first = client.post(url, data={**tokens, **data})
    again = client.post(url, data={**tokens, **data})
    assert first.status_code == again.status_code == 303
    assert first.headers["Location"] == again.headers["Location"]
    assert count(Meeting) == 1


def test_a_weekly_series_creates_each_meeting_and_one_notice(client, auth, w):
    auth.login("13900000006")
    r = post_form(client, f"/meetings/new?body={w.body.id}",
                  form(title="周周碰", repeat="weekly", count="4", issues=[w.issue.id]))
    assert r.status_code == 303
    meetings = db.session.scalars(db.select(Meeting).order_by(Meeting.starts_at)).all()
    assert len(meetings) == 4 and len({m.series for m in meetings}) == 1
    assert all(b.starts_at - a.starts_at == timedelta(weeks=1)
               for a, b in zip(meetings, meetings[1:], strict=False))
    assert all(len(m.items) == 2 for m in meetings[1:])  # the issue only at the first meeting
    assert len(meetings[0].items) == 3
    series = Notice.text.like("会议通知（每周一次，共4次）%")
    assert count(Notice, Notice.resident_id == w.resident.id, series) == 1


def test_the_agenda_page_fits_a_basic_phone(client, auth, w):
    meeting = make_meeting(w, agenda=["晾衣架怎么装", "停车位怎么划"])
    auth.login("13900000001")
    r = client.get(f"/meetings/{meeting.id}", headers={"Accept-Encoding": "gzip"})
    html = gzip.decompress(r.data).decode()
    css = client.get(re.search(r'href="(/assets/site[^"]+)"', html).group(1)).data
    assert len(r.data) + len(gzip.compress(css)) <= 14_000
    assert html.count("<h1>") == 1 and " style=" not in html
    assert "党群服务中心" in html and "晾衣架怎么装" in html and "停车位怎么划" in html
    assert meeting.code not in html  # the check-in code is announced in the room only
    assert f'href="/meetings/{meeting.id}.ics" download' in html


def test_list_shows_upcoming_and_past_meetings_of_my_units(client, auth, w, monkeypatch):
    old = make_meeting(w, days=1, title="上月月议")
    new = make_meeting(w, days=10, title="下月月议")
    at(monkeypatch, old.ends_at + timedelta(days=1))
    auth.login("13900000001")
    html = client.get("/meetings").get_data(as_text=True)
    assert html.index("下月月议") < html.index("已经开过") < html.index("上月月议")
    assert "安排会议" not in html
    auth.login("13900000004")
    html = client.get("/meetings").get_data(as_text=True)
    assert "月月议" not in html and new.title not in html


def test_residents_see_the_next_meeting_in_their_to_dos(client, auth, w):
    make_meeting(w, days=5, title="月月议：停车难")
    make_meeting(w, days=60, title="太远的会")
    auth.login("13900000001")
    html = client.get("/").get_data(as_text=True)
    assert "月月议：停车难（测试社区议事协商委员会）" in html and "太远的会（" not in html


def test_worker_edits_time_and_residents_are_told_again(client, auth, w):
    meeting = make_meeting(w)
    auth.login("13900000006")
    url = f"/meetings/{meeting.id}/edit"
    assert 'value="3月月议"' in client.get(url).get_data(as_text=True)
    r = post_form(client, url, form(title="改期的月议", place="3栋楼下", agenda=None))
    assert r.status_code == 303
    db.session.refresh(meeting)
    assert meeting.title == "改期的月议" and meeting.place == "3栋楼下"
    assert count(Notice, Notice.resident_id == w.resident.id,
                 Notice.text.like("会议时间或地点有变%")) == 1
    bad = post_form(client, url, form(ends="08:00", agenda=None))
    assert bad.status_code == 422 and "结束时间要晚于开始时间" in bad.get_data(as_text=True)


def test_a_meeting_that_has_started_cannot_be_edited(client, auth, w, monkeypatch):
    meeting = make_meeting(w)
    at(monkeypatch, meeting.starts_at + timedelta(minutes=1))
    auth.login("13900000006")
    r = post_form(client, f"/meetings/{meeting.id}/edit", form(title="偷改"),
                  page=f"/meetings/{meeting.id}")
    assert r.status_code == 303
    assert "不能再修改" in client.get(r.headers["Location"]).get_data(as_text=True)
    db.session.refresh(meeting)
    assert meeting.title == "3月月议"
    item = meeting.items[0]
    r = post_form(client, f"/meetings/{meeting.id}/items/{item.id}/remove", {},
                  page=f"/meetings/{meeting.id}")
    assert r.status_code == 303 and count(AgendaItem) == 1
    r = post_form(client, f"/meetings/{meeting.id}/items", {"title": "加一项", "issue_id": "0"},
                  page=f"/meetings/{meeting.id}/attendance")
    assert r.status_code == 303 and count(AgendaItem) == 1
    assert "不能再修改" in client.get(r.headers["Location"]).get_data(as_text=True)


def test_agenda_items_are_added_ordered_and_removed(client, auth, w):
    meeting = make_meeting(w, agenda=["第一项", "第二项"])
    auth.login("13900000006")
    page = f"/meetings/{meeting.id}"
    r = post_form(client, f"{page}/items", {"title": "楼道灯", "note": "1栋3单元",
                                            "issue_id": str(w.micro.id)})
    assert r.status_code == 303
    db.session.refresh(w.micro)
    assert w.micro.status == "deliberating"
    empty = post_form(client, f"{page}/items", {"title": "", "issue_id": "0"}, page=page)
    assert empty.status_code == 422 and "请写议程事项" in empty.get_data(as_text=True)
    db.session.expire_all()
    third = db.session.scalar(db.select(AgendaItem).where(AgendaItem.title == "楼道灯"))
    assert post_form(client, f"{page}/items/{third.id}/up", {}, page=page).status_code == 303
    db.session.expire_all()
    assert [i.title for i in db.session.get(Meeting, meeting.id).items] == [
        "第一项", "楼道灯", "第二项"]
    for item in list(db.session.get(Meeting, meeting.id).items):
        post_form(client, f"{page}/items/{item.id}/remove", {}, page=page)
    db.session.expire_all()
    assert count(AgendaItem) == 1  # the agenda never becomes empty
    assert "议程至少要留一项" in client.get(page).get_data(as_text=True)


MANAGE_GETS = ["/meetings/new?body={b}", "/meetings/{m}/edit", "/meetings/{m}/attendance",
               "/meetings/{m}/stakeholders", "/meetings/bodies/{b}",
               "/meetings/{m}/items/{i}/minutes"]
WORKER_GETS = ["/meetings/bodies", "/meetings/bodies/new", "/meetings/new"]
READ_GETS = ["/meetings/{m}", "/meetings/{m}.ics", "/meetings/{m}/notice",
             "/meetings/{m}/checkin"]
MANAGE_POSTS = ["/meetings/{m}/items", "/meetings/{m}/items/{i}/up",
                "/meetings/{m}/items/{i}/remove", "/meetings/{m}/attendance/add",
                "/meetings/{m}/minutes/publish", "/meetings/bodies/{b}/members/{x}/remove",
                "/meetings/{m}/stakeholders/1/remove"]


def _urls(urls, w, meeting):
    ids = {"b": w.body.id, "m": meeting.id, "i": meeting.items[0].id, "x": w.body.members[0].id}
    return [u.format(**ids) for u in urls]


def test_anonymous_visitors_are_sent_to_log_in(client, w):
    meeting = make_meeting(w)
    for url in ["/meetings", "/meetings/outcomes"] + WORKER_GETS + _urls(
            MANAGE_GETS + READ_GETS, w, meeting):
        r = client.get(url)
        assert r.status_code == 303 and r.headers["Location"].startswith("/login"), url


@pytest.mark.parametrize("phone,manage,read", [
    ("13900000001", 403, 200),  # a resident of the community reads, manages nothing
    ("13900000004", 403, 403),  # a resident of another community
    ("13900000007", 403, 403),  # a worker of another community
    ("13900000008", 403, 200),  # the Party reviewer reads but does not manage
])
def test_who_may_open_each_page(client, auth, w, phone, manage, read):
    meeting = make_meeting(w)
    auth.login(phone)
    for url in _urls(MANAGE_GETS, w, meeting):
        assert client.get(url).status_code == manage, url
    for url in WORKER_GETS:  # a worker elsewhere sees only their own bodies
        r = client.get(url)
        assert r.status_code == (200 if phone == "13900000007" else 403), url
        assert w.body.name not in r.get_data(as_text=True)
    for url in _urls(READ_GETS, w, meeting):
        assert client.get(url).status_code == read, url
    token = {"csrf_token": form_tokens(client, "/meetings")["csrf_token"]}
    for url in _urls(MANAGE_POSTS, w, meeting):
        assert client.post(url, data=token).status_code == 403, url
    assert count(AgendaItem) == 1


def test_the_worker_opens_every_management_page(client, auth, w, monkeypatch):
    meeting = make_meeting(w)
    at(monkeypatch, meeting.starts_at + timedelta(minutes=5))
    auth.login("13900000006")
    for url in _urls(MANAGE_GETS + READ_GETS, w, meeting) + WORKER_GETS + ["/meetings/outcomes"]:
        r = client.get(url)
        assert r.status_code in (200, 303), url
        if r.mimetype == "text/html" and r.status_code == 200:
            html = r.get_data(as_text=True)
            assert html.count("<h1") == 1 and " style=" not in html, url


def test_an_expired_form_is_shown_again_with_the_text_kept(client, auth, w):
    auth.login("13900000006")
    r = client.post(f"/meetings/new?body={w.body.id}", data=form(title="没过期的标题"))
    html = r.get_data(as_text=True)
    assert r.status_code == 422 and "页面停留太久已过期" in html
    assert 'value="没过期的标题"' in html and count(Meeting) == 0


def test_the_issue_page_can_show_its_meetings(app, w):
    from flask import render_template_string

    from community.meetings import service
    from tests.test_meetings_setup import plan
    meeting = service.schedule(w.body, plan(issues=[w.issue]), w.worker, None)
    with app.test_request_context():
        html = render_template_string('{% include "meetings/_issue_meetings.html" %}',
                                      issue=w.issue)
        none = render_template_string('{% include "meetings/_issue_meetings.html" %}',
                                      issue=w.micro)
    assert f'href="/meetings/{meeting.id}"' in html and "党群服务中心" in html
    assert none.strip() == ""
