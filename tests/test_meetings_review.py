"""民事民议: minutes per item, outcomes, the Party organisation's review and the next step."""

import re
from datetime import timedelta

import pytest

from community.audit.models import AuditLog
from community.extensions import db
from community.issues.models import IssueEvent
from community.meetings import service
from community.meetings.models import Outcome, Review
from community.notify.models import Notice
from tests.test_meetings_setup import at, count, make_meeting, make_world, plan, post_form


@pytest.fixture
def w(app):
    return make_world()


@pytest.fixture
def held(w, monkeypatch):
    """A meeting with the 晾衣难 issue on its agenda, which started an hour ago."""
    meeting = service.schedule(w.body, plan(issues=[w.issue], agenda=["开场"]), w.worker, None)
    at(monkeypatch, meeting.starts_at + timedelta(hours=1))
    return meeting


def minutes_url(meeting, n=1):
    return f"/meetings/{meeting.id}/items/{meeting.items[n].id}/minutes"


AGREED = {"summary": "大家同意在3栋楼下装晾衣架", "dissent": "1楼住户担心挡光",
          "outcome_kind": "agreed", "outcome_text": "在3栋东侧装两排晾衣架，物业负责维护"}


def submit(client, auth, meeting, data=None):
    auth.login("13900000006")
    return post_form(client, minutes_url(meeting), data or AGREED)


def events(issue):
    return db.session.scalars(db.select(IssueEvent).where(IssueEvent.issue_id == issue.id)
                              .order_by(IssueEvent.id)).all()


def test_minutes_with_an_outcome_go_to_the_party_for_review(client, auth, w, held):
    r = submit(client, auth, held)
    assert r.status_code == 303 and r.headers["Location"] == f"/meetings/{held.id}/minutes"
    outcome = db.session.scalar(db.select(Outcome))
    assert outcome.status == "pending" and outcome.item.dissent == "1楼住户担心挡光"
    db.session.refresh(w.issue)
    assert w.issue.status == "outcome_review"
    assert "协商成果报党组织审核" in events(w.issue)[-1].note
    assert count(Notice, Notice.resident_id == w.reviewer.id,
                 Notice.text.like("有协商成果待审核%")) == 1
    assert count(AuditLog, AuditLog.action == "minutes_saved") == 1
    auth.login("13900000008")
    assert "待审核的协商成果" in client.get("/").get_data(as_text=True)


def test_minutes_wait_for_the_meeting(client, auth, w):
    meeting = service.schedule(w.body, plan(issues=[w.issue], agenda=["开场"]), w.worker, None)
    r = submit(client, auth, meeting)
    assert r.status_code == 422 and "会议还没开始" in r.get_data(as_text=True)
    assert count(Outcome) == 0


@pytest.mark.parametrize("change,field_id,message", [
    ({"summary": ""}, "summary", "请写讨论情况"),
    ({"outcome_text": ""}, "outcome_text", "请写成果内容"),
    ({"outcome_kind": "alternatives", "options": "只有一种"}, "options", "几种方案要写2到6行"),
])
def test_bad_minutes_are_refused_beside_the_field(client, auth, w, held, change, field_id,
                                                   message):
    r = submit(client, auth, held, {**AGREED, **change})
    html = r.get_data(as_text=True)
    pattern = rf'id="{field_id}-error" role="alert"><ul class="errors"><li>{message}'
    assert r.status_code == 422 and re.search(pattern, html)
    assert "1楼住户担心挡光" in html and count(Outcome) == 0


def test_alternatives_keep_their_options_for_the_ballot(client, auth, w, held):
    data = {**AGREED, "outcome_kind": "alternatives", "outcome_text": "晾衣架装在哪里？",
            "options": "3栋东侧\n\n小区中心花园旁\n车棚顶上"}
    assert submit(client, auth, held, data).status_code == 303
    assert db.session.scalar(db.select(Outcome)).option_list == ["3栋东侧", "小区中心花园旁",
                                                                 "车棚顶上"]


def test_minutes_are_published_to_residents_without_unreviewed_outcomes(client, auth, w, held):
    submit(client, auth, held)
    auth.login("13900000002")
    assert client.get(f"/meetings/{held.id}/minutes").status_code == 404
    auth.login("13900000006")
    r = post_form(client, f"/meetings/{held.id}/minutes/publish", {},
                  page=f"/meetings/{held.id}/minutes")
    assert r.status_code == 303
    assert count(Notice, Notice.resident_id == w.neighbour.id,
                 Notice.text.like("会议纪要已公布%")) == 1
    auth.login("13900000002")
    html = client.get(f"/meetings/{held.id}/minutes").get_data(as_text=True)
    assert "大家同意在3栋楼下装晾衣架" in html and "1楼住户担心挡光" in html
    assert "物业负责维护" not in html and "正在等党组织审核" in html


