"""Staff pages: upload the resident roster, download its template."""

from io import BytesIO

from flask import Blueprint, flash, redirect, render_template, send_file, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from ..web import no_store, rerender_on_csrf_error
from . import service
from .forms import RosterForm

bp = Blueprint("roster", __name__)

MAX_ERRORS_SHOWN = 500  # the command line prints every one


@bp.route("/import", methods=("GET", "POST"))
@rerender_on_csrf_error
@login_required
@no_store
def upload():
    """Check an uploaded roster; import it all and show the new residents' slips, or list
    every bad row and import nothing."""
    service.worker_units_or_403(current_user)
    form = RosterForm()
    if form.validate_on_submit():
        upload = form.file.data
        try:
            result = service.import_roster(upload.filename, upload.read(), actor=current_user)
        except service.RosterInvalid as e:
            return render_template("roster/upload.html", form=form, errors=e.errors,
                                   shown=MAX_ERRORS_SHOWN), 422
        flash(service.describe(result))
        if not result.slips:
            return redirect(url_for("roster.upload"), 303)
        return render_template("residents/slips.html", slips=result.slips,
                               title=_("新登记居民的登录凭条"))
    return render_template("roster/upload.html", form=form, errors=[],
                           shown=MAX_ERRORS_SHOWN), 422 if form.errors else 200


@bp.route("/template.csv")
@login_required
def template():
    """Download an empty roster with the column names, ready for Excel."""
    service.worker_units_or_403(current_user)
    return send_file(BytesIO(service.template_csv()), mimetype="text/csv",
                     as_attachment=True, download_name="居民名册模板.csv")
