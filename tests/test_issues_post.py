"""Posting an issue (民事民提): for myself, for a resident (代提), idempotent, escaped."""

import re

import pytest
from markupsafe import escape

from community.audit.models import AuditLog
from community.extensions import db
from community.issues.models import Issue, IssueEvent
from community.notify.models import Notice
from tests.test_issues_setup import PAYLOADS, count, form_tokens, make_world, post_form


@pytest.fixture
def w(app):
    return make_world()


def count_issues() -> list[Issue]:
    return db.session.scalars(db.select(Issue)).all()


def test_resident_posts_in_three_screens_without_js(client, auth, w):
    auth.login("13900000001")
    page = client.get("/issues/new")
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and "<script>" not in html.split("<main")[1]
    # The building is chosen already; compound and community are the wider choices.
    assert re.search(rf'<input checked id="unit_id-0" name="unit_id" type="radio" '
                     rf'value="{w.t["b1"].id}">1栋（本栋）', html)
    assert "测试小区（本小区）" in html and "测试社区（本社区）" in html and "测试街道" not in html
    r = post_form(client, "/issues/new", {"title": "楼道灯坏了", "body": "三楼的灯不亮。",
                                          "unit_id": w.t["b1"].id})
    [issue] = count_issues()
    assert r.status_code == 303 and r.headers["Location"] == f"/issues/{issue.id}"
    assert (issue.author_id, issue.submitted_by_id, issue.channel) == (w.resident.id, None, "web")
    assert issue.unit_id == w.t["b1"].id and issue.status == "submitted" and not issue.urgent
    show = client.get(r.headers["Location"]).get_data(as_text=True)
    assert "楼道灯坏了" in show and "已提交" in show and "三楼的灯不亮。" in show
    assert count(IssueEvent, IssueEvent.issue_id == issue.id) == 1
    assert count(AuditLog, AuditLog.action == "issue_posted", AuditLog.object_id == issue.id) == 1
    home = client.get("/").get_data(as_text=True)
    assert "我的议题" in home and "楼道灯坏了" in home


def test_urgent_and_wider_unit(client, auth, w):
    auth.login("13900000001")
    r = post_form(client, "/issues/new", {"title": "小区大门坏了", "unit_id": w.t["compound"].id,
                                          "urgent": "y"})
    [issue] = count_issues()
    assert r.status_code == 303 and issue.urgent and issue.unit_id == w.t["compound"].id


@pytest.mark.parametrize(("field", "value", "message"), [
    ("title", "", "请写一个标题"),
    ("title", "长" * 61, "标题最多60个字"),
    ("body", "长" * 2001, "详细情况最多2000个字"),
    ("unit_id", "other", "请选择您住的楼栋、小区或社区"),
    ("unit_id", "street", "请选择您住的楼栋、小区或社区"),
    ("unit_id", "b2", "请选择您住的楼栋、小区或社区"),
    ("unit_id", "abc", "请选择您住的楼栋、小区或社区"),
])
def test_post_refused_beside_the_field_with_text_kept(client, auth, w, field, value, message):
    units = {"other": w.o["b1"].id, "street": w.t["street"].id, "b2": w.t["b2"].id}
    data = {"title": "积水", "body": "雨后门口积水很深", "unit_id": w.t["b1"].id,
            field: units.get(value, value)}
    auth.login("13900000001")
    r = post_form(client, "/issues/new", data)
    html = r.get_data(as_text=True)
    assert r.status_code == 422 and message in html and "有错误" in html
    assert f'id="{field}-error"' in html
    if field != "title":
        assert 'value="积水"' in html
    if field != "body":
        assert "雨后门口积水很深" in html
    assert count_issues() == []


def test_retried_post_makes_one_issue_and_the_same_303(client, auth, w):
    auth.login("13900000001")
    data = {**form_tokens(client, "/issues/new"), "title": "垃圾没人清", "unit_id": w.t["b1"].id}
    first = client.post("/issues/new", data=data)
    second = client.post("/issues/new", data=data)
    assert first.status_code == second.status_code == 303
    assert first.headers["Location"] == second.headers["Location"]
    assert len(count_issues()) == 1
    # Back, and the form again with a fresh token: the same words are the same issue.
    again = post_form(client, "/issues/new", {"title": "垃圾没人清", "unit_id": w.t["b1"].id})
    assert again.headers["Location"] == first.headers["Location"]
    assert "已经提交过了，没有重复提交" in client.get(again.headers["Location"]).text
    assert len(count_issues()) == 1
    # Other words are another issue.
    post_form(client, "/issues/new", {"title": "垃圾没人清", "body": "3栋也是",
                                      "unit_id": w.t["b1"].id})
    assert len(count_issues()) == 2


def test_expired_csrf_keeps_the_typed_text(client, auth, w):
    auth.login("13900000001")
    r = client.post("/issues/new", data={"title": "路灯不亮", "unit_id": w.t["b1"].id})
    html = r.get_data(as_text=True)
    assert r.status_code == 422 and 'value="路灯不亮"' in html and "已过期" in html
    assert count_issues() == []


@pytest.mark.parametrize("payload", PAYLOADS)
def test_user_text_is_escaped_everywhere(client, auth, w, payload):
    auth.login("13900000001")
    r = post_form(client, "/issues/new", {"title": payload, "body": payload,
                                          "unit_id": w.t["b1"].id})
    url = r.headers["Location"]
    post_form(client, f"{url}/comments", {"body": payload}, page=url)
    auth.logout()
    auth.login("13900000006")  # the worker sees every place the text appears
    for page in (url, "/issues", "/triage", f"{url}/triage", "/issues?q=" + payload[:10]):
        html = client.get(page).get_data(as_text=True)
        assert payload not in html or payload == "{{7*7}}", page
        assert "<script>alert" not in html and 'onmouseover="x' not in html
        assert 'hx-get="/logout"' not in html
        for attr in re.findall(r'\shx-[\w-]+="([^"]*)"', html):  # no user text in hx-*
            assert not any(bit in attr for bit in ("alert", "onmouseover", "7*7", "hx-")), attr
    shown = client.get(url).get_data(as_text=True)
    assert escape(payload) in shown  # shown as typed: escaped, and {{7*7}} not evaluated


