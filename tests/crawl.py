"""Crawl the site like a user clicking every link, and check what every page must meet.

Shared by tests/test_pages.py (Flask test client) and tests/browser/ (Chromium, axe-core).
The crawl follows same-site `<a href>` links only, so pages that other areas add are found
as soon as something links to them.
"""

import gzip
import os
import re
from collections import deque
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import urldefrag, urljoin, urlsplit

# The demo logins (DESIGN "Demo data"); None is the anonymous visitor.
ROLES = {
    "anonymous": None,
    "resident": "13800000001",
    "volunteer": "13800000002",
    "worker": "13800000003",
    "party_reviewer": "13800000004",
    "supervisor": "13800000005",
}
DEMO_PIN = "135790"

# Pages nothing may link to yet but that must pass the gates when they exist (DESIGN URLs).
# A start URL that answers 404 is simply not there yet; a *link* to a 404 is a bug.
EXTRA_STARTS = ["/", "/login", "/me", "/staff", "/issues", "/issues/new", "/triage",
                "/triage/dispatch", "/meetings", "/ballots", "/ballots/new", "/board",
                "/kiosk", "/volunteer", "/roster/import", "/healthz", "/residents/?q=3单元5"]

SKIP_PREFIXES = ("/logout", "/assets/", "/static/")
NON_HTML_SUFFIXES = (".ics", ".csv", ".xlsx", ".xls", ".xml", ".rss", ".atom", ".json", ".pdf",
                     ".png", ".jpg", ".svg", ".txt", ".zip")
MAX_PAGES = 150
PER_PATTERN = 2
BUDGET = 14_000  # bytes: HTML + CSS gzip, one TCP round trip (DESIGN budgets)
REDIRECTS = (301, 302, 303, 307, 308)
FETCH_ATTRS = ("src", "href", "action", "formaction", "poster", "data", "background",
               "srcset", "imagesrcset", "manifest", "ping", "xlink:href")
NO_LABEL_TYPES = {"hidden", "submit", "button", "reset", "image"}


@dataclass
class Fetched:
    """One response: what the crawler needs from either the test client or a browser."""
    url: str
    status: int
    content_type: str
    text: str
    location: str | None = None
    error: str | None = None  # an exception raised while serving it


@dataclass
class Page:
    """A crawled HTML page and where the crawler first found a link to it."""
    url: str
    status: int
    html: str
    referrer: str | None
    info: "PageInfo"


@dataclass
class CrawlResult:
    pages: list[Page] = field(default_factory=list)
    broken: list[str] = field(default_factory=list)  # "URL → status (linked from REF)"
    other: list[str] = field(default_factory=list)  # non-HTML URLs reached (for the record)
    truncated: bool = False


def pattern(url: str) -> str:
    """Route pattern of a URL: runs of digits become N (/issues/12?page=2 → /issues/N?page=N).

    The login page's `next` is one pattern whatever page it returns to."""
    return re.sub(r"\d+", "N", re.sub(r"([?&]next=)[^&]*", r"\1X", url))


def skip(url: str) -> bool:
    """True for URLs the crawler must not fetch as pages."""
    parts = urlsplit(url)
    path = parts.path
    if path.startswith(SKIP_PREFIXES) or "lang=" in parts.query:
        return True
    return path.lower().endswith(NON_HTML_SUFFIXES) or "/feed" in path


def same_site(url: str, base: str, host: str) -> str | None:
    """The local path+query of an href on this site, or None for other sites and schemes."""
    url = urldefrag(urljoin(base, url.strip())).url
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or parts.netloc != host:
        return None
    return parts.path + (f"?{parts.query}" if parts.query else "")


