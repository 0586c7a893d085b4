"""axe-core on every page the crawler finds, as the visitor and as each demo login.

Each role logs in through the real form in one browser context and visits its pages at
320×568 (one page per route pattern; a page whose <main> has the same markup skeleton as one an
earlier role checked at that route is skipped); the same visit also checks sideways scrolling,
text size and touch targets.

axe.min.js goes in as the context's init script rather than page.add_script_tag per page: the
same file and the same run, but without shipping 550 KB over the DevTools pipe for every page
(measured: about 40 % less time per page). bypass_csp stays on for these contexts only.
"""

import hashlib
import re
from html.parser import HTMLParser

import pytest

from tests.browser.conftest import layout_problems, log_in
from tests.crawl import ROLES, crawl_as, pattern

pytestmark = pytest.mark.browser

AXE_OPTIONS = {
    "runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa",
                                          "wcag22aa", "best-practice"]},
    "rules": {"color-contrast-enhanced": {"enabled": True}},  # 7:1 (DESIGN budgets)
    "resultTypes": ["violations"],
}
RUN_AXE = """async (options) => {
  const r = await axe.run(document, options);
  const ran = [...r.violations, ...r.passes, ...r.incomplete, ...r.inapplicable].map(x => x.id);
  return {ran, violations: r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
          nodes: v.nodes.slice(0, 5).map(n => n.target.join(' ') + '  ' + n.html.slice(0, 120)
                                                + '  ' + (n.failureSummary || '').slice(0, 200))
          }))};
}"""


# (route pattern, skeleton of <main>) already checked by an earlier role: the same elements
# with the same classes give the same findings, so roles that share pages pay for them once.
_checked: set[tuple[str, str]] = set()


class _Skeleton(HTMLParser):
    """Tags with their attribute names, class, type and role; no text, no values."""

    def __init__(self):
        super().__init__()
        self.parts: list[str] = []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        self.parts.append(f"{tag}|{' '.join(sorted(a))}|{a.get('class')}|{a.get('type')}|"
                          f"{a.get('role')}")

    def handle_endtag(self, tag):
        self.parts.append("/" + tag)


def _key(url: str, html: str) -> tuple[str, str]:
    m = re.search(r"<main\b.*?</main>", html, re.S)
    sk = _Skeleton()
    sk.feed(m.group(0) if m else html)
    return pattern(url), hashlib.sha256("\n".join(sk.parts).encode()).hexdigest()


@pytest.mark.parametrize("role", ROLES)
def test_every_page_passes_axe_and_layout(page_factory, base_url, live_server, axe_js, role):
    found = crawl_as(live_server.app, role, per_pattern=1).pages
    assert found, f"{role}: the crawl found nothing"
    pages = [p for p in found if _key(p.url, p.html) not in _checked]
    page = page_factory(js=True, width=320, height=568, bypass_csp=True)
    page.context.add_init_script(path=str(axe_js))
    if ROLES[role]:
        log_in(page, base_url, ROLES[role])
    failures = []
    for p in pages:
        response = page.goto(base_url + p.url)
        if response is None or response.status != 200:
            failures.append(f"{p.url}: status {response and response.status} in the browser")
            continue
        result = page.evaluate(RUN_AXE, AXE_OPTIONS)
        assert "color-contrast-enhanced" in result["ran"], "axe did not check 7:1 contrast"
        for v in result["violations"]:
            nodes = "\n      ".join(v["nodes"])
            failures.append(f"{p.url}: axe {v['id']} ({v['impact']}): {v['help']}\n      {nodes}")
        failures += [f"{p.url}: {msg}" for msg in layout_problems(page)]
        _checked.add(_key(p.url, p.html))
    if failures:
        pytest.fail(f"{role}, {len(pages)} pages checked:\n  " + "\n  ".join(failures),
                    pytrace=False)
