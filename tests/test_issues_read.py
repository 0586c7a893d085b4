"""Reading issues: who may see what, the list with filters and paging, 附议, comments."""

import re
from datetime import timedelta

import pytest
from sqlalchemy import event
from sqlalchemy.exc import IntegrityError

from community import clock
from community.extensions import db
from community.issues import service
from community.issues.models import Comment, Issue, IssueEvent, Support
from community.notify.models import Notice
from tests.test_issues_setup import count, form_tokens, issue_in, make_world, post_form


@pytest.fixture
def w(app):
    return make_world()


def test_residents_read_the_issues_of_their_units_only(client, auth, w):
    b1 = issue_in(w.t["b1"], w.resident, "一栋的事")
    compound = issue_in(w.t["compound"], w.resident, "小区的事")
    other = issue_in(w.o["community"], w.outsider, "外社区的事")
    auth.login("13900000003")  # lives in 2栋 of the same compound
    assert client.get(f"/issues/{compound.id}").status_code == 200
    assert client.get(f"/issues/{b1.id}").status_code == 403
    assert client.get(f"/issues/{other.id}").status_code == 403
    listing = client.get("/issues").get_data(as_text=True)
    assert "小区的事" in listing and "一栋的事" not in listing and "外社区的事" not in listing
    assert client.get("/issues/99999").status_code == 404


def test_another_community_gets_403_on_every_route(client, auth, w):
    issue = issue_in(w.t["community"], w.resident)
    auth.login("13900000004")
    base = f"/issues/{issue.id}"
    assert client.get(base).status_code == 403
    for url in ("/support", "/comments", "/withdraw", "/triage"):
        assert post_form(client, base + url, {"body": "x"}, page="/issues").status_code == 403
    assert client.get(base + "/withdraw").status_code == 403


def test_list_filters_search_and_sort(client, auth, w):
    a = issue_in(w.t["b1"], w.resident, "路灯100%不亮")
    b = issue_in(w.t["community"], w.neighbour, "停车难", body="晚上车位_不够")
    issue_in(w.t["compound"], w.neighbour, "晾晒难")
    db.session.add_all([Support(issue_id=b.id, resident_id=r.id) for r in (w.resident, w.b2)])
    a.status, a.category = "triaged", "micro"
    db.session.commit()
    auth.login("13900000001")

    def titles(query):
        html = client.get("/issues" + query).get_data(as_text=True)
        return re.findall(r'<a href="/issues/\d+">([^<]+)</a>', html)
    assert titles("") == ["晾晒难", "停车难", "路灯100%不亮"]
    assert titles("?sort=support") == ["停车难", "晾晒难", "路灯100%不亮"]
    assert titles("?q=100%25") == ["路灯100%不亮"]
    assert titles("?q=%25") == ["路灯100%不亮"]  # a literal %, not a wildcard
    assert titles("?q=_") == ["停车难"]  # found in the body, and _ is literal
    assert titles("?status=triaged") == ["路灯100%不亮"]
    assert titles("?category=micro") == ["路灯100%不亮"]
    assert titles("?mine=y") == ["路灯100%不亮"]
    assert titles(f"?unit={w.t['compound'].id}") == ["晾晒难", "路灯100%不亮"]
    assert titles("?status=nonsense&unit=abc") == ["晾晒难", "停车难", "路灯100%不亮"]


def test_list_pages_with_previous_and_next(client, auth, w):
    for i in range(45):
        db.session.add(Issue(title=f"议题{i:02d}", unit=w.t["b1"], author=w.resident,
                             created_at=clock.now() - timedelta(minutes=i)))
    db.session.commit()
    auth.login("13900000001")
    first = client.get("/issues?sort=new").get_data(as_text=True)
    assert '<link rel="next" href="/issues?sort=new&amp;page=2">' in first
    assert 'rel="prev"' not in first and "议题00" in first and "议题20" not in first
    second = client.get("/issues?sort=new&page=2").get_data(as_text=True)
    assert 'rel="prev"' in second and 'rel="next"' in second and "议题20" in second
    last = client.get("/issues?sort=new&page=3").get_data(as_text=True)
    assert 'rel="next"' not in last and "议题44" in last


