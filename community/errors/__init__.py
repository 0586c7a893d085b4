"""Error pages in plain Chinese, in the site's layout, also for htmx requests."""

from flask import current_app, g, render_template, request, url_for
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import OperationalError
from werkzeug.exceptions import HTTPException

from ..extensions import db, login_manager
from ..i18n import gettext as _
from ..i18n import lazy_gettext as _l

MESSAGES = {
    400: (_l("请求有误"), _l("这个请求看不懂。请返回上一页再试一次。")),
    403: (_l("没有权限"), _l("您没有权限查看或办理这件事。如有疑问，请联系社区工作人员。")),
    404: (_l("找不到页面"), _l("这个页面不存在，可能已经删除或地址写错了。")),
    405: (_l("不能这样操作"), _l("这个页面不能这样打开，请从菜单进入。")),
    413: (_l("文件太大"), _l("上传的文件太大了，请换一个小一点的文件。")),
    422: (_l("填写有误"), _l("填写的内容有误，请返回修改。")),
    429: (_l("操作太频繁"), _l("操作太频繁了，请休息一会儿再试。")),
    500: (_l("系统出错"), _l("系统出了点问题，我们会尽快修好。请稍后再试。")),
    503: (_l("系统暂停服务"), _l("系统暂时不能使用，您的操作没有保存。请稍后再试。")),
}


def init_app(app):
    """Register the handlers."""
    app.register_error_handler(CSRFError, _csrf_error)
    app.register_error_handler(HTTPException, _http_error)
    app.register_error_handler(OperationalError, _database_down)
    app.register_error_handler(Exception, _server_error)


def render_error(code: int, detail: str | None = None):
    """Render the error page for a status code (a full page even inside htmx)."""
    title, text = MESSAGES.get(code, MESSAGES[500 if code >= 500 else 400])
    headers = {"Cache-Control": "no-store"}
    if request.headers.get("HX-Request") == "true":
        # htmx 2 drops error responses unless told; our responseHandling swaps 4xx/5xx and
        # these headers make it replace the whole page so the message is always seen.
        headers.update({"HX-Retarget": "body", "HX-Reswap": "innerHTML"})
    html = render_template("errors/error.html", code=code, title=title, text=text,
                           detail=detail)
    return html, code, headers


def _http_error(e: HTTPException):
    resp = render_error(e.code or 500)
    if e.code == 405 and e.valid_methods:
        resp[2]["Allow"] = ", ".join(e.valid_methods)
    return resp


def _csrf_error(e: CSRFError):
    """Re-show the form with what was typed; never a bare 400 that loses the text."""
    view = current_app.view_functions.get(request.endpoint)
    if getattr(view, "rerender_on_csrf_error", False):
        # The view's FlaskForm sees the same bad token, fails validation and re-renders
        # the typed values with a plain message; nothing is saved.
        try:
            resp = current_app.make_response(view(**(request.view_args or {})))
        except HTTPException as refused:  # e.g. the view's own 403/404 for this user
            return _http_error(refused)
        login = url_for("auth.login")
        if not 300 <= resp.status_code < 400 or (resp.location or "").startswith(login):
            return resp  # the form again, or the login page (a session that ran out)
        # The view went elsewhere without showing its form (e.g. what the form was about is
        # gone): a request without a valid token never ends in a redirect, which reads as done.
    return render_error(400, _("页面停留太久已过期，请返回上一页，刷新后再提交一次。"))


def _database_down(e):
    db.session.rollback()
    current_app.logger.error("database unavailable: %s", e.__class__.__name__)
    # Render as to a visitor who is not logged in: loading the user (for the menu) would ask
    # the database again and turn the clear 503 page into a bare 500.
    g._login_user = login_manager.anonymous_user()
    return render_error(503)


def _server_error(e):
    if isinstance(e, HTTPException):  # pragma: no cover - handled above
        return _http_error(e)
    db.session.rollback()
    current_app.logger.exception("unhandled error")
    if current_app.testing and current_app.config.get("PROPAGATE_TEST_ERRORS", True):
        raise e
    return render_error(500)
