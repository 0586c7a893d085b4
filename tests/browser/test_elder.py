"""长辈模式 in Chromium: text and target sizes at 240×320 and 360×640, AAA contrast on the
kiosk and volunteer pages in both modes, the 朗读 button, Tab order and the focus ring.

(Accesskeys are checked in tests/test_elder.py: Chromium ignores synthetic Alt+digit presses.)"""

import re

import pytest

from tests.browser.conftest import log_in

pytestmark = pytest.mark.browser

AXE_OPTIONS = {
    "runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa",
                                          "wcag22aa", "best-practice"]},
    "rules": {"color-contrast-enhanced": {"enabled": True}},  # 7:1
    "resultTypes": ["violations"],
}
RUN_AXE = """async (options) => {
  const r = await axe.run(document, options);
  const ran = [...r.violations, ...r.passes, ...r.incomplete, ...r.inapplicable].map(x => x.id);
  return {ran, violations: r.violations.map(v => `${v.id}: ${v.help} — `
          + v.nodes.slice(0, 3).map(n => n.html.slice(0, 100)).join(' | '))};
}"""

# Every element with its own text must be 22 px or more; buttons, menu links, link buttons and
# form fields at least 60×60 (radio and check boxes: their label); body line height ≥ 1.5.
ELDER_MEASURE = """() => {
  const body = getComputedStyle(document.body);
  const out = {font: parseFloat(body.fontSize), line: parseFloat(body.lineHeight)
               / parseFloat(body.fontSize), wide: document.documentElement.scrollWidth
               > window.innerWidth, smallText: [], smallTargets: []};
  const seen = new Set();
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let n = walker.nextNode(); n; n = walker.nextNode()) {
    const el = n.parentElement;
    if (!n.data.trim() || seen.has(el) || el.closest('.skip')) continue;
    seen.add(el);
    const r = el.getBoundingClientRect(), size = parseFloat(getComputedStyle(el).fontSize);
    if (r.width && r.height && size < 21.5) out.smallText.push(`${el.tagName} "${n.data.trim()
      .slice(0, 12)}" ${size}px`);
  }
  const sel = 'button, nav a, a.button, input, select, textarea, header a';
  for (const el of document.querySelectorAll(sel)) {
    if (el.type === 'hidden' || el.closest('.skip')) continue;
    const box = (el.type === 'radio' || el.type === 'checkbox') ? el.closest('label') || el : el;
    const r = box.getBoundingClientRect();
    if (!r.width && !r.height) continue;
    if (r.width < 59.5 || r.height < 59.5) out.smallTargets.push(`${el.tagName} "${(
      el.textContent || el.name || '').trim().slice(0, 12)}" ${Math.round(r.width)}x${Math.round(
      r.height)}`);
  }
  return out;
}"""


def elder_on(page, base_url):
    """Press the 长辈模式 switch like a user (a plain POST form; works with JS on or off)."""
    page.goto(f"{base_url}/")
    page.locator("form[action='/elder'] button").click()
    page.locator("body.elder").wait_for()


def pages_for(page, base_url, role):
    """A few pages of each kind this role reaches, found by following links."""
    urls = {"anonymous": ["/", "/login", "/kiosk"],
            "resident": ["/", "/me", "/issues/new", "/ballots"],
            "volunteer": ["/volunteer"]}[role]
    if role == "resident":
        page.goto(f"{base_url}/ballots")
        urls += [h for h in page.eval_on_selector_all(
            "main a[href^='/ballots/']", "els => els.map(e => e.getAttribute('href'))")
                 if re.fullmatch(r"/ballots/\d+", h)][:1]
    if role == "volunteer":
        page.goto(f"{base_url}/volunteer")
        building = page.locator("main .list a").first.get_attribute("href")
        page.goto(base_url + building)
        urls += [building, page.locator("main .walk a").first.get_attribute("href")]
    return urls


@pytest.mark.parametrize(("width", "height"), [(240, 320), (360, 640)])
@pytest.mark.parametrize(("role", "phone"), [("anonymous", None), ("resident", "13800000001"),
                                             ("volunteer", "13800000002")])
