"""The callbacks' outbox for workers (/triage/deliveries): what is still waiting for an outside
channel (12345热线, 宜格服务 …) to answer, what was given up, and 重新发送 for those."""

from flask import flash, redirect, render_template, url_for
from flask_login import current_user, login_required

from ..access import worker_units_or_403
from ..formkit import EmptyForm
from ..i18n import gettext as _
from ..web import no_store
from . import bp, webhooks


@bp.route("/triage/deliveries")
@login_required
@no_store
def deliveries():
    """Pending and dead callbacks about issues in my units, with their last error."""
    worker_units_or_403(current_user)
    waiting, dead = webhooks.deliveries_for(current_user)
    return render_template("issues/deliveries.html", waiting=waiting, dead=dead)


@bp.route("/triage/deliveries/<int:delivery_id>/resend", methods=("POST",))
@login_required
def resend_delivery(delivery_id):
    """Put a dead callback back in the queue (pressing twice queues it once)."""
    row = webhooks.get_delivery_or_404(delivery_id, current_user)
    if EmptyForm().validate_on_submit() and webhooks.resend(row, current_user):
        flash(_("已重新排队发送：第%(id)s号议题的回调。", id=row.issue_id))
    return redirect(url_for("issues.deliveries"), 303)