def crawl(fetch: Callable[[str], Fetched], host: str = "localhost",
          starts: Iterable[str] = EXTRA_STARTS, max_pages: int = MAX_PAGES,
          per_pattern: int = PER_PATTERN) -> CrawlResult:
    """Breadth-first crawl from `starts`, following same-site links.

    At most `per_pattern` pages per route pattern and `max_pages` in all, so the crawl stays
    fast as the app grows. A start URL answering 4xx is ignored (the area does not exist yet,
    or this user may not open it); any 4xx/5xx reached through a link or redirect, and any 5xx
    at all, is reported in `broken`.
    """
    result = CrawlResult()
    base = f"http://{host}"
    queue: deque[tuple[str, str | None]] = deque((s, None) for s in starts)
    seen: set[str] = set()
    per: dict[str, int] = {}
    while queue:
        url, ref = queue.popleft()
        if url in seen or skip(url):
            continue
        key = pattern(url)
        if per.get(key, 0) >= per_pattern:
            continue
        if len(result.pages) >= max_pages:
            result.truncated = True
            break
        seen.add(url)
        per[key] = per.get(key, 0) + 1
        r = fetch(url)
        if r.status in REDIRECTS and r.location:
            target = same_site(r.location, base + url, host)
            if target:
                queue.appendleft((target, ref or url))
            continue
        if r.status >= 400:
            if ref is not None or r.status >= 500:
                why = f": {r.error}" if r.error else ""
                result.broken.append(f"{url} → {r.status} (linked from {ref or 'start'}){why}")
            continue
        if not r.content_type.startswith("text/html"):
            result.other.append(url)
            continue
        info = analyse(r.text)
        result.pages.append(Page(url, r.status, r.text, ref, info))
        for href, download in info.links:
            target = same_site(href, base + url, host)
            if target and not download and target not in seen:
                queue.append((target, url))
    return result


class PageInfo(HTMLParser):
    """What the gates need from one HTML page, read with the standard library parser."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.lang: str | None = None
        self.h1 = 0
        self.links: list[tuple[str, bool]] = []
        self.boosted_files: list[str] = []  # file links htmx would swap into the page
        self.stylesheets: list[str] = []
        self.scripts: list[dict] = []
        self.refs: list[tuple[str, str, str]] = []  # (tag, attribute, value)
        self.controls: list[dict] = []
        self.label_for: set[str] = set()
        self.ids: set[str] = set()
        self._labels_open = 0
        self._style = False
        self.styles: list[str] = []

    def handle_starttag(self, tag, attrs):
        a = {k: (v or "") for k, v in attrs}
        if "id" in a:
            self.ids.add(a["id"])
        for k in FETCH_ATTRS:
            if k in a:
                self.refs.append((tag, k, a[k]))
        if "style" in a:
            self.styles.append(a["style"])
        if tag == "html":
            self.lang = a.get("lang")
        elif tag == "h1":
            self.h1 += 1
        elif tag == "a" and "href" in a:
            self.links.append((a["href"], "download" in a))
            path = urlsplit(a["href"]).path.lower()
            if (("download" in a or path.endswith(NON_HTML_SUFFIXES))
                    and a.get("hx-boost") != "false"):
                self.boosted_files.append(a["href"])
        elif tag == "link" and "stylesheet" in a.get("rel", "").lower().split():
            self.stylesheets.append(a.get("href", ""))
        elif tag == "script":
            self.scripts.append(a)
        elif tag == "style":
            self._style = True
        elif tag == "label":
            self._labels_open += 1
            if a.get("for"):
                self.label_for.add(a["for"])
        elif tag in ("input", "select", "textarea"):
            kind = a.get("type", "text").lower() if tag == "input" else tag
            if kind not in NO_LABEL_TYPES:
                self.controls.append({**a, "_tag": tag, "_wrapped": self._labels_open > 0})

    def handle_endtag(self, tag):
        if tag == "label" and self._labels_open:
            self._labels_open -= 1
        elif tag == "style":
            self._style = False

    def handle_data(self, data):
        if self._style:
            self.styles.append(data)

    def required_groups(self) -> list[str]:
        """Checkbox groups whose boxes are each `required`: a browser then refuses the form
        unless every box is ticked (the fault that kept /ballots/new from opening a ballot)."""
        names: dict[str, int] = {}
        for c in self.controls:
            if c.get("type", "").lower() == "checkbox":
                names[c.get("name")] = names.get(c.get("name"), 0) + 1
        return sorted({c.get("name") for c in self.controls
                       if c.get("type", "").lower() == "checkbox" and "required" in c
                       and names[c.get("name")] > 1})

    def unlabelled(self) -> list[str]:
        """Form fields (not hidden or buttons) without a label or an accessible name."""
        bad = []
        for c in self.controls:
            named = (c["_wrapped"] or c.get("id") in self.label_for or c.get("aria-label")
                     or any(i in self.ids for i in c.get("aria-labelledby", "").split()))
            if not named:
                bad.append(f"<{c['_tag']} name={c.get('name')!r} id={c.get('id')!r}>")
        return bad

    def foreign_refs(self, hosts: Iterable[str]) -> list[str]:
        """References that would make the browser talk to another host."""
        ours = set(hosts)
        bad = []
        values = []
        for tag, attr, value in self.refs:
            if attr in ("srcset", "imagesrcset"):
                values += [(tag, attr, v.strip().split(" ")[0]) for v in value.split(",")]
            else:
                values.append((tag, attr, value))
        for text in self.styles:
            values += [("style", "url()", v) for v in
                       re.findall(r"url\(\s*['\"]?([^'\")]+)", text)]
            values += [("style", "@import", v) for v in
                       re.findall(r"@import\s+['\"]([^'\"]+)", text)]
        for tag, attr, v in values:
            v = v.strip()
            host = None
            if v.startswith("//"):
                host = urlsplit("http:" + v).hostname
            elif re.match(r"(?i)(https?|wss?|ftp):", v):
                host = urlsplit(v).hostname
            if v.startswith("//") or (host is not None and host not in ours):
                bad.append(f"<{tag} {attr}={v!r}>")
        return bad


def analyse(html: str) -> PageInfo:
    info = PageInfo()
    info.feed(html)
    info.close()
    return info


def gzip_size(data: str | bytes) -> int:
    """Bytes on the wire after gzip level 6 (what hooks._compress sends)."""
    if isinstance(data, str):
        data = data.encode()
    return len(gzip.compress(data, compresslevel=6, mtime=0))


def markup_problems(page: Page, hosts: Iterable[str]) -> list[str]:
    """Everything wrong with a page's markup, in words (empty when it passes)."""
    info = page.info
    out = []
    if info.lang != "zh-CN":
        out.append(f'<html lang="{info.lang}"> instead of lang="zh-CN"')
    if info.h1 != 1:
        out.append(f"{info.h1} <h1> elements instead of exactly one")
    out += [f"no label for {c}" for c in info.unlabelled()]
    out += [f'link to a file without hx-boost="false" (htmx would swap it into the page): {h}'
            for h in info.boosted_files]
    out += [f"every checkbox named {n!r} is required (the form cannot be sent with one ticked)"
            for n in info.required_groups()]
    out += [f"reference to another host: {r}" for r in info.foreign_refs(hosts)]
    return out


