"""Hostile text, how to post it into every form, and how to tell it was shown safely.

Every payload carries a marker `pwNNn` so it can be found wherever it ends up. HTML payloads
that would make an element give it the id `pwned`, so the browser test can look for it.
"""

import re
import secrets
from dataclasses import dataclass, field, replace
from html.parser import HTMLParser
from urllib.parse import urlsplit

from community.extensions import limiter
from tests.crawl import client_fetcher, crawl
from tests.security.forms import CRAWL_ROLES, Form, discover, fill

# Values for fields a generic fill cannot guess, per form action pattern.
OVERRIDES = {
    "/ballots/new": {"opens_at": "", "closes_at": "{in_20_days}T10:00"},
    "/ballots/N/paper": {"voter": "{elector_code}"},
    "/ballots/N/assembly": {"present": "{elector_code}"},
    "/meetings/new": {"ends": "11:00"},
    "/meetings/N/edit": {"ends": "23:00"},
    "/meetings/N/stakeholders": {"who": ""},
    "/meetings/bodies/N": {"who": ""},
    "/meetings/N/attendance/add": {"who": "{elector_code}"},
    "/meetings/N/checkin": {"code": "{meeting_code}"},
    "/projects/funds/N/movements/new": {"occurred_on": "{today}", "kind": "income",
                                        "project_id": "0"},
    "/projects/N/contributions/new": {"received_on": "{today}", "who": "{elector_code}"},
    "/kiosk/login": {"code": "{elector_code}"},
    "/login": {"login": "13800000001", "pin": "135790"},
    "/evaluations/N/answer": {"confirmed": "1"},
}
# Fields that look a person up (phone or resident code): they get the number payloads, so the
# free text beside them can be stored.
LOOKUPS = {"who", "voter", "login", "code", "present", "threshold"}
# Forms of the upcoming meeting that the store phase moves to the one after it, because it
# starts the upcoming one now (so its minutes, attendance and check-in take text).
LATER = {"/meetings/N/edit", "/meetings/N/items"}

# Free text: markup, scripts, htmx attributes, template syntax, spreadsheet formulas, control
# characters, direction overrides, over-long text.
_TEXT = [
    "<script>alert(1)</script>",
    '"><script>alert(1)</script>',
    "'><script>alert(1)</script>",
    "</textarea><script>alert(1)</script>",
    "</title><script>alert(1)</script>",
    "<img id=pwned src=x onerror=alert(1)>",
    '<img src="x" id="pwned" onerror="alert(1)">',
    "<svg id=pwned onload=alert(1)>",
    "<svg><script>alert(1)</script></svg>",
    "<math><mi xlink:href=javascript:alert(1) id=pwned>x</mi></math>",
    "javascript:alert(1)",
    '<a id=pwned href="javascript:alert(1)">点我</a>',
    '<iframe id=pwned src="javascript:alert(1)"></iframe>',
    "<details id=pwned open ontoggle=alert(1)>",
    "<input id=pwned autofocus onfocus=alert(1)>",
    '" autofocus onfocus="alert(1)" x="',
    "' autofocus onfocus='alert(1)' x='",
    '" hx-get="/logout" hx-trigger="load" x="',
    '<div id=pwned hx-get="/logout" hx-trigger="load">x</div>',
    '<div id=pwned hx-on:htmx:load="alert(1)" hx-on::load="alert(1)">x</div>',
    '<form id=pwned hx-post="/logout" hx-trigger="load"></form>',
    '<meta http-equiv="refresh" content="0;url=javascript:alert(1)">',
    '<base href="//evil.example/">',
    '<link rel="stylesheet" href="//evil.example/x.css">',
    "<style>*{display:none}</style>",
    "<object id=pwned data=javascript:alert(1)></object>",
    "<scr<script>ipt>alert(1)</scr</script>ipt>",
    "&lt;script&gt;alert(1)&lt;/script&gt;",
    "%3Cscript%3Ealert(1)%3C%2Fscript%3E",
    "<!--",
    "]]><script>alert(1)</script><![CDATA[",
    "{{7*7}}",
    "{{ config }}{{ ''.__class__.__mro__[1].__subclasses__() }}",
    "{% for x in 'ab' %}Q{% endfor %}",
    "${7*7} #{7*7} <%= 7*7 %>",
    "' OR '1'='1'; DROP TABLE issue; --",
    '=HYPERLINK("http://evil.example/","点此")',
    "+1+1",
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "\u202eexe.txt 右到左覆盖",
    "\u200b\u200d\ufeff零宽字符",
    "控制字符\x01\x02\x07\x08\x0b\x0c\x1b[31m\x7f",
    "空字节\x00在中间",
    "换行\r\nSet-Cookie: pwn=1\r\n\r\n注入",
    "BEGIN:VEVENT\r\nSUMMARY:注入\r\nEND:VEVENT",
    "👨\u200d👩\u200d👧 e\u0301 𠀀 ﷽",
    "长" * 20000,
    "A" * 5000,
]
# What a number or code field must refuse (or read as a plain number) without an error.
_NUMBERS = ["NaN", "-Infinity", "1e999999", "１２３４", "١٢٣٤", "-1", "0x1F", "1_000"]
_BASE = _TEXT + _NUMBERS
# The marker sits at the start (survives truncation) and, for the long ones, at the end too;
# after a spreadsheet formula, which must stay first to test formula injection.
PAYLOADS = [f"{p} pw{i:02d}n" if p[0] in "=+@" else
            f"pw{i:02d}n{p}" + (f"pw{i:02d}n" if len(p) > 1000 else "")
            for i, p in enumerate(_BASE)]
