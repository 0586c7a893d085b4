"""The kiosk at 1080×1920: a worker registers the screen; a resident logs in on the keypad,
votes and sees the receipt, which goes at the next touch or after 15 s; after the idle time
nothing of that resident is on the screen. JavaScript on and off.

Before the fixes the receipt stayed on the screen (and came back on reload) for whoever
touched the kiosk next, and a screen registered from a browser with JavaScript on kept the
htmx page it was registered from: the kiosk's script (idle countdown, local keypad) never
ran until someone reloaded it."""

import time

import pytest

from tests.browser.test_kiosk_browser import idle_seconds
from tests.journeys.conftest import follow, heading, in_db, main_text, press, settled
from tests.journeys.test_resident import neighbour
from tests.journeys.test_worker_ballots import open_ballot

pytestmark = pytest.mark.browser
PIN = "135790"


def keypad(page, digits, js):
    """Press the on-screen keys: without JavaScript each key is a round trip."""
    for d in digits:
        key = page.locator(".keypad").get_by_role("button", name=d, exact=True)
        key.click() if js else settled(page, key.click)


def code_of(live_server, phone):
    return in_db(live_server, "SELECT code FROM resident WHERE phone = :p", p=phone)


@pytest.mark.parametrize("js", [False, True], ids=["js-off", "js-on"])
def test_kiosk_vote_leaves_nothing_for_the_next_person(open_as, live_server, js):
    tag = "JS" if js else "无JS"
    title = f"旅程：自助终端投票（{tag}）"
    worker = open_as("worker", size="staff")
    open_ballot(worker, title)
    assert "投票已发起" in main_text(worker)

    screen = open_as("worker", js=js, size="kiosk")
    follow(screen, "管理")
    follow(screen, "自助终端", where="main")
    follow(screen, "登记本设备", where="main")
    screen.get_by_label("终端名称", exact=False).fill(f"党群服务中心一楼（{tag}）")
    press(screen, "登记本设备")
    assert "本设备已登记为自助终端" in main_text(screen), main_text(screen)

    phone = neighbour(live_server, skip=3)
    follow(screen, "登录", where="main")
    keypad(screen, code_of(live_server, phone), js)
    press(screen, "下一步")
    keypad(screen, PIN, js)
    press(screen, "登录")
    assert "您好" in heading(screen), main_text(screen)
    follow(screen, "投票", where="main")
    follow(screen, title, where="main")
    screen.locator("main").get_by_label("同意", exact=True).check()
    press(screen, "下一步")
    press(screen, "确认投票")
    assert heading(screen) == "您的投票已记录"
    receipt = screen.locator("#receipt").inner_text()
    if js:
        screen.mouse.click(5, 5)  # the next touch anywhere
        assert screen.locator("#receipt").count() == 0
    else:
        time.sleep(16)  # the page reloads itself after 15 s, without the code
        screen.locator("main:has-text('您已投过票')").wait_for()
    assert receipt not in screen.content()
    screen.reload()
    assert receipt not in screen.content()

    with idle_seconds(live_server, 3):
        screen.reload()
        screen.locator("h1", has_text="自助终端").wait_for(timeout=20_000)
    assert "您好" not in screen.content() and receipt not in screen.content()
    screen.go_back()
    assert receipt not in screen.content()
