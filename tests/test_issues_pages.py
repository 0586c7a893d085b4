"""The demo issues, and the page gates (budget, markup) on every issue page and its errors."""

import pytest

from community.extensions import db
from community.issues.models import Comment, Issue, Support
from community.issues.service import can_take_part
from community.issues.states import STATUSES
from tests.crawl import BUDGET, Page, analyse, gzip_size, markup_problems
from tests.test_issues_setup import form_tokens


@pytest.fixture
def demo_issues(demo):
    return {i.title: i for i in db.session.scalars(db.select(Issue))}


def test_demo_has_every_status_and_the_seed_problems(demo, demo_issues):
    assert {i.status for i in demo_issues.values()} == set(STATUSES)
    titles = "".join(demo_issues)
    for problem in ("晾晒难", "停车难", "就医难", "加装电梯", "充电桩", "停车棚", "违建菜园"):
        assert problem in titles
    resident, volunteer = demo.logins["resident"], demo.logins["volunteer"]
    assert any(i.author_id == resident.id and i.submitted_by_id == volunteer.id
               for i in demo_issues.values())
    assert any(i.author_id == resident.id and i.submitted_by_id is None
               for i in demo_issues.values())
    assert len({i.channel for i in demo_issues.values()}) >= 6
    assert db.session.scalar(db.select(db.func.count(Support.id))) > 10
    assert db.session.scalar(db.select(Comment).where(Comment.hidden_at.is_not(None)))
    # The demo resident still has something to support.
    supported = set(db.session.scalars(db.select(Support.issue_id)
                                       .where(Support.resident_id == resident.id)))
    assert any(i.author_id != resident.id and i.id not in supported
               and can_take_part(resident, i) for i in demo_issues.values())


def gates(client, url, method="get", data=None, status=200):
    """Fetch a page and check the budget and markup gates; returns its HTML."""
    r = client.post(url, data=data) if method == "post" else client.get(url)
    assert r.status_code == status, url
    html = r.get_data(as_text=True)
    css = gzip_size(client.get(analyse(html).stylesheets[0]).get_data())
    page = Page(url, r.status_code, html, None, analyse(html))
    assert markup_problems(page, ("localhost",)) == [], url
    assert gzip_size(html) + css <= BUDGET, url
    return html


@pytest.mark.parametrize("login", ["13800000001", "13800000002", "13800000003"])
def test_issue_pages_pass_the_gates(client, auth, demo, demo_issues, login):
    auth.login(login)
    first = demo_issues["晾晒难：楼下没有地方晒被子"].id
    urls = ["/", "/issues", "/issues?sort=support&status=deliberating", "/issues/new",
            f"/issues/{first}"]
    if login != "13800000001":
        urls.append("/issues/new/for?q=张")
    if login == "13800000003":
        comment = db.session.scalar(db.select(Comment).where(Comment.issue_id == first))
        urls += ["/triage", "/triage/dispatch", f"/issues/{first}/triage",
                 f"/issues/{first}/comments/{comment.id}/hide"]
    for url in urls:
        gates(client, url)


def test_error_pages_pass_the_gates(client, auth, demo, demo_issues):
    auth.login("13800000003")
    data = {**form_tokens(client, "/issues/new"), "title": "", "body": "长" * 2001}
    html = gates(client, "/issues/new", "post", data, 422)
    assert 'aria-invalid="true"' in html
    issue = demo_issues["停车难：晚上车停在消防通道上"].id
    url = f"/issues/{issue}/triage"
    gates(client, url, "post", {**form_tokens(client, url), "category": "big"}, 422)
    gates(client, "/triage/dispatch?from=bad", status=422)