def test_elder_mode_text_and_targets(page_factory, base_url, width, height, role, phone):
    page = page_factory(js=False, width=width, height=height)
    if phone:
        log_in(page, base_url, phone)
    elder_on(page, base_url)
    problems = []
    for url in pages_for(page, base_url, role):
        response = page.goto(base_url + url)
        if response.status == 404:
            continue  # that area is not there yet
        assert response.status == 200, url
        m = page.evaluate(ELDER_MEASURE)
        if not 22 <= m["font"] <= 30:
            problems.append(f"{url}: body text {m['font']} px")
        if m["line"] < 1.5:
            problems.append(f"{url}: line height {m['line']:.2f}")
        if m["wide"]:
            problems.append(f"{url}: scrolls sideways at {width} px")
        problems += [f"{url}: text {t}" for t in m["smallText"]]
        problems += [f"{url}: target {t}" for t in m["smallTargets"]]
    assert not problems, f"{role} at {width}×{height}:\n" + "\n".join(problems)


def _register_kiosk(page, base_url):
    log_in(page, base_url, "13800000003")
    page.goto(f"{base_url}/kiosk/register")
    page.fill("#name", "长辈模式测试终端")
    page.locator("main form button[type=submit]").click()
    page.wait_for_url(f"{base_url}/kiosk")


def _axe(page, axe_js, url_label):
    page.add_script_tag(path=str(axe_js))
    result = page.evaluate(RUN_AXE, AXE_OPTIONS)
    assert "color-contrast-enhanced" in result["ran"]
    return [f"{url_label}: {v}" for v in result["violations"]]


@pytest.mark.parametrize("elder", [False, True], ids=["standard", "elder"])
def test_my_pages_pass_axe_with_aaa_contrast(page_factory, base_url, axe_js, elder):
    failures = []
    worker = page_factory(js=True, width=360, height=640, bypass_csp=True)
    if elder:
        elder_on(worker, base_url)
    log_in(worker, base_url, "13800000003")
    for url in ("/volunteer", "/volunteer/assign", "/kiosk/register", "/kiosk/devices"):
        worker.goto(base_url + url)
        failures += _axe(worker, axe_js, url)
    vol = page_factory(js=True, width=360, height=640, bypass_csp=True)
    if elder:
        elder_on(vol, base_url)
    log_in(vol, base_url, "13800000002")
    for url in pages_for(vol, base_url, "volunteer"):
        vol.goto(base_url + url)
        failures += _axe(vol, axe_js, url)
    kiosk = page_factory(js=True, width=1080, height=1920, bypass_csp=True)
    if elder:
        elder_on(kiosk, base_url)
    _register_kiosk(kiosk, base_url)
    for url in ("/kiosk", "/kiosk/checkin", "/kiosk/login"):
        kiosk.goto(base_url + url)
        failures += _axe(kiosk, axe_js, url)
    kiosk.locator("#code").fill("20000001")
    kiosk.locator("button[value=ok]").click()
    kiosk.locator("#pin").wait_for()
    failures += _axe(kiosk, axe_js, "/kiosk/login (PIN)")
    assert not failures, "\n".join(failures)


def test_volunteer_relogin_keeps_the_note_in_the_browser(page_factory, base_url, axe_js):
    page = page_factory(js=True, width=360, height=640, bypass_csp=True)
    log_in(page, base_url, "13800000002")
    pages = pages_for(page, base_url, "volunteer")
    page.goto(base_url + pages[-1])
    page.check("input[name=state][value=revisit]")
    page.fill("#note", "门口的灯坏了，晚上看不见台阶。")
    page.context.clear_cookies(name="ysting")  # the session is gone (idle, new SIM, restart)
    page.locator("main form button[type=submit]").click()
    page.locator("h1", has_text="请重新登录").wait_for()
    assert "门口的灯坏了" in page.locator("main").inner_text()
    assert not _axe(page, axe_js, "relogin")
    page.fill("#login", "13800000002")
    page.fill("#pin", "135790")
    page.locator("main form button[type=submit]").click()
    page.locator("h1", has_text="住户名单").wait_for()
    assert "已记下这次走访" in page.locator("main").inner_text()