def test_list_queries_do_not_grow_with_the_rows(client, auth, w):
    def queries_for_list():
        seen = []
        listener = lambda *a: seen.append(a[2])  # noqa: E731
        event.listen(db.engine, "before_cursor_execute", listener)
        try:
            assert client.get("/issues").status_code == 200
        finally:
            event.remove(db.engine, "before_cursor_execute", listener)
        return len(seen)
    auth.login("13900000001")
    for i in range(3):
        issue_in(w.t["b1"], w.neighbour, f"少{i}")
    queries_for_list()  # the first page after login learns the resident's roles and homes
    few = queries_for_list()
    for i in range(15):
        issue_in(w.t["compound"], w.b2, f"多{i}")
    assert queries_for_list() == few


def test_support_once_by_plain_form(client, auth, w):
    issue = issue_in(w.t["b1"], w.resident)
    auth.login("13900000002")
    url = f"/issues/{issue.id}"
    r = post_form(client, url + "/support", {}, page=url)
    assert r.status_code == 303 and r.headers["Location"] == url + "#issue-support"
    assert post_form(client, url + "/support", {}, page=url).status_code == 303
    assert count(Support, Support.issue_id == issue.id) == 1
    assert "附议 <strong>1</strong> 人，您已附议" in client.get(url).get_data(as_text=True)


@pytest.mark.parametrize(("headers", "fragment"), [
    ({"HX-Request": "true"}, True),
    ({"HX-Request": "true", "HX-Boosted": "true"}, False),
])
def test_support_by_htmx(client, auth, w, headers, fragment):
    issue = issue_in(w.t["b1"], w.resident)
    auth.login("13900000002")
    url = f"/issues/{issue.id}"
    r = post_form(client, url + "/support", {}, page=url, headers=headers)
    html = r.get_data(as_text=True)
    if fragment:
        assert r.status_code == 200 and "<html" not in html
        assert html.startswith('<div id="issue-support"') and "<strong>1</strong>" in html
        assert "HX-Request" in r.headers["Vary"]
    else:
        assert r.status_code == 303
    assert count(Support, Support.issue_id == issue.id) == 1


def test_support_page_shows_a_real_form_with_htmx_mirroring_it(client, auth, w):
    issue = issue_in(w.t["b1"], w.resident)
    auth.login("13900000002")
    html = client.get(f"/issues/{issue.id}").get_data(as_text=True)
    action = f"/issues/{issue.id}/support"
    assert f'<form method="post" action="{action}" hx-post="{action}" ' \
           f'hx-target="#issue-support"' in html


def test_one_support_per_resident_is_a_database_rule(app, w):
    issue = issue_in(w.t["b1"], w.resident)
    db.session.add(Support(issue_id=issue.id, resident_id=w.neighbour.id))
    db.session.commit()
    db.session.add(Support(issue_id=issue.id, resident_id=w.neighbour.id))
    with pytest.raises(IntegrityError):
        db.session.commit()
    db.session.rollback()
    assert service.support_issue(issue, w.neighbour) is False


def test_no_support_for_own_or_finished_issues(client, auth, w):
    issue = issue_in(w.t["b1"], w.resident)
    auth.login("13900000001")
    url = f"/issues/{issue.id}"
    assert "附议（" not in client.get(url).get_data(as_text=True)
    r = post_form(client, url + "/support", {}, page=url, headers={"HX-Request": "true"})
    assert "这是您自己提的议题" in r.get_data(as_text=True)
    issue.status = "closed"
    db.session.commit()
    auth.logout()
    auth.login("13900000002")
    post_form(client, url + "/support", {}, page=url)
    assert "已经结束" in client.get(url).get_data(as_text=True)
    assert count(Support) == 0


def test_comment_by_plain_form_and_retry(client, auth, w):
    issue = issue_in(w.t["b1"], w.resident)
    auth.login("13900000002")
    url = f"/issues/{issue.id}"
    data = {**form_tokens(client, url), "body": "我也觉得要修"}
    first = client.post(url + "/comments", data=data)
    second = client.post(url + "/comments", data=data)
    assert first.status_code == second.status_code == 303
    assert first.headers["Location"] == url + "#issue-comments"
    assert count(Comment, Comment.issue_id == issue.id) == 1
    assert "我也觉得要修" in client.get(url).get_data(as_text=True)


