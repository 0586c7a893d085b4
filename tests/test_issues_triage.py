"""Triage (大事/小事/微事, reject, merge), the dispatch list, and change_status."""

import re
from datetime import date, timedelta
from pathlib import Path

import pytest

from community import clock
from community.audit.models import AuditLog
from community.extensions import db
from community.issues import service
from community.issues.models import Comment, Issue, IssueEvent, Support
from community.issues.service import InvalidTransition, change_status
from community.notify.models import Notice, SmsMessage
from tests.test_issues_setup import count, issue_in, make_world, post_form


@pytest.fixture
def w(app):
    return make_world()


def decide(client, issue, data):
    return post_form(client, f"/issues/{issue.id}/triage", data)


def test_board_for_workers_only_untriaged_first_urgent_on_top(client, auth, w):
    old = issue_in(w.t["b1"], w.resident, "老问题")
    old.created_at = clock.now() - timedelta(days=3)
    issue_in(w.t["b2"], w.b2, "新问题")
    issue_in(w.t["compound"], w.neighbour, "着火隐患", urgent=True)
    issue_in(w.o["b1"], w.outsider, "外社区问题")
    db.session.commit()
    auth.login("13900000001")
    assert client.get("/triage").status_code == 403
    assert client.get("/triage/dispatch").status_code == 403
    assert client.get(f"/issues/{old.id}/triage").status_code == 403
    assert decide(client, old, {"category": "small"}).status_code == 403
    auth.logout()
    auth.login("13900000006")
    html = client.get("/triage").get_data(as_text=True)
    titles = re.findall(r'<a href="/issues/\d+/triage">([^<]+)</a>', html)
    assert titles == ["着火隐患", "老问题", "新问题"] and "已等3天" in html
    auth.logout()
    auth.login("13900000007")
    assert client.get(f"/issues/{old.id}/triage").status_code == 403
    assert decide(client, old, {"category": "small"}).status_code == 403


def test_worker_triages_without_js_and_the_author_is_told(client, auth, w):
    issue = issue_in(w.t["b1"], w.resident, "楼道堆满杂物")
    auth.login("13900000006")
    board = client.get("/triage").get_data(as_text=True)
    assert f'href="/issues/{issue.id}/triage"' in board
    page = client.get(f"/issues/{issue.id}/triage").get_data(as_text=True)
    assert 'name="category" type="radio" value="small"' in page
    r = decide(client, issue, {"category": "small", "due_on": "2030-05-01"})
    assert r.status_code == 303 and r.headers["Location"] == "/triage"
    issue = db.session.get(Issue, issue.id)
    assert (issue.status, issue.category) == ("triaged", "small")
    assert issue.responsible == "测试社区居民议事协商委员会"
    assert issue.due_on == date(2030, 5, 1) and issue.triaged_at is not None
    assert "最近分流的" in (board := client.get("/triage").get_data(as_text=True))
    assert "测试社区居民议事协商委员会" in board
    notice = db.session.scalar(db.select(Notice).where(Notice.resident_id == w.resident.id))
    assert "已分流" in notice.text and len(notice.text) <= 70
    assert count(SmsMessage, SmsMessage.phone == "13900000001") == 1
    assert count(AuditLog, AuditLog.action == "issue_status", AuditLog.object_id == issue.id,
                 AuditLog.actor_id == w.worker.id) == 1


def test_micro_goes_to_the_compound_with_a_named_body(client, auth, w):
    issue = issue_in(w.t["b1"], w.resident)
    auth.login("13900000006")
    decide(client, issue, {"category": "micro"})
    assert db.session.get(Issue, issue.id).responsible == "测试小区议事协商会"
    second = issue_in(w.t["b1"], w.resident, "另一件")
    decide(client, second, {"category": "micro", "responsible": "1栋楼长"})
    assert db.session.get(Issue, second.id).responsible == "1栋楼长"


def test_big_matters_are_forwarded_with_a_reason(client, auth, w):
    issue = issue_in(w.t["community"], w.resident, "就医难")
    auth.login("13900000006")
    r = decide(client, issue, {"category": "big"})
    assert r.status_code == 422 and "要写明理由" in r.get_data(as_text=True)
    r = decide(client, issue, {"category": "big", "reason": "需街道协调卫健部门"})
    assert r.status_code == 303
    issue = db.session.get(Issue, issue.id)
    assert issue.status == "forwarded" and issue.responsible == "测试街道"
    html = client.get(f"/issues/{issue.id}").get_data(as_text=True)
    assert "已转交街道/乡镇" in html and "需街道协调卫健部门" in html
    sms = db.session.scalar(db.select(SmsMessage).where(SmsMessage.phone == "13900000001"))
    assert "已转交" in sms.text and len(sms.text) <= 70


@pytest.mark.parametrize("category", ["", "huge", "reject", "大事"])
def test_bad_category_is_refused(client, auth, w, category):
    issue = issue_in(w.t["b1"], w.resident)
    auth.login("13900000006")
    r = decide(client, issue, {"category": category, "responsible": "我填的组织"})
    html = r.get_data(as_text=True)
    assert r.status_code == 422 and "请选择大事、小事或微事" in html
    assert 'value="我填的组织"' in html
    assert db.session.get(Issue, issue.id).status == "submitted"


def test_reject_needs_a_reason_the_author_sees(client, auth, w):
    issue = issue_in(w.t["b1"], w.nophone)
    auth.login("13900000006")
    r = decide(client, issue, {"action": "reject", "reject-reason": ""})
    assert r.status_code == 422 and "请写明原因" in r.get_data(as_text=True)
    r = decide(client, issue, {"action": "reject", "reject-reason": "属于物业合同纠纷"})
    assert r.status_code == 303 and db.session.get(Issue, issue.id).status == "rejected"
    assert "属于物业合同纠纷" in client.get(f"/issues/{issue.id}").get_data(as_text=True)
    assert count(Notice, Notice.resident_id == w.nophone.id) == 1
    assert count(SmsMessage) == 0  # no phone, no SMS
    assert decide(client, issue, {"category": "small"}).status_code == 422  # not any more


