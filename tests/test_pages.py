"""Gates every page must pass, found by crawling the demo site as each demo login.

Status, size budget, no third-party hosts, lang, one h1, labelled fields, and valid HTML
(Nu HTML checker). New pages are checked as soon as a link leads to them.
"""

import hashlib
import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from community.extensions import db
from tests.conftest import PG_URL, AuthActions, close_app, make_app
from tests.crawl import (
    BUDGET,
    ROLES,
    CrawlResult,
    Fetched,
    Page,
    analyse,
    crawl,
    crawl_as,
    gzip_size,
    markup_problems,
    need,
)

ROOT = Path(__file__).resolve().parent.parent
HOSTS = ("localhost",)
# htmx's hx-* attributes are not in the HTML spec; STYLE rule 11 uses them, so vnu's
# "Attribute “hx-boost” not allowed" is expected. Everything else is an error.
HTMX_ATTR = re.compile(r"^Attribute “(data-)?hx-[\w:.-]+” not allowed")
VNU_JAR = ROOT / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    """One app with the demo data for the whole module (crawling is read-only)."""
    from community.demo import seed_all

    app = make_app(tmp_path_factory.mktemp("pages"))
    with app.app_context():
        seed_all.run()
    yield app
    close_app(app)


@pytest.fixture(scope="module")
def crawls(site):
    """Crawl results per role, each computed once when first needed."""
    cache: dict[str, CrawlResult] = {}

    def get(role: str) -> CrawlResult:
        if role not in cache:
            cache[role] = crawl_as(site, role)
        return cache[role]
    return get


@pytest.fixture(scope="module")
def css_size(site):
    """gzip size of a stylesheet as served, by URL."""
    client = site.test_client()
    sizes: dict[str, int] = {}

    def get(href: str) -> int:
        if href not in sizes:
            r = client.get(href)
            assert r.status_code == 200, f"stylesheet {href} → {r.status_code}"
            sizes[href] = gzip_size(r.get_data())
        return sizes[href]
    return get


def _describe(page: Page) -> str:
    return f"{page.url}" + (f" (linked from {page.referrer})" if page.referrer else "")


def report(problems: list[str], header: str) -> None:
    """Fail with one readable line per problem (no assertion introspection of page objects)."""
    if problems:
        pytest.fail(f"{header}\n  " + "\n  ".join(problems), pytrace=False)


@pytest.mark.parametrize("role", ROLES)
def test_every_link_leads_to_a_page(crawls, role):
    result = crawls(role)
    assert result.pages, f"{role}: the crawl found no HTML page at all"
    assert any(p.url == "/" for p in result.pages)
    report(result.broken, f"{role}: links that lead to errors:")
    if ROLES[role]:
        assert any(p.url == "/me" for p in result.pages), "logged-in crawl did not reach /me"


@pytest.mark.parametrize("role", ROLES)
def test_every_page_fits_the_first_round_trip(crawls, css_size, role):
    sizes = sorted(((gzip_size(p.html) + sum(css_size(h) for h in p.info.stylesheets), p)
                    for p in crawls(role).pages), key=lambda t: -t[0])
    over = [f"{n:>6} B  {_describe(p)}" for n, p in sizes if n > BUDGET]
    biggest = "\n".join(f"{n:>6} B  {p.url}" for n, p in sizes[:5])
    report(over, f"{role}: pages over {BUDGET} B gzip (HTML + CSS); biggest:\n{biggest}\nover:")


@pytest.mark.parametrize("role", ROLES)
def test_every_page_markup(crawls, role):
    problems = [f"{_describe(p)}: {msg}" for p in crawls(role).pages
                for msg in markup_problems(p, HOSTS)]
    report(problems, f"{role}: markup problems:")


def test_login_error_page_passes_the_same_gates(site, css_size):
    client = site.test_client()
    r = AuthActions(client).login("13800000001", "000000")
    assert r.status_code == 422
    html = r.get_data(as_text=True)
    page = Page("/login (wrong PIN)", 422, html, None, analyse(html))
    assert markup_problems(page, HOSTS) == []
    assert gzip_size(html) + sum(css_size(h) for h in page.info.stylesheets) <= BUDGET
    assert 'aria-invalid="true"' in html


def test_healthz_is_json(site):
    r = site.test_client().get("/healthz")
    assert r.status_code == 200 and r.is_json


def test_database_is_the_one_ci_asked_for(site):
    """With TEST_DATABASE_URL the suite must really run on PostgreSQL, not fall back."""
    with site.app_context():
        dialect = db.engine.dialect.name
    assert dialect == ("postgresql" if PG_URL else "sqlite")
    if PG_URL:
        assert PG_URL.startswith("postgresql")