@pytest.mark.parametrize(("headers", "status", "fragment"), [
    ({"HX-Request": "true"}, 200, True),
    ({"HX-Request": "true", "HX-Boosted": "true"}, 303, False),
])
def test_comment_by_htmx(client, auth, w, headers, status, fragment):
    issue = issue_in(w.t["b1"], w.resident)
    auth.login("13900000002")
    url = f"/issues/{issue.id}"
    tokens = form_tokens(client, url)
    r = client.post(url + "/comments", data={**tokens, "body": "同意"}, headers=headers)
    html = r.get_data(as_text=True)
    assert r.status_code == status and count(Comment) == 1
    if fragment:
        assert html.startswith('<section id="issue-comments"') and "<html" not in html
        assert "同意" in html and 'name="submit_token"' in html
        # A fresh token for the next comment: the new form must not replay the first.
        assert tokens["submit_token"] not in html


@pytest.mark.parametrize(("body", "message"), [("", "请写下您的意见"),
                                               ("长" * 501, "意见最多500个字")])
@pytest.mark.parametrize("htmx", [False, True])
def test_comment_refused_with_text_kept(client, auth, w, body, message, htmx):
    issue = issue_in(w.t["b1"], w.resident)
    auth.login("13900000002")
    url = f"/issues/{issue.id}"
    headers = {"HX-Request": "true"} if htmx else {}
    r = post_form(client, url + "/comments", {"body": body}, page=url, headers=headers)
    html = r.get_data(as_text=True)
    assert r.status_code == 422 and message in html and body in html
    assert ("<html" in html) is not htmx
    assert count(Comment) == 0


def test_comments_are_paged_oldest_first_opening_on_the_latest(client, auth, w):
    issue = issue_in(w.t["b1"], w.resident)
    start = clock.now()
    for i in range(25):
        db.session.add(Comment(issue_id=issue.id, author=w.neighbour, body=f"意见{i:02d}",
                               created_at=start + timedelta(minutes=i)))
    db.session.commit()
    auth.login("13900000002")
    url = f"/issues/{issue.id}"
    latest = client.get(url).get_data(as_text=True)
    assert "意见24" in latest and "意见20" in latest and "意见19" not in latest
    assert f'href="{url}?page=1#issue-comments" rel="prev"' in latest
    first = client.get(url + "?page=1").get_data(as_text=True)
    assert "意见00" in first and "意见19" in first and "意见20" not in first
    assert f'href="{url}?page=2#issue-comments" rel="next"' in first


def test_worker_hides_a_comment_with_a_reason(client, auth, w):
    issue = issue_in(w.t["b1"], w.resident)
    comment = service.add_comment(issue, w.neighbour, "我的电话是139xxxx")
    hide = f"/issues/{issue.id}/comments/{comment.id}/hide"
    auth.login("13900000002")
    assert client.get(hide).status_code == 403
    auth.logout()
    auth.login("13900000006")
    r = post_form(client, hide, {"reason": ""})
    assert r.status_code == 422 and "请写明原因" in r.get_data(as_text=True)
    assert post_form(client, hide, {"reason": "含有个人电话"}).status_code == 303
    html = client.get(f"/issues/{issue.id}").get_data(as_text=True)
    assert "已隐藏：含有个人电话" in html and "139xxxx" not in html
    assert count(Notice, Notice.resident_id == w.neighbour.id) == 1
    other = issue_in(w.t["b1"], w.resident, "别的")
    assert client.get(f"/issues/{other.id}/comments/{comment.id}/hide").status_code == 404


def test_author_withdraws_after_confirming(client, auth, w):
    issue = issue_in(w.t["b1"], w.resident)
    url = f"/issues/{issue.id}"
    auth.login("13900000002")
    assert client.get(url + "/withdraw").status_code == 403
    auth.logout()
    auth.login("13900000001")
    assert "撤回后" in client.get(url + "/withdraw").get_data(as_text=True)
    r = post_form(client, url + "/withdraw", {"reason": "已经修好了"})
    assert r.status_code == 303 and db.session.get(Issue, issue.id).status == "withdrawn"
    assert count(IssueEvent, IssueEvent.to_status == "withdrawn") == 1
    assert count(Notice, Notice.resident_id == w.resident.id) == 0  # not told what they did
    assert "撤回这个议题" not in client.get(url).get_data(as_text=True)
    post_form(client, url + "/withdraw", {}, page=url)
    assert "不能撤回" in client.get(url).get_data(as_text=True)