def client_fetcher(client) -> Callable[[str], Fetched]:
    """A fetch function over a Flask test client (no redirects followed, body uncompressed)."""
    def fetch(url: str) -> Fetched:
        try:
            r = client.get(url)
        except Exception as e:  # TESTING propagates view errors; report them as a 500
            return Fetched(url, 500, "", "", error=f"{type(e).__name__}: {e}")
        return Fetched(url, r.status_code, r.content_type or "", r.get_data(as_text=True),
                       r.headers.get("Location"))
    return fetch


def login_client(client, role: str) -> None:
    """Log a test client in as one of the demo roles (nothing to do for anonymous)."""
    from tests.conftest import AuthActions
    phone = ROLES[role]
    if phone:
        r = AuthActions(client).login(phone, DEMO_PIN)
        assert r.status_code == 303, f"demo login {role} ({phone}) failed: {r.status_code}"


def crawl_as(app, role: str, **kw) -> CrawlResult:
    """Crawl the app through its test client as a demo role."""
    client = app.test_client()
    login_client(client, role)
    return crawl(client_fetcher(client), **kw)


def need(what: str, ok: bool, how: str) -> None:
    """Skip when a tool a test needs is missing, saying how to get it; under CI=true, fail."""
    if ok:
        return
    import pytest

    message = f"{what} is missing: {how}"
    if os.environ.get("CI") == "true":
        pytest.fail(message)
    pytest.skip(message)
