"""`POST /api/v1/issues`: outside channels (12345热线, 宜格服务 …) hand issues in as JSON."""

from flask import jsonify, request, url_for

from ..extensions import csrf, limiter
from ..i18n import gettext as _
from ..issues import intake
from . import bp


def error(status: int, code: str, message: str, **extra):
    """A JSON error body with a machine code and words for the people reading logs."""
    resp = jsonify(error=code, message=message, **extra)
    resp.status_code = status
    if status == 401:
        resp.headers["WWW-Authenticate"] = 'Bearer realm="issues"'
    return resp


@bp.route("/issues", methods=("POST",))
@csrf.exempt  # authenticated by a bearer token, never by cookies
@limiter.limit("120 per minute")
def create_issue():
    """Take one issue from an outside channel; a repeated Idempotency-Key makes no second."""
    token = intake.token_from(request.headers.get("Authorization", ""))
    if token is None:
        return error(401, "invalid_token", _("缺少或无效的访问令牌 (bearer token)"))
    key = request.headers.get("Idempotency-Key", "")
    if not intake.KEY_RE.match(key):
        return error(400, "idempotency_key_required",
                     _("需要 Idempotency-Key 请求头（1–80个字符）"))
    data = request.get_json(silent=True)
    if not isinstance(data, dict):
        return error(400, "invalid_json", _("请求体应是 JSON 对象"))
    fields, errors = intake.validate(data)
    if errors:
        return error(422, "invalid_fields", _("字段有误"), fields=errors)
    if token.unit is not None and not token.unit.contains(fields.unit):
        return error(403, "unit_out_of_scope", _("此令牌不能提交该单位的议题"))
    issue, replayed = intake.submit(token, key, fields)
    if replayed and not intake.same_request(issue, fields):
        return error(422, "idempotency_key_reused", _("这个 Idempotency-Key 已用于另一个议题"))
    url = url_for("issues.show", issue_id=issue.id, _external=True)
    resp = jsonify(id=issue.id, url=url, status=issue.status)
    resp.status_code, resp.headers["Location"] = 201, url
    return resp
