"""htmx comes from our own host, deferred; nothing is fetched from anywhere else."""

from urllib.parse import urlsplit

import pytest

from tests.browser.conftest import log_in

pytestmark = pytest.mark.browser


def test_htmx_is_ours_and_deferred(page_factory, base_url, live_server):
    page = page_factory(js=True)
    responses = []
    page.on("response", lambda r: responses.append((r.url, r.status)))
    page.goto(f"{base_url}/")
    log_in(page, base_url, "13800000001")
    scripts = page.eval_on_selector_all(
        "script", "els => els.map(e => [e.src, e.defer, e.async, e.type])")
    htmx = [s for s in scripts if "htmx" in s[0]]
    assert len(htmx) == 1, scripts
    src, defer, is_async, _type = htmx[0]
    assert urlsplit(src).netloc == live_server.host and src.endswith(".js")
    assert defer and not is_async
    assert page.evaluate("typeof window.htmx") == "object"
    assert (src, 200) in responses
    hosts = {urlsplit(u).netloc for u, _ in responses}
    assert hosts == {live_server.host}, hosts


def test_requests_to_other_hosts_fail_and_are_recorded(page_factory, base_url):
    page = page_factory(js=False, bypass_csp=True)  # past our CSP, to reach the network
    page.goto(f"{base_url}/login")
    with page.expect_event("requestfailed") as failed:
        page.set_content('<img src="http://example.com/x.png" alt="">')
    assert failed.value.url == "http://example.com/x.png"
    assert page_factory.blocked == ["http://example.com/x.png"]
    page_factory.blocked.clear()