def test_merge_moves_supports_and_comments(client, auth, w):
    target = issue_in(w.t["compound"], w.neighbour, "晾晒难")
    dup = issue_in(w.t["compound"], w.resident, "被子没地方晒")
    for r in (w.b2, w.volunteer):  # b2 supports both; volunteer only the duplicate
        db.session.add(Support(issue_id=dup.id, resident_id=r.id))
    db.session.add(Support(issue_id=target.id, resident_id=w.b2.id))
    db.session.add(Support(issue_id=dup.id, resident_id=w.neighbour.id))  # target's author
    db.session.commit()
    service.add_comment(dup, w.b2, "同意装晾衣架")
    auth.login("13900000006")
    r = decide(client, dup, {"action": "merge", "merge-into": target.id,
                             "merge-reason": "同一件事"})
    assert r.status_code == 303
    dup = db.session.get(Issue, dup.id)
    assert dup.status == "merged" and dup.merged_into_id == target.id
    backers = set(db.session.scalars(db.select(Support.resident_id)
                                     .where(Support.issue_id == target.id)))
    assert backers == {w.b2.id, w.volunteer.id, w.resident.id}
    assert count(Support, Support.issue_id == dup.id) == 0
    assert count(Comment, Comment.issue_id == target.id) == 1
    notice = db.session.scalar(db.select(Notice).where(Notice.resident_id == w.resident.id))
    assert "已合并" in notice.text and f"第{target.id}号" in notice.text
    assert f"去第{target.id}号议题" in client.get(f"/issues/{dup.id}").text


@pytest.mark.parametrize("into", ["self", "other_community", "missing", "closed", ""])
def test_merge_refused_into_a_wrong_issue(client, auth, w, into):
    dup = issue_in(w.t["b1"], w.resident)
    closed = issue_in(w.t["b1"], w.resident, "已办结的")
    closed.status = "closed"
    elsewhere = issue_in(w.o["b1"], w.outsider)
    db.session.commit()
    ids = {"self": dup.id, "other_community": elsewhere.id, "missing": 99999,
           "closed": closed.id, "": ""}
    auth.login("13900000006")
    r = decide(client, dup, {"action": "merge", "merge-into": ids[into]})
    assert r.status_code == 422
    assert 'id="merge-into-error"' in r.text  # the reason stands beside the number
    assert db.session.get(Issue, dup.id).status == "submitted"


def test_dispatch_list_one_sheet_per_body(client, auth, w):
    for title, cat, unit in [("甲", "small", "b1"), ("乙", "micro", "b1"), ("丙", "small", "b2"),
                             ("丁", "big", "community")]:
        issue = issue_in(w.t[unit], w.resident, title)
        auth.login("13900000006")
        reason = {"reason": "跨社区"} if cat == "big" else {}
        assert decide(client, issue, {"category": cat, **reason}).status_code == 303
    html = client.get("/triage/dispatch").get_data(as_text=True)
    sheets = re.findall(r'<h2 id="sheet-\d+">([^<]+)</h2>', html)
    assert sheets == ["大事 · 测试街道", "小事 · 测试社区居民议事协商委员会",
                      "微事 · 测试小区议事协商会"]
    assert html.count('class="sheet"') == 3 and "共2件" in html
    last_year = client.get("/triage/dispatch?from=2020-01-01&to=2020-01-31")
    assert "没有已分流的议题" in last_year.get_data(as_text=True)
    for bad in ("?from=2024-13-01", "?from=2024-05-02&to=2024-05-01", "?to=x"):
        r = client.get("/triage/dispatch" + bad)
        assert r.status_code == 422 and 'role="alert"' in r.get_data(as_text=True)


def test_dispatch_sheets_print_one_per_page(app):
    css = Path(app.static_folder, "site.css").read_text(encoding="utf-8")
    assert re.search(r"@media print\{[^}]*\.sheet\+\.sheet\{break-before:page\}", css)


def test_change_status_walks_the_whole_cycle(app, w):
    issue = issue_in(w.t["b1"], w.resident)
    with pytest.raises(InvalidTransition):
        change_status(issue, "implementing", w.worker)
    for step in ("triaged", "deliberating", "outcome_review", "deliberating", "outcome_review",
                 "deciding", "implementing", "evaluating", "closed"):
        change_status(issue, step, w.worker, "说明")
    db.session.commit()
    assert issue.status == "closed"
    events = db.session.scalars(db.select(IssueEvent).where(IssueEvent.issue_id == issue.id)
                                .order_by(IssueEvent.id)).all()
    assert [e.to_status for e in events][-1] == "closed" and len(events) == 10
    assert count(AuditLog, AuditLog.action == "issue_status") == 9
    assert count(Notice, Notice.resident_id == w.resident.id) == 9
    assert all(len(n.text) <= 70 for n in db.session.scalars(db.select(SmsMessage)))
    with pytest.raises(InvalidTransition):
        change_status(issue, "deliberating", w.worker)


def test_status_constraints_hold_in_the_database(app, w):
    issue = issue_in(w.t["b1"], w.resident)
    issue.status = "lost"
    with pytest.raises(Exception, match="CHECK|check"):
        db.session.commit()
    db.session.rollback()
    issue.status = "merged"  # without saying into what
    with pytest.raises(Exception, match="CHECK|check"):
        db.session.commit()
    db.session.rollback()