TEXT_PAYLOADS = PAYLOADS[:len(_TEXT)]
# Numeric fields get the number tricks and a sample of the rest (all of them would only
# repeat the same refusal many times over).
NUMBER_PAYLOADS = [PAYLOADS[i] for i in (0, 1, 5, 15, 17, 31, 33, 41, 42, 43, 46, 47)] + \
    PAYLOADS[len(_TEXT):]
MARKER = re.compile(r"pw\d\dn")


def marker(payload: str) -> str:
    return MARKER.search(payload).group()


def numeric(f) -> bool:
    """A text input for numbers, codes, a person's phone/code, or a few characters (a unit
    such as 斤); the rest is free text."""
    return (f.attrs.get("inputmode") in ("numeric", "decimal", "tel") or f.type == "tel"
            or f.name in LOOKUPS or int(f.attrs.get("maxlength") or 999) < 12)


@dataclass
class Posted:
    form: Form
    payload: str
    fields: list[str]
    status: int
    location: str | None
    error: str | None = None
    codes: bool = False  # the payload went into the number/code fields


@dataclass
class Stored:
    """What the store phase did: every post, and the pages to look at afterwards."""
    posts: list[Posted] = field(default_factory=list)
    pages: set = field(default_factory=set)  # (role, url) that should show stored payloads

    @property
    def errors(self) -> list[Posted]:
        return [p for p in self.posts if p.status >= 500]


def post_everything(site) -> Stored:
    """Post each payload into every text field of every form found on the site.

    One request per form and payload fills all the form's free-text fields with the payload
    (the rest get sensible values); forms with number or code fields get the number payloads
    there in requests of their own. A fresh submit_token each time, so each create makes a
    row."""
    out = Stored()
    forms = discover(site)  # on the data as seeded (it may put the data back)
    start_meeting_now(site)
    for form in forms.values():
        if form.key.split(" ")[0] in LATER:
            form = replace(form, action=re.sub(r"/meetings/\d+/",
                                               f"/meetings/{site.ids['later_meeting_id']}/",
                                               form.action))
        texts = form.text_fields()
        free = [f for f in texts if not numeric(f)]
        codes = [f for f in texts if numeric(f)]
        for group, payloads in ((free, TEXT_PAYLOADS), (codes, NUMBER_PAYLOADS)):
            for payload in payloads if group else ():
                out.posts.append(_post(site, form, group, payload))
                out.posts[-1].codes = group is codes
        if texts:
            out.pages.add((form.role, form.page))
    for p in out.posts:
        if p.location and p.status in (302, 303) and p.location.startswith("/"):
            out.pages.add((p.form.role, p.location))
    return out


def start_meeting_now(site) -> None:
    """Let the demo's upcoming meeting have just ended (minutes and check-in open)."""
    from datetime import timedelta

    from community import clock
    from community.extensions import db
    from community.meetings.models import Meeting

    with site.app.app_context():
        meeting = db.session.get(Meeting, site.ids["meeting_id"])
        meeting.starts_at = clock.now() - timedelta(minutes=70)
        meeting.ends_at = clock.now() - timedelta(minutes=10)
        db.session.commit()


def form_data(site, form: Form, **values) -> dict:
    """The form filled sensibly (with OVERRIDES for this site), a fresh submit_token, and the
    role's CSRF token, then the given values."""
    extra = {k: v.format(**site.ids) for k, v in OVERRIDES.get(form.key.split(" ")[0],
                                                                {}).items()}
    data = fill(form, **extra)
    if "submit_token" in data:
        data["submit_token"] = secrets.token_urlsafe(18)
    data["csrf_token"] = site.tokens[form.role]
    data.update(values)
    return data


def _post(site, form: Form, group, payload: str) -> Posted:
    # A list of options (one per line) needs a second line to be a list at all.
    data = form_data(site, form, **{f.name: payload + ("\n另一个方案" if f.name == "options"
                                                       else "") for f in group})
    names = [f.name for f in group]
    for _attempt in range(2):
        try:
            r = site.client(form.role).post(form.action, data=data)
        except Exception as e:  # noqa: BLE001 - TESTING propagates a view's error: a 500
            return Posted(form, payload, names, 500, None, f"{type(e).__name__}: {e}"[:300])
        r.close()
        if r.status_code != 429:
            break
        limiter.reset()  # a per-route limit (check-in: 30 in 10 minutes), not the payload
    return Posted(form, payload, names, r.status_code, r.headers.get("Location"))


