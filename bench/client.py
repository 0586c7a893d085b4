"""A small HTTP client over http.client: one connection, one cookie jar, forms, gzip."""

import gzip
import http.client
import re
import time
from dataclasses import dataclass
from html import unescape
from http.cookies import SimpleCookie
from urllib.parse import urlencode

USER_AGENT = "yst-bench/1"
CSRF_RE = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"|'
                     r'name="csrf_token" value="([^"]+)"')
TICKET_RE = re.compile(r'name="ticket" value="([^"]*)"')


@dataclass
class Answer:
    status: int
    headers: dict[str, str]
    body: str
    seconds: float
    set_cookie: dict[str, str]

    @property
    def location(self) -> str | None:
        return self.headers.get("location")


def csrf_of(html: str) -> str:
    m = CSRF_RE.search(html)
    if not m:
        raise ValueError("no csrf_token in the page")
    return m.group(1) or m.group(2)


def ticket_of(html: str) -> str:
    m = TICKET_RE.search(html)
    if not m:
        raise ValueError("no ticket on the confirmation page")
    return unescape(m.group(1))


class Session:
    """Like a browser tab: keeps cookies, sends gzip in Accept-Encoding, reconnects."""

    def __init__(self, port: int, host: str = "127.0.0.1", timeout: float = 60):
        self.host, self.port, self.timeout = host, port, timeout
        self.cookies: dict[str, str] = {}
        self.conn: http.client.HTTPConnection | None = None

    def cookie_header(self) -> str:
        return "; ".join(f"{k}={v}" for k, v in self.cookies.items())

    def request(self, method: str, path: str, form: dict | str | None = None,
                cookie: str | None = None, keep_cookies: bool = True) -> Answer:
        headers = {"Accept-Encoding": "gzip", "Host": f"{self.host}:{self.port}",
                   "User-Agent": USER_AGENT}
        if cookie is None and self.cookies:
            cookie = self.cookie_header()
        if cookie:
            headers["Cookie"] = cookie
        body = None
        if form is not None:
            body = form if isinstance(form, str) else urlencode(form)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        if self.conn is None:
            self.conn = http.client.HTTPConnection(self.host, self.port, timeout=self.timeout)
        started = time.perf_counter()
        try:
            self.conn.request(method, path, body=body, headers=headers)
            r = self.conn.getresponse()
            raw = r.read()
        except (OSError, http.client.HTTPException):
            self.close()
            raise
        seconds = time.perf_counter() - started
        if r.getheader("Content-Encoding") == "gzip":
            raw = gzip.decompress(raw)
        got = {}
        for value in r.headers.get_all("Set-Cookie") or []:
            for name, morsel in SimpleCookie(value).items():
                got[name] = morsel.value
        if keep_cookies:
            self.cookies.update(got)
        if r.getheader("Connection", "").lower() == "close" or r.will_close:
            self.close()
        return Answer(r.status, {k.lower(): v for k, v in r.getheaders()},
                      raw.decode("utf-8", "replace"), seconds, got)

    def get(self, path: str) -> Answer:
        return self.request("GET", path)

    def post(self, path: str, form: dict) -> Answer:
        return self.request("POST", path, form)

    def login(self, login: str, pin: str) -> None:
        """Log in through the form; raises unless the app answers 303."""
        page = self.get("/login")
        r = self.post("/login", {"login": login, "pin": pin, "csrf_token": csrf_of(page.body)})
        if r.status != 303:
            raise RuntimeError(f"login {login} answered {r.status}")

    def close(self) -> None:
        if self.conn is not None:
            self.conn.close()
            self.conn = None
