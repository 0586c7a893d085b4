"""长辈模式 (elder mode): bigger text and targets, the simplest menu, a 朗读 button.

Remembered in a cookie for a year; switched by a plain POST form on every page.
"""

from flask import Blueprint, current_app, redirect, request, url_for

from .web import safe_next

bp = Blueprint("elder", __name__)
COOKIE = "elder"
MAX_AGE = 365 * 24 * 3600
# The simplest menu in elder mode (MIIT 适老化: fewer, bigger choices); 退出 is in the header.
MENU = ("home.index", "issues.index", "ballots.index")


@bp.route("/elder", methods=("POST",))
def toggle():
    """Switch elder mode on or off and go back to the page the switch was pressed on."""
    on = request.cookies.get(COOKIE) != "1"
    resp = redirect(safe_next(request.form.get("next")) or url_for("home.index"), 303)
    if on:
        resp.set_cookie(COOKIE, "1", max_age=MAX_AGE, path="/", httponly=True, samesite="Lax",
                        secure=current_app.config["SESSION_COOKIE_SECURE"])
    else:
        resp.delete_cookie(COOKIE, path="/")
    return resp


@bp.app_context_processor
def _elder_context():
    return {"elder_menu": MENU}