def test_the_party_returns_an_outcome_with_a_note_then_approves(client, auth, w, held):
    submit(client, auth, held)
    outcome = db.session.scalar(db.select(Outcome))
    url = f"/meetings/outcomes/{outcome.id}"
    auth.login("13900000006")  # the worker may read but not review
    assert client.get(url).status_code == 200
    assert post_form(client, f"{url}/review", {"decision": "approve"}, page=url).status_code == 403
    auth.login("13900000008")
    empty = post_form(client, f"{url}/review", {"decision": "return"}, page=url)
    assert empty.status_code == 422 and "退回时请写明要改什么" in empty.get_data(as_text=True)
    r = post_form(client, f"{url}/review", {"decision": "return", "note": "请写明费用谁出"},
                  page=url)
    assert r.status_code == 303
    db.session.refresh(w.issue)
    assert w.issue.status == "deliberating" and "请写明费用谁出" in events(w.issue)[-1].note
    again = post_form(client, f"{url}/review", {"decision": "approve"}, page=url)
    assert again.status_code == 422 and "已经审核过了" in again.get_data(as_text=True)
    resubmitted = submit(client, auth, held, {**AGREED, "outcome_text": "装晾衣架，惠民资金出钱"})
    assert resubmitted.status_code == 303
    db.session.refresh(w.issue)
    assert w.issue.status == "outcome_review"
    auth.login("13900000008")
    assert post_form(client, f"{url}/review", {"decision": "approve"}, page=url).status_code == 303
    db.session.expire_all()
    assert db.session.get(Outcome, outcome.id).status == "approved"
    assert [r.decision for r in db.session.scalars(db.select(Review))] == ["return", "approve"]
    assert count(AuditLog, AuditLog.action == "outcome_reviewed") == 2


def approved(client, auth, w, meeting, issue_index=1):
    submit(client, auth, meeting)
    outcome = db.session.scalar(db.select(Outcome))
    auth.login("13900000008")
    post_form(client, f"/meetings/outcomes/{outcome.id}/review", {"decision": "approve"},
              page=f"/meetings/outcomes/{outcome.id}")
    auth.login("13900000006")
    return outcome, f"/meetings/outcomes/{outcome.id}"


def test_only_approved_outcomes_move_on(client, auth, w, held):
    submit(client, auth, held)
    outcome = db.session.scalar(db.select(Outcome))
    url = f"/meetings/outcomes/{outcome.id}"
    r = post_form(client, f"{url}/next", {"step": "ballot"}, page=url)
    assert r.status_code == 422 and "只有党组织审核通过的成果" in r.get_data(as_text=True)
    db.session.refresh(w.issue)
    assert w.issue.status == "outcome_review"


def test_approved_outcome_waits_for_an_online_ballot(client, auth, w, held, app):
    outcome, url = approved(client, auth, w, held)
    direct = post_form(client, f"{url}/next", {"step": "direct"}, page=url)
    assert direct.status_code == 422 and "只有微事" in direct.get_data(as_text=True)
    r = post_form(client, f"{url}/next", {"step": "ballot"}, page=url)
    assert r.status_code == 303
    db.session.refresh(w.issue)
    db.session.refresh(outcome)
    assert outcome.status == "ballot" and w.issue.status == "deciding"
    assert "党组织审核通过（审核人庚）" in events(w.issue)[-1].note
    html = client.get(url).get_data(as_text=True)
    assert "待表决" in html
    assert f"/ballots/new?outcome={outcome.id}" in html


def test_a_micro_matter_is_implemented_directly(client, auth, w, monkeypatch):
    meeting = service.schedule(w.body, plan(issues=[w.micro], agenda=["开场"]), w.worker, None)
    at(monkeypatch, meeting.starts_at + timedelta(hours=1))
    outcome, url = approved(client, auth, w, meeting)
    assert post_form(client, f"{url}/next", {"step": "direct"}, page=url).status_code == 303
    db.session.refresh(w.micro)
    assert w.micro.status == "implementing"
    assert [e.to_status for e in events(w.micro)][-3:] == ["outcome_review", "deciding",
                                                           "implementing"]
    assert count(AuditLog, AuditLog.action == "outcome_next_step") == 1


def test_residents_cannot_open_outcomes(client, auth, w, held):
    submit(client, auth, held)
    outcome = db.session.scalar(db.select(Outcome))
    for phone in ("13900000001", "13900000004", "13900000007"):
        auth.login(phone)
        assert client.get(f"/meetings/outcomes/{outcome.id}").status_code == 403
    auth.login("13900000001")
    assert client.get("/meetings/outcomes").status_code == 403
    assert client.get(minutes_url(held)).status_code == 403


def test_make_meeting_helper_is_plain(w):
    assert make_meeting(w).items[0].issue_id is None
