"""Our pages on the demo data, as every demo login: status, budget, one h1, labels, no names.

The crawl stays inside /projects, /evaluations, /board and /reports (other areas have
their own gates in test_pages.py)."""

import gzip
import re

import pytest

from community.extensions import db
from community.residents.models import Resident
from tests.conftest import close_app, make_app
from tests.crawl import BUDGET, ROLES, Fetched, client_fetcher, crawl, login_client, markup_problems

OURS = ("/projects", "/evaluations", "/board", "/reports")


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    from community.demo import seed_all
    app = make_app(tmp_path_factory.mktemp("ours"))
    with app.app_context():
        ctx = seed_all.run()
        app.demo_ids = {"community": ctx.units["船柴社区"].id,
                        "sanji": ctx.units["城关社区"].id,
                        "projects": {k: p.id for k, p in ctx.projects.items()}}
    yield app
    close_app(app)


def ours_only(fetch):
    def wrapped(url: str) -> Fetched:
        if not url.startswith(OURS):
            return Fetched(url, 200, "text/plain", "")
        return fetch(url)
    return wrapped


@pytest.mark.parametrize("role", list(ROLES))
def test_our_pages_pass_the_gates(site, role):
    client = site.test_client()
    login_client(client, role)
    ids = site.demo_ids
    starts = ["/board/", f"/board/{ids['community']}", f"/board/{ids['sanji']}",
              "/projects/", "/projects/funds", "/reports/",
              *[f"/projects/{pid}" for pid in ids["projects"].values()]]
    result = crawl(ours_only(client_fetcher(client)), starts=starts, max_pages=80)
    assert not result.broken, result.broken
    css = client.get(re.search(r'href="(/assets/site\.[^"]+)"',
                               result.pages[0].html)[1]).get_data()
    css_size = len(gzip.compress(css, 6))
    for page in result.pages:
        problems = markup_problems(page, ("localhost",))
        assert not problems, (page.url, problems)
        size = len(gzip.compress(page.html.encode(), 6)) + css_size
        assert size <= BUDGET, (page.url, size)
        assert ' style="' not in page.html and "<script>" not in page.html


def test_public_board_shows_no_private_names_or_numbers(site):
    client = site.test_client()
    ids = site.demo_ids
    with site.app_context():
        people = db.session.scalars(db.select(Resident)).all()
        # Made-up demo names repeat: a name someone consented to show may be shown.
        named = {r.name for r in people if not r.publish_name} - {
            r.name for r in people if r.publish_name}
    for uid in (ids["community"], ids["sanji"]):
        for path in (f"/board/{uid}", f"/board/{uid}/print", f"/board/{uid}/more/projects",
                     f"/board/{uid}/feed.atom"):
            html = client.get(path).get_data(as_text=True)
            assert not re.search(r"1[3-9]\d{9}", html), path
            assert not re.search(r"\d单元\d{3}", html), path
            body = html.split("<main", 1)[-1]
            leaked = [n for n in named if len(n) >= 3 and n in body]
            assert not leaked, (path, leaked)


def test_demo_has_the_article_project_fund_and_evaluations(site):
    client = site.test_client()
    ids = site.demo_ids
    html = client.get(f"/board/{ids['sanji']}").get_data(as_text=True)
    assert "三吉花园小区推墙联心" in html and "空调（台）2" in html and "书籍（本）200" in html
    html = client.get(f"/board/{ids['community']}").get_data(as_text=True)
    assert "满意率" in html and "评价通过" in html and "凭证 CC2026-001" in html
    login_client(client, "resident")
    home = client.get("/").get_data(as_text=True)
    assert "请评价：船柴一区非机动车停车棚" in home and "身边的项目" in home
    worker = site.test_client()
    login_client(worker, "worker")
    books = worker.get("/projects/funds").get_data(as_text=True)
    assert "2026年惠民资金" in books or "年惠民资金" in books
    assert "200,000.00" in books
