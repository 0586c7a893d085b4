"""Find the site's POST forms by crawling it as each role, and fill them in sensibly."""

import re
from dataclasses import dataclass, field
from datetime import date, timedelta
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

from tests.crawl import client_fetcher, crawl, pattern
from tests.security.routes import pristine_gets
from tests.security.site import ROLES

# Roles whose crawl finds forms (the strangers see only what residents see).
CRAWL_ROLES = tuple(r for r in ROLES if not r.startswith("other_"))
FREE_TEXT = {"text", "search", "url", "email", "tel", "number", "date", "datetime-local",
             "time", "month", "week", "password"}
SUBMIT = {"submit", "image"}


@dataclass
class Field:
    name: str
    tag: str  # input, textarea, select
    type: str  # input type, or "textarea" / "select"
    value: str = ""
    attrs: dict = field(default_factory=dict)
    options: list = field(default_factory=list)  # select: [(value, selected)]

    @property
    def is_text(self) -> bool:
        """A field a person types free text into (where hostile text can go)."""
        if self.tag == "textarea":
            return True
        return self.tag == "input" and self.type in ("text", "search", "url", "email", "tel")


@dataclass
class Form:
    action: str  # path + query
    page: str  # where it was found
    role: str  # who found it
    fields: list[Field] = field(default_factory=list)
    buttons: list[tuple[str, str]] = field(default_factory=list)  # named submit buttons
    enctype: str = ""

    @property
    def key(self) -> str:
        names = ",".join(sorted({f.name for f in self.fields if f.type != "hidden"}))
        return f"{pattern(urlsplit(self.action).path)} [{names}]"

    def text_fields(self) -> list[Field]:
        return [f for f in self.fields if f.is_text]


class _FormParser(HTMLParser):
    def __init__(self, page: str, role: str):
        super().__init__(convert_charrefs=True)
        self.page, self.role = page, role
        self.forms: list[Form] = []
        self._form: Form | None = None
        self._select: Field | None = None
        self._textarea: Field | None = None
        self._option: tuple[str | None, bool] | None = None
        self._text = ""

    def handle_starttag(self, tag, attrs):
        a = {k: (v or "") for k, v in attrs}
        if tag == "form":
            if a.get("method", "get").lower() == "post":
                action = urljoin("http://localhost" + self.page, a.get("action") or self.page)
                parts = urlsplit(action)
                self._form = Form(parts.path + (f"?{parts.query}" if parts.query else ""),
                                  self.page, self.role, enctype=a.get("enctype", ""))
            return
        f = self._form
        if f is None:
            return
        if tag == "input" and a.get("name"):
            kind = a.get("type", "text").lower()
            if kind in SUBMIT:
                f.buttons.append((a["name"], a.get("value", "")))
            else:
                f.fields.append(Field(a["name"], "input", kind, a.get("value", ""), a))
        elif tag == "button" and a.get("name") and a.get("type", "submit") == "submit":
            f.buttons.append((a["name"], a.get("value", "")))
        elif tag == "textarea" and a.get("name"):
            self._textarea = Field(a["name"], "textarea", "textarea", "", a)
            self._text = ""
        elif tag == "select" and a.get("name"):
            self._select = Field(a["name"], "select", "select", "", a)
        elif tag == "option" and self._select is not None:
            self._option = (a.get("value"), "selected" in a)
            self._text = ""

    def handle_data(self, data):
        if self._textarea is not None or self._option is not None:
            self._text += data

    def handle_endtag(self, tag):
        if tag == "form" and self._form is not None:
            self.forms.append(self._form)
            self._form = None
        elif tag == "textarea" and self._textarea is not None:
            self._textarea.value = self._text.removeprefix("\n")
            if self._form is not None:
                self._form.fields.append(self._textarea)
            self._textarea = None
        elif tag == "option" and self._option is not None and self._select is not None:
            value, selected = self._option
            self._select.options.append((self._text.strip() if value is None else value,
                                         selected))
            self._option = None
        elif tag == "select" and self._select is not None:
            if self._form is not None:
                self._form.fields.append(self._select)
            self._select = None


def forms_in(html: str, page: str, role: str) -> list[Form]:
    """The POST forms of a page."""
    p = _FormParser(page, role)
    p.feed(html)
    p.close()
    return p.forms


_crawls: dict = {}


def pristine_crawl(site, role: str):
    """The crawl of the demo as seeded by one role (tests/crawl.py), once per test run."""
    if role not in _crawls:
        site.restore()
        _crawls[role] = crawl(client_fetcher(site.client(role)), per_pattern=1)
    return _crawls[role]


def discover(site) -> dict[str, Form]:
    """Every distinct POST form on the site (by action pattern and field names), each with the
    first role that found it: by crawling as each role, then on every GET route of the route
    table (pages nothing links to, such as a reset-PIN page reached by searching)."""
    found: dict[str, Form] = {}
    for role in CRAWL_ROLES:
        for page in pristine_crawl(site, role).pages:
            for form in forms_in(page.html, page.url, role):
                found.setdefault(form.key, form)
    for (_key, role), got in pristine_gets(site).items():
        if got.status == 200 and got.headers.get("Content-Type", "").startswith("text/html"):
            for form in forms_in(got.text, got.url, role):
                found.setdefault(form.key, form)
    return found


def sensible(f: Field) -> str | None:
    """A value a careful person would enter in the field (None: leave it out)."""
    a, name = f.attrs, f.name.lower()
    if f.tag == "select":
        chosen = [v for v, sel in f.options if sel and v not in ("", "0")]
        values = [v for v, _ in f.options if v not in ("", "0")]
        return (chosen or values or [""])[0]
    if f.type in ("checkbox", "radio"):
        return (f.value or "y") if "checked" in a else None
    if f.type == "file":
        return None
    if f.value.strip():
        return f.value
    later = any(w in name for w in ("due", "close", "end", "start", "open")) or name == "date"
    day = date.today() + timedelta(days=10 if later else 0)
    if f.type == "date" or name.endswith(("_on", "date")):
        return day.isoformat()
    if f.type == "datetime-local" or name.endswith("_at"):
        return day.isoformat() + "T10:00"
    if f.type == "time" or name in ("starts", "ends"):
        return "11:00" if "end" in name else "10:00"
    if f.type == "tel" or "phone" in name:
        return "13900009999"
    if f.type == "number" or a.get("inputmode") in ("numeric", "decimal"):
        low = a.get("min") or "1"
        return low if re.fullmatch(r"\d+(\.\d+)?", low) and float(low) > 0 else "1"
    if "pin" in name:
        return "135790"
    if name in ("options",):
        return "同意\n反对"
    return "测试内容"


def fill(form: Form, **overrides) -> dict:
    """Form data: every field filled sensibly (checkboxes as they are), then the overrides."""
    data: dict[str, object] = {}
    for f in form.fields:
        if f.type == "radio":  # the checked one, else the first
            if "checked" in f.attrs or f.name not in data:
                data[f.name] = f.value
            continue
        value = sensible(f)
        if value is None:
            continue
        if f.name in data and f.type == "checkbox":
            prior = data[f.name]
            data[f.name] = [*prior, value] if isinstance(prior, list) else [prior, value]
        else:
            data.setdefault(f.name, value)
    for name, value in form.buttons[:1]:
        data.setdefault(name, value)
    data.update(overrides)
    return data