def post_raw_bytes(site) -> list[Posted]:
    """Invalid UTF-8 sent raw (not percent-encoded) and percent-encoded in every text field."""
    out = []
    bad = [b"\xff\xfe\xc0\xaf<script>\xe4\xb8", b"%FF%FE%C0%AF%ED%A0%80%00"]
    for form in discover(site).values():
        texts = form.text_fields()
        if not texts:
            continue
        for raw in bad:
            data = form_data(site, form)
            parts = []
            for k, v in data.items():
                for one in (v if isinstance(v, list) else [v]):
                    value = raw if k in {f.name for f in texts} else _quote(str(one))
                    parts.append(_quote(k) + b"=" + value)
            body = b"&".join(parts)
            try:
                r = site.client(form.role).post(
                    form.action, data=body, content_type="application/x-www-form-urlencoded")
                status, loc, err = r.status_code, r.headers.get("Location"), None
                r.close()
            except Exception as e:  # noqa: BLE001
                status, loc, err = 500, None, f"{type(e).__name__}: {e}"[:300]
            out.append(Posted(form, raw.decode("latin-1"), [f.name for f in texts], status,
                              loc, err))
    return out


def _quote(text: str) -> bytes:
    from urllib.parse import quote_plus
    return quote_plus(text).encode()


class _Scan(HTMLParser):
    """What the browser would make of the page's markup."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.problems: list[str] = []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        where = f"<{tag} {' '.join(f'{k}={v!r}' for k, v in attrs)[:120]}>"
        if a.get("id") == "pwned":
            self.problems.append(f"injected element {where}")
        for k, v in attrs:
            v = v or ""
            if k.startswith("on"):
                self.problems.append(f"event handler attribute {where}")
            if (k.startswith(("hx-", "data-hx-")) and MARKER.search(v)):
                self.problems.append(f"user text in an htmx attribute {where}")
            if k in ("href", "src", "action", "formaction", "data", "xlink:href") and (
                    re.match(r"\s*(javascript|vbscript):", v, re.I) or
                    (re.match(r"\s*data:", v, re.I) and tag not in ("link", "img"))):
                self.problems.append(f"script URL {where}")
        if tag == "script" and not (a.get("src") or "").startswith(("/assets/", "/static/")):
            self.problems.append(f"inline or foreign script {where}")
        if tag in ("iframe", "object", "embed", "base", "style"):
            self.problems.append(f"<{tag}> in a page {where}")
        if tag == "meta" and (a.get("http-equiv") or "").lower() == "refresh" and \
                not re.fullmatch(r"\d+; url=/[\w/]*", a.get("content") or ""):
            self.problems.append(f"meta refresh {where}")
        if tag == "link" and urlsplit(a.get("href") or "").hostname not in (None, "localhost"):
            self.problems.append(f"foreign link {where}")


def page_problems(html: str, payloads=PAYLOADS) -> list[str]:
    """Every way the page shows a payload unsafely (empty when all is well)."""
    scan = _Scan()
    scan.feed(html)
    scan.close()
    problems = list(scan.problems)
    for p in payloads:
        if re.search(r"[<>\"']", p) and p in html:
            problems.append(f"payload {marker(p)} appears unescaped: {p[:60]!r}")
    for m in MARKER.findall(html):
        for evaluated in ("49", "QQ"):
            if m + evaluated in html:
                problems.append(f"template syntax of {m} was evaluated ({m}{evaluated})")
    return sorted(set(problems))


_shown: list = []


def shown_pages(site, stored: Stored) -> list[tuple[str, str, int, str, str]]:
    """The pages that may show stored payloads, [(role, url, status, content type, body)]:
    where each form was, where each post led, a crawl by every role, and the calendar files
    and feeds (which the crawler does not open). Fetched once per test run."""
    if _shown:
        return _shown
    seen: set = set()
    for role, url in sorted(stored.pages):
        _fetch(site, role, url, seen)
    for role in CRAWL_ROLES:
        result = crawl(client_fetcher(site.client(role)), per_pattern=3, max_pages=250)
        for page in result.pages:
            if (role, page.url) not in seen:
                seen.add((role, page.url))
                _shown.append((role, page.url, page.status, "text/html", page.html))
    for role, url in sorted(seen):
        if re.fullmatch(r"/meetings/\d+", url):
            _fetch(site, role, url + ".ics", seen)
        if m := re.fullmatch(r"/board/(\d+)", url):
            _fetch(site, role, f"/board/{m[1]}/feed.atom", seen)
    return _shown


def _fetch(site, role, url, seen):
    if (role, url) in seen:
        return
    seen.add((role, url))
    r = site.client(role).get(url)
    _shown.append((role, url, r.status_code, r.content_type or "", r.get_data(as_text=True)))
    r.close()


_stored_db: dict = {}


def stored_site(site) -> Stored:
    """The site with every payload posted (done once per test run, then copied)."""
    if "saved" in _stored_db:
        site.load(_stored_db["saved"])
        return _stored_db["stored"]
    site.restore()
    stored = post_everything(site)
    _stored_db.update(saved=site.save(), stored=stored)
    return stored