def test_volunteer_posts_on_behalf_of_a_resident(client, auth, w):
    auth.login("13900000005")
    found = client.get("/issues/new/for?q=居民甲").get_data(as_text=True)
    assert f'href="/issues/new?for={w.resident.id}"' in found
    assert "找到 0 人" in client.get("/issues/new/for?q=外人丁").get_data(as_text=True)
    form = client.get(f"/issues/new?for={w.resident.id}").get_data(as_text=True)
    assert "代居民甲提出议题" in form and 'name="channel"' in form
    assert '<option selected value="visit">入户走访</option>' in form
    r = post_form(client, f"/issues/new?for={w.resident.id}",
                  {"title": "想加装电梯", "unit_id": w.t["b1"].id, "channel": "phone"})
    [issue] = count_issues()
    assert r.status_code == 303
    assert (issue.author_id, issue.submitted_by_id) == (w.resident.id, w.volunteer.id)
    assert issue.channel == "phone"
    row = count(AuditLog, AuditLog.action == "issue_posted", AuditLog.actor_id == w.volunteer.id)
    assert row == 1
    assert count(Notice, Notice.resident_id == w.resident.id) == 1
    assert client.get(r.headers["Location"]).status_code == 200  # the volunteer may read it
    auth.logout()
    auth.login("13900000001")
    assert "由志愿者 志愿者戊 代为提交" in client.get("/").get_data(as_text=True)


@pytest.mark.parametrize("channel", ["web", "kiosk", "nonsense", ""])
def test_on_behalf_channel_must_be_an_assisted_one(client, auth, w, channel):
    auth.login("13900000005")
    r = post_form(client, f"/issues/new?for={w.resident.id}",
                  {"title": "想加装电梯", "unit_id": w.t["b1"].id, "channel": channel})
    assert r.status_code == 422 and "请选择收到的渠道" in r.get_data(as_text=True)


def test_on_behalf_only_for_residents_one_serves(client, auth, w):
    auth.login("13900000005")
    assert client.get(f"/issues/new?for={w.outsider.id}").status_code == 403
    assert post_form(client, f"/issues/new?for={w.outsider.id}", {"title": "x"},
                     page="/issues/new").status_code == 403
    assert client.get("/issues/new?for=99999").status_code == 404
    auth.logout()
    auth.login("13900000001")  # a plain resident
    assert client.get("/issues/new/for").status_code == 403
    assert client.get(f"/issues/new?for={w.neighbour.id}").status_code == 403


def test_worker_finds_residents_in_the_whole_community(client, auth, w):
    auth.login("13900000006")
    assert "二栋丙" in client.get("/issues/new/for?q=二栋").get_data(as_text=True)
    r = client.get("/issues/new/for?q=")
    assert r.status_code == 422 and "请输入要找的居民" in r.get_data(as_text=True)


def test_someone_without_a_household_cannot_post(client, auth, w):
    auth.login("13900000006")
    assert "还没有登记住户" in client.get("/issues/new").get_data(as_text=True)
    r = post_form(client, "/issues/new", {"title": "x", "unit_id": w.t["b1"].id})
    assert r.status_code == 422 and count_issues() == []


def test_kiosk_posts_are_marked_as_kiosk(client, auth, w):
    with client.session_transaction() as s:
        s["kiosk_device"] = "hall-1"
    auth.login("13900000001")
    post_form(client, "/issues/new", {"title": "健身器材坏了", "unit_id": w.t["b1"].id})
    assert count_issues()[0].channel == "kiosk"


@pytest.mark.parametrize("url", ["/issues", "/issues/new", "/issues/new/for", "/issues/1",
                                 "/issues/1/withdraw", "/issues/1/triage", "/triage",
                                 "/triage/dispatch", "/issues/1/comments/1/hide"])
def test_anonymous_is_sent_to_login(client, w, url):
    r = client.get(url)
    assert r.status_code == 303 and r.headers["Location"].startswith("/login?next=")


@pytest.mark.parametrize("url", ["/issues/new", "/issues/1/support", "/issues/1/comments",
                                 "/issues/1/triage", "/issues/1/withdraw"])
def test_anonymous_posts_are_sent_to_login(client, w, url):
    r = post_form(client, url, {"title": "x", "body": "x"}, page="/login")
    assert r.status_code == 303 and r.headers["Location"].startswith("/login?next=")


def test_posting_is_limited_per_account_not_per_address(app, client, auth, w):
    """Residents behind one carrier address each keep their own allowance."""
    app.config["POST_RATE_LIMIT"] = "2 per minute"
    auth.login("13900000001")
    r = post_form(client, "/issues/new", {"title": "第一件", "unit_id": w.t["b1"].id})
    url = r.headers["Location"]
    assert post_form(client, f"{url}/comments", {"body": "一"}, page=url).status_code == 303
    assert post_form(client, f"{url}/comments", {"body": "二"}, page=url).status_code == 303
    assert post_form(client, f"{url}/comments", {"body": "三"}, page=url).status_code == 429
    auth.logout()
    auth.login("13900000002")  # same address, another account
    assert post_form(client, f"{url}/comments", {"body": "四"}, page=url).status_code == 303
