"""Helpers shared by views: htmx fragments, personal pages, safe redirects."""

from functools import wraps
from urllib.parse import urlsplit

from flask import (
    current_app,
    has_request_context,
    make_response,
    render_template,
    request,
    session,
    url_for,
)
from flask_limiter.util import get_remote_address
from flask_login import current_user


def wants_fragment() -> bool:
    """True only for a targeted htmx request (not boosted navigation or history restore)."""
    h = request.headers
    return (h.get("HX-Request") == "true" and h.get("HX-Boosted") != "true"
            and h.get("HX-History-Restore-Request") != "true")


def render_page_or_fragment(page: str, fragment: str, status: int = 200, **ctx):
    """Render the fragment for a targeted htmx request, else the full page."""
    template = fragment if wants_fragment() else page
    resp = make_response(render_template(template, **ctx), status)
    resp.vary.add("HX-Request")
    resp.vary.add("HX-Boosted")
    return resp


def current_channel() -> str:
    """The channel to record on what this request submits: "kiosk" at a registered kiosk."""
    return "kiosk" if session.get("kiosk_device") else "web"


def no_store(view):
    """Mark a personal page so no browser, proxy or kiosk keeps a copy."""
    @wraps(view)
    def wrapped(*args, **kwargs):
        resp = make_response(view(*args, **kwargs))
        resp.headers["Cache-Control"] = "no-store"
        return resp
    return wrapped


def safe_next(target: str | None) -> str | None:
    """Return target if it is a local path on this site, else None (no open redirects)."""
    if not target:
        return None
    target = target.replace("\\", "/").strip()
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return None
    if any(ord(c) < 32 for c in target):
        return None
    return target


def rerender_on_csrf_error(view):
    """Mark a FlaskForm view as safe to call again when its CSRF token has expired."""
    view.rerender_on_csrf_error = True
    return view


def site_path(endpoint: str, **values) -> str:
    """A path on this site for a notice, also when cron or a command makes it (no request)."""
    if has_request_context():
        return url_for(endpoint, **values)
    with current_app.test_request_context():
        return url_for(endpoint, **values)


def post_limit() -> str:
    """POST_RATE_LIMIT: how often one account may post issues and comments."""
    return current_app.config["POST_RATE_LIMIT"]


def per_account() -> str:
    """The rate-limit key of the logged-in account (the address when nobody is logged in):
    residents behind one carrier address do not share a posting allowance."""
    if current_user.is_authenticated:
        return f"account:{current_user.get_id().partition('-')[0]}"
    return get_remote_address()
