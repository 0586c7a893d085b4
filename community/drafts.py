"""Keep what a person typed when their login ran out before they pressed submit.

A form view registers with `keeps(endpoint, fields, back)`. When such a form is posted without
a login (the session expired, the cookies were cleared), `keep_for_login` stores the typed
fields in the session and names the page with the form; after logging in again that page calls
`take()` and shows the form filled, with NOTE saying why the person had to log in.

Never at a kiosk (nothing is remembered between users there), and only for a POST that came
from this site (so another site cannot plant text in someone's form)."""

from urllib.parse import urlsplit

from flask import current_app, request, session

from .i18n import lazy_gettext as _l

KEY = "draft"
NOTE = _l("您刚才的登录已过期，重新登录后内容已为您保留，请检查后提交。")
NOTE_CUT = _l("您写的内容太长，只保留了前面一部分，请补全后再提交。")
COOKIE_ROOM = 3000  # bytes of the signed session cookie (browsers keep 4096 per cookie)

_KEPT: dict[str, tuple[tuple[str, ...], object]] = {}


def keeps(endpoint: str, fields: tuple[str, ...], back) -> None:
    """Keep these fields of the form posted to endpoint; back(view_args, args) → the URL of
    the page showing the form (what the login sends the person back to)."""
    _KEPT[endpoint] = (fields, back)


def keep_for_login() -> str | None:
    """For an anonymous POST of a kept form: store its fields and return the form's page."""
    kept = _KEPT.get(request.endpoint)
    if request.method != "POST" or kept is None or not _same_site():
        return None
    fields, back = kept
    url = back(request.view_args or {}, request.args)
    draft = {"url": urlsplit(url)._replace(fragment="").geturl(), "cut": False,
             "fields": {f: request.form[f][:5000] for f in fields if f in request.form}}
    _fit(draft)
    session[KEY] = draft
    return url


def take() -> dict | None:
    """The fields kept for this page (once), or None."""
    draft = session.get(KEY)
    if not draft or draft.get("url") != request.full_path.rstrip("?"):
        return None
    session.pop(KEY)
    return draft


def note(draft: dict) -> str:
    return str(NOTE_CUT if draft.get("cut") else NOTE)


def _same_site() -> bool:
    """The POST came from one of this site's pages (not a form on another site)."""
    fetch_site = request.headers.get("Sec-Fetch-Site")
    if fetch_site:
        return fetch_site == "same-origin"
    origin = request.headers.get("Origin") or request.referrer
    return bool(origin) and urlsplit(origin).netloc == request.host


def _fit(draft: dict) -> None:
    """Shorten the longest field until the session still fits in its cookie after the login
    adds its own keys."""
    signer = current_app.session_interface.get_signing_serializer(current_app)
    while len(signer.dumps({**session, KEY: draft})) > COOKIE_ROOM:
        name = max(draft["fields"], key=lambda f: len(draft["fields"][f]), default=None)
        text = draft["fields"].get(name, "") if name else ""
        if len(text) < 20:
            draft["fields"] = {}
            return
        draft["fields"][name] = text[:len(text) * 3 // 4]
        draft["cut"] = True
