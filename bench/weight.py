"""The weight of every page the crawler reaches (tests/crawl.py), as each demo role sees it:
HTML gzip, the stylesheet gzip, first visit (both) and repeat visit (CSS cached)."""

from dataclasses import dataclass
from pathlib import Path

from community.demo import seed_all
from community.extensions import db
from tests.conftest import make_app
from tests.crawl import BUDGET, ROLES, client_fetcher, crawl, gzip_size, login_client, pattern


@dataclass
class Weight:
    pattern: str
    url: str
    role: str
    html: int
    css: int

    @property
    def first(self) -> int:
        return self.html + self.css

    @property
    def ok(self) -> bool:
        return self.first <= BUDGET


def page_weights(workdir: str) -> tuple[list[Weight], int, list[str]]:
    """Crawl the demo as every role; keep the heaviest page of each route pattern.
    Returns the weights, the deferred htmx script's gzip size, and broken links."""
    app = make_app(Path(workdir) / "weight", SQLITE_SYNCHRONOUS="OFF")
    heaviest: dict[str, Weight] = {}
    broken: list[str] = []
    css_cache: dict[str, int] = {}
    with app.app_context():
        seed_all.run()
        for role in ROLES:
            client = app.test_client()
            login_client(client, role)
            result = crawl(client_fetcher(client))
            broken += [f"{role}: {b}" for b in result.broken]
            for page in result.pages:
                css = sum(_asset(client, href, css_cache) for href in page.info.stylesheets)
                w = Weight(pattern(page.url), page.url, role, gzip_size(page.html), css)
                if w.pattern not in heaviest or w.first > heaviest[w.pattern].first:
                    heaviest[w.pattern] = w
        script = next((s.get("src") for p in result.pages for s in p.info.scripts
                       if "htmx" in s.get("src", "")), None)
        js = _asset(app.test_client(), script, css_cache) if script else 0
        db.session.remove()
        db.engine.dispose()
    return sorted(heaviest.values(), key=lambda w: -w.first), js, broken


def _asset(client, href: str, cache: dict[str, int]) -> int:
    """Bytes on the wire for a static asset as served with Accept-Encoding: gzip."""
    if href not in cache:
        r = client.get(href, headers={"Accept-Encoding": "gzip"})
        cache[href] = len(r.data) if r.status_code == 200 else 0
    return cache[href]
