"""The kiosk in Chromium at 1080×1920: keypad login with and without JavaScript, the idle
countdown with 继续使用, automatic logout, and nothing left for the next person."""

import contextlib
import time

import pytest

from tests.browser.conftest import log_in

pytestmark = pytest.mark.browser
PIN = "135790"


@contextlib.contextmanager
def idle_seconds(live_server, seconds):
    """Shorten the kiosk's idle limit for one test (the live server is shared)."""
    old = live_server.app.config["KIOSK_IDLE_SECONDS"]
    live_server.app.config["KIOSK_IDLE_SECONDS"] = seconds
    try:
        yield
    finally:
        live_server.app.config["KIOSK_IDLE_SECONDS"] = old


def make_kiosk(page_factory, base_url, js):
    """A fresh browser that a worker registers as a kiosk (the worker is logged out)."""
    page = page_factory(js=js, width=1080, height=1920)
    log_in(page, base_url, "13800000003")
    page.goto(f"{base_url}/kiosk/register")
    page.fill("#name", "浏览器测试终端")
    page.locator("main form button[type=submit]").click()
    page.wait_for_url(f"{base_url}/kiosk")
    assert "本设备已登记为自助终端" in page.locator("main").inner_text()
    return page


def keypad(page, digits):
    for d in digits:
        page.locator(f".keypad button[value='{d}']").click()


def test_keypad_login_without_javascript_never_shows_the_pin(page_factory, base_url):
    page = make_kiosk(page_factory, base_url, js=False)
    page.locator("main a", has_text="登录").click()
    keypad(page, "2000000")
    keypad(page, "9")
    page.locator(".keypad button[value=del]").click()
    keypad(page, "1")
    assert page.locator("#code").input_value() == "20000001"
    page.locator("button[value=ok]").click()
    keypad(page, PIN[:3])
    assert "●●●○○○" in page.locator("main").inner_text()
    keypad(page, PIN[3:])
    assert PIN not in page.content()
    page.locator("button[value=ok]").click()
    page.locator("h1", has_text="张秀英，您好").wait_for()
    page.locator("main a.tile", has_text="投票").click()
    page.wait_for_url(f"{base_url}/ballots")
    page.locator("header button", has_text="退出").click()
    page.locator("h1", has_text="自助终端").wait_for()
    page.go_back()  # the next person presses Back: the page is asked for again, not cached
    assert "张秀英" not in page.content()


def test_meta_refresh_logs_out_without_javascript(page_factory, base_url, live_server):
    page = make_kiosk(page_factory, base_url, js=False)
    with idle_seconds(live_server, 2):
        page.goto(f"{base_url}/kiosk/login")
        page.fill("#code", "20000001")
        page.locator("button[value=ok]").click()
        page.fill("#pin", PIN)
        page.locator("button[value=ok]").click()
        page.locator("h1", has_text="张秀英，您好").wait_for()
        page.goto(f"{base_url}/me")
        page.wait_for_url(f"{base_url}/kiosk", timeout=10_000)  # the meta refresh fired
        page.locator("main a", has_text="登录").wait_for()
        assert "张秀英" not in page.content()
        page.goto(f"{base_url}/me")
        assert "/kiosk/login" in page.url


def test_countdown_continue_and_automatic_logout_with_javascript(page_factory, base_url,
                                                                  live_server):
    page = make_kiosk(page_factory, base_url, js=True)
    with idle_seconds(live_server, 16):
        page.goto(f"{base_url}/kiosk/login")
        requests = []
        page.on("request", lambda r: requests.append(r.url))
        keypad(page, "20000001")  # typed locally by kiosk.js: no round trip per key
        assert page.locator("#code").input_value() == "20000001" and not requests
        page.locator("button[value=ok]").click()
        page.locator("#pin").wait_for()
        keypad(page, PIN)
        page.locator("button[value=ok]").click()
        page.locator("h1", has_text="张秀英，您好").wait_for()
        bar = page.locator(".idle")
        bar.wait_for()  # under 20 s left: the countdown shows
        assert "秒自动退出" in bar.inner_text()
        time.sleep(3)
        bar.get_by_role("button", name="继续使用").click()
        # More than 16 s after the page loaded, fewer after the touch (wide margins: CI may
        # be slow to click).
        time.sleep(14)
        assert page.locator("h1", has_text="张秀英，您好").count() == 1
        page.locator("h1", has_text="自助终端").wait_for(timeout=20_000)
        assert "您已退出" in page.locator("main").inner_text()
        page.goto(f"{base_url}/me")
        assert "/kiosk/login" in page.url and "张秀英" not in page.content()