def vnu_jar() -> Path:
    """Where the vnu-jar npm package keeps vnu.jar (ask the package; fall back to its layout)."""
    node = shutil.which("node")
    if node:
        out = subprocess.run([node, "-p", "require('vnu-jar').toString()"], cwd=ROOT,
                             capture_output=True, text=True, check=False)
        if out.returncode == 0 and out.stdout.strip():
            return Path(out.stdout.strip())
    return VNU_JAR


@pytest.mark.vnu
def test_every_page_is_valid_html(crawls, tmp_path):
    java = shutil.which("java")
    need("java", bool(java), "apt-get install default-jre-headless")
    jar = vnu_jar()
    need(str(jar), jar.exists(), "run `make setup` (npm ci installs vnu-jar)")
    files: dict[str, list[str]] = {}  # file name -> URLs whose HTML it holds
    for role in ROLES:
        for p in crawls(role).pages:
            name = hashlib.sha256(p.html.encode()).hexdigest()[:16] + ".html"
            if name not in files:
                (tmp_path / name).write_text(p.html, encoding="utf-8")
            files.setdefault(name, []).append(f"{role} {p.url}")
    out = subprocess.run([java, "-jar", str(jar), "--errors-only", "--format", "json",
                          "--stdout", *sorted(files)], cwd=tmp_path, capture_output=True,
                         text=True, timeout=300, check=False)
    assert out.stdout.strip(), f"vnu gave no report: {out.stderr}"
    errors = [m for m in json.loads(out.stdout)["messages"]
              if m.get("type") != "info" and not HTMX_ATTR.match(m.get("message", ""))]
    by_file: dict[str, list[str]] = {}
    for m in errors:
        extract = " ".join((m.get("extract") or "").split())[:100]
        by_file.setdefault(m.get("url", "").rsplit("/", 1)[-1], []).append(
            f"    line {m.get('lastLine')}: {m.get('message')}  [{extract}]")
    lines = [", ".join(files.get(name, [name])[:4]) + ":\n" + "\n".join(msgs[:10])
             for name, msgs in by_file.items()]
    report(lines, f"Nu HTML checker: errors on {len(lines)} pages:")


BAD_PAGE = """<!doctype html><html lang="en"><head><title>x</title>
<link rel="stylesheet" href="https://cdn.example.com/x.css"><style>b{background:url(//t.example/p.png)}</style>
</head><body><h1>a</h1><h1>b</h1>
<img src="/ok.png" srcset="/a.png 1x, http://img.example/b.png 2x" alt="">
<form action="http://localhost/fine"><input name="q"><label>名字 <input name="n"></label>
<label for="p">密码</label><input id="p" name="p"><input type="hidden" name="t">
<select name="s" aria-labelledby="p"></select><textarea name="body" aria-label="内容"></textarea>
<label><input type="checkbox" name="ch" value="1" required>甲</label>
<label><input type="checkbox" name="ch" value="2" required>乙</label>
<input type="submit"></form><a href="/x" download hx-boost="false">下载</a>
<a href="/f.atom">订阅</a>
</body></html>"""


def test_the_gates_catch_bad_markup():
    page = Page("/bad", 200, BAD_PAGE, None, analyse(BAD_PAGE))
    problems = markup_problems(page, HOSTS)
    assert problems == [
        '<html lang="en"> instead of lang="zh-CN"',
        "2 <h1> elements instead of exactly one",
        "no label for <input name='q' id=None>",
        'link to a file without hx-boost="false" (htmx would swap it into the page): /f.atom',
        "every checkbox named 'ch' is required (the form cannot be sent with one ticked)",
        "reference to another host: <link href='https://cdn.example.com/x.css'>",
        "reference to another host: <img srcset='http://img.example/b.png'>",
        "reference to another host: <style url()='//t.example/p.png'>",
    ]
    assert page.info.links == [("/x", True), ("/f.atom", False)]


def test_the_crawler_follows_links_once_per_pattern_and_reports_broken_ones():
    site_map = {
        "/": '<a href="/a/1">1</a><a href="/a/2">2</a><a href="/a/3">3</a><a href="/gone">x</a>'
             '<a href="https://other.example/">o</a><a href="/logout">bye</a>'
             '<a href="/f.ics">cal</a><a href="/r">r</a><a href="/?lang=en">en</a>',
        "/a/1": "", "/a/2": "", "/a/3": "", "/b": "",
    }

    def fetch(url):
        if url == "/r":
            return Fetched(url, 303, "", "", "http://localhost/b")
        if url == "/boom":
            return Fetched(url, 500, "text/html", "")
        if url not in site_map:
            return Fetched(url, 404, "text/html", "")
        return Fetched(url, 200, "text/html; charset=utf-8", site_map[url])

    result = crawl(fetch, starts=["/", "/not-yet", "/boom"])
    assert [p.url for p in result.pages] == ["/", "/a/1", "/a/2", "/b"]
    assert result.broken == ["/boom → 500 (linked from start)", "/gone → 404 (linked from /)"]
    assert result.other == [] and not result.truncated
    assert crawl(fetch, starts=["/"], max_pages=2).truncated
