"""A login that runs out while someone is typing an issue or a comment keeps the text: the
form comes back filled after the login, with a sentence saying why they had to log in."""

from datetime import timedelta
from html import unescape

import pytest

from community import clock
from community.issues.models import Comment, Issue
from tests.conftest import count, form_tokens
from tests.test_issues_setup import issue_in, make_world

SAME_SITE = {"Sec-Fetch-Site": "same-origin"}
NOTE = "您刚才的登录已过期，重新登录后内容已为您保留，请检查后提交。"


@pytest.fixture
def w(app):
    return make_world()


def typed_then_cookies_cleared(client, auth, url, data, headers=SAME_SITE):
    """Open the form logged in, lose the cookies, press submit."""
    auth.login("13900000001")
    tokens = form_tokens(client, url if url.endswith("/new") else url.rsplit("/", 1)[0])
    client._cookies.clear()
    return client.post(url, data={**tokens, **data}, headers=headers)


def test_an_issue_typed_while_the_cookies_went_comes_back_after_the_login(client, auth, w):
    r = typed_then_cookies_cleared(client, auth, "/issues/new", {
        "title": "楼道灯坏了", "body": "三楼的灯不亮，晚上看不见。", "urgent": "y",
        "unit_id": w.t["compound"].id})
    assert r.status_code == 303 and r.headers["Location"] == "/login?next=/issues/new"
    login_page = client.get(r.headers["Location"]).get_data(as_text=True)
    assert "登录已过期，请重新登录。您写的内容已经保留。" in login_page
    r = auth.login("13900000001", next_url="/issues/new")
    assert r.headers["Location"] == "/issues/new"
    page = client.get("/issues/new")
    html = unescape(page.get_data(as_text=True))
    assert page.status_code == 200 and NOTE in html
    assert 'value="楼道灯坏了"' in html and "三楼的灯不亮，晚上看不见。" in html
    assert f'checked id="unit_id-1" name="unit_id" type="radio" value="{w.t["compound"].id}"' \
        in html
    assert 'checked id="urgent"' in html
    assert NOTE not in client.get("/issues/new").get_data(as_text=True)  # shown once


def test_the_kept_issue_is_posted_once(client, auth, w):
    typed_then_cookies_cleared(client, auth, "/issues/new", {"title": "楼道灯坏了",
                                                            "unit_id": w.t["b1"].id})
    auth.login("13900000001", next_url="/issues/new")
    tokens = form_tokens(client, "/issues/new")
    data = {**tokens, "title": "楼道灯坏了", "unit_id": w.t["b1"].id}
    assert client.post("/issues/new", data=data).status_code == 303
    assert client.post("/issues/new", data=data).status_code == 303  # a retried submit
    assert count(Issue, Issue.title == "楼道灯坏了") == 1


def test_a_comment_typed_while_the_login_idled_out_comes_back(client, auth, w, monkeypatch):
    issue = issue_in(w.t["b1"], w.neighbour)
    start = clock.now()
    monkeypatch.setattr(clock, "now", lambda: start)
    auth.login("13900000001")
    tokens = form_tokens(client, f"/issues/{issue.id}")
    monkeypatch.setattr(clock, "now", lambda: start + timedelta(minutes=45))
    r = client.post(f"/issues/{issue.id}/comments", data={**tokens, "body": "我同意，早该修了。"},
                    headers=SAME_SITE)
    assert r.status_code == 303
    assert r.headers["Location"] == f"/login?next=/issues/{issue.id}%23issue-comments"
    r = auth.login("13900000001", next_url=f"/issues/{issue.id}%23issue-comments")
    assert r.headers["Location"] == f"/issues/{issue.id}#issue-comments"
    html = unescape(client.get(f"/issues/{issue.id}").get_data(as_text=True))
    assert NOTE in html and "\n我同意，早该修了。</textarea>" in html
    assert count(Comment, Comment.issue_id == issue.id) == 0  # nothing sent without a press


@pytest.mark.parametrize("headers", [{"Sec-Fetch-Site": "cross-site"},
                                     {"Origin": "https://evil.example"}, {}])
def test_a_form_posted_from_another_site_keeps_nothing(client, auth, w, headers):
    r = typed_then_cookies_cleared(client, auth, "/issues/new",
                                   {"title": "点这个链接领奖品", "unit_id": w.t["b1"].id},
                                   headers=headers)
    assert r.status_code == 303
    auth.login("13900000001", next_url="/issues/new")
    html = client.get("/issues/new").get_data(as_text=True)
    assert "领奖品" not in html and NOTE not in html


def test_a_long_text_is_shortened_to_fit_the_cookie_and_says_so(client, auth, w):
    body = "".join(chr(0x4E00 + (i * 7919) % 20000) for i in range(2000))  # hardly compresses
    typed_then_cookies_cleared(client, auth, "/issues/new", {"title": "很长的意见", "body": body,
                                                            "unit_id": w.t["b1"].id})
    auth.login("13900000001", next_url="/issues/new")
    assert len(client.get_cookie("ysting").value) < 4000
    html = unescape(client.get("/issues/new").get_data(as_text=True))
    assert "只保留了前面一部分" in html and 'value="很长的意见"' in html
    assert body[:300] in html
