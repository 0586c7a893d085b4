"""`POST /api/v1/sms/inbound`: the SMS gateway hands in what phones sent (上行).

Authenticated by the gateway's signature with SMS_INBOUND_SECRET (never a cookie), stored
once per provider message id, answered at once: `flask sms-deliver` handles the messages
(notify/inbound.py) on its next run.
"""

from flask import current_app, request

from ..extensions import csrf, limiter
from ..i18n import gettext as _
from ..notify import commands, inbound, sms  # noqa: F401 - commands: registers them
from . import bp
from .issues import error


@bp.route("/sms/inbound", methods=("POST",))
@csrf.exempt  # authenticated by the gateway's signature, never by cookies
@limiter.limit("600 per minute")
def sms_inbound():
    """Store the messages in the request (a repeated provider id stores nothing)."""
    gateway = sms.backend()
    if not gateway.authentic(request, current_app.config.get("SMS_INBOUND_SECRET")):
        return error(401, "invalid_signature", _("短信网关签名无效或已过期"))
    try:
        messages = gateway.parse_inbound(request)
    except ValueError:
        return error(400, "invalid_payload", _("短信内容格式有误"))
    stored = sum(inbound.receive(gateway.name, m)[1] for m in messages)
    return gateway.inbound_answer(stored)