READ_ALOUD_STUB = """
window.__spoken = [];
Object.defineProperty(window, 'speechSynthesis', {configurable: true, value: {
  speaking: false,
  speak(u) { window.__spoken.push({lang: u.lang, text: u.text}); this.speaking = true; },
  cancel() { this.speaking = false; }}});
"""


def test_read_aloud_button_speaks_main_in_chinese(page_factory, base_url):
    page = page_factory(js=True, width=360, height=640)
    page.add_init_script(READ_ALOUD_STUB)
    elder_on(page, base_url)
    page.goto(f"{base_url}/login")
    button = page.locator("main button.read-aloud")
    assert button.inner_text() == "朗读"
    button.click()
    spoken = page.evaluate("window.__spoken")
    assert spoken[0]["lang"] == "zh-CN" and "手机号或居民码" in spoken[0]["text"]
    assert "朗读" not in spoken[0]["text"] and "主菜单" not in spoken[0]["text"]
    assert button.inner_text() == "停止朗读"
    button.click()
    assert button.inner_text() == "朗读"
    # hx-boost swaps the body: the button comes back on the next page.
    page.get_by_role("navigation").get_by_role("link", name="首页").click()
    page.locator("h1", has_text="欢迎").wait_for()
    # The swap shows the page at once; the button is added when htmx settles (20 ms later).
    page.locator("main button.read-aloud").wait_for()
    assert page.locator("main button.read-aloud").count() == 1


def test_read_aloud_is_absent_without_javascript_and_in_standard_mode(page_factory, base_url):
    page = page_factory(js=False)
    elder_on(page, base_url)
    assert page.locator("button.read-aloud").count() == 0
    page = page_factory(js=True)
    page.goto(f"{base_url}/login")
    assert page.locator("button.read-aloud").count() == 0


TAB_STOP = """() => {
  const el = document.activeElement, cs = getComputedStyle(el);
  return {tag: el.tagName, id: el.id, name: el.name || '', text: (el.textContent || '').trim()
          .slice(0, 10), ring: cs.outlineStyle !== 'none' && parseFloat(cs.outlineWidth) >= 3,
          index: [...document.querySelectorAll('*')].indexOf(el)};
}"""


def tab_through(page, stops=40):
    """Press Tab until focus leaves the page or comes back round; return each stop."""
    seen = []
    for _ in range(stops):
        page.keyboard.press("Tab")
        stop = page.evaluate(TAB_STOP)
        if stop["tag"] == "BODY" or (seen and stop["index"] == seen[0]["index"]):
            break
        seen.append(stop)
    return seen


@pytest.mark.parametrize("elder", [False, True], ids=["standard", "elder"])
def test_tab_order_on_login_and_vote_pages(page_factory, base_url, elder):
    page = page_factory(js=False, width=240, height=320)
    if elder:
        elder_on(page, base_url)
    page.goto(f"{base_url}/login")
    stops = tab_through(page)
    assert [s["index"] for s in stops] == sorted(s["index"] for s in stops)  # document order
    assert all(s["ring"] for s in stops), [s for s in stops if not s["ring"]]
    ids = [s["id"] for s in stops]
    assert ids.index("login") < ids.index("pin")
    assert stops[ids.index("pin") + 1]["text"] == "登录"
    assert stops[0]["text"] == "跳到正文"
    log_in(page, base_url, "13800000001")
    page.goto(f"{base_url}/ballots")
    votes = [h for h in page.eval_on_selector_all(
        "main a[href^='/ballots/']", "els => els.map(e => e.getAttribute('href'))")
             if re.fullmatch(r"/ballots/\d+", h)]
    assert votes, "the demo resident has a ballot page"
    page.goto(base_url + votes[0])
    stops = tab_through(page)
    assert [s["index"] for s in stops] == sorted(s["index"] for s in stops)
    assert all(s["ring"] for s in stops)
    names = [s["name"] for s in stops]
    if "option" in names:  # an open ballot this resident may still vote in
        assert stops[names.index("option") + 1]["text"] == "下一步"
