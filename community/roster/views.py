"""Staff pages: upload the resident roster, see what it would change, confirm; the template."""

from io import BytesIO

from flask import Blueprint, flash, redirect, render_template, request, send_file, url_for
from flask_login import current_user, login_required

from ..access import worker_units_or_403
from ..formkit import field_error
from ..i18n import gettext as _
from ..web import no_store, rerender_on_csrf_error
from . import service
from .forms import ConfirmForm, RosterForm

bp = Blueprint("roster", __name__)

MAX_ERRORS_SHOWN = 500  # the command line prints every one


@bp.route("/import", methods=("GET", "POST"))
@rerender_on_csrf_error
@login_required
@no_store
def upload():
    """Check an uploaded roster and show what importing it would change (nothing is saved
    yet), or list every bad row."""
    units = worker_units_or_403(current_user)
    form = RosterForm()
    if form.validate_on_submit():
        upload = form.file.data
        try:
            staged = service.stage_upload(upload.filename, upload.read(), current_user)
        except service.RosterInvalid as e:
            return _upload_page(form, units, e.errors), 422
        return redirect(url_for("roster.confirm", upload=staged.token), 303)
    return _upload_page(form, units, []), 422 if form.errors else 200


@bp.route("/import/confirm", methods=("GET", "POST"))
@rerender_on_csrf_error
@login_required
@no_store
def confirm():
    """The preview of an uploaded roster; confirming it imports everything, once."""
    units = worker_units_or_403(current_user)
    form = ConfirmForm(upload=request.args.get("upload"))
    try:
        upload = service.upload_for(form.upload.data, current_user)
        preview = service.check_roster(upload.filename, upload.data, current_user)
        if form.validate_on_submit():
            result = service.confirm_upload(upload, current_user, form.confirmed_units())
            return _imported(result)
    except (service.UploadGone, service.AlreadyImported) as e:
        flash(e.message)
        return redirect(url_for("roster.upload"), 303)
    except service.RosterInvalid as e:
        return _upload_page(RosterForm(formdata=None), units, e.errors), 422
    except service.UnitsUnconfirmed as e:
        field_error(form, e)
    return render_template("roster/confirm.html", form=form, preview=preview,
                           filename=upload.filename), 422 if form.errors else 200


def _upload_page(form: RosterForm, units, errors):
    return render_template("roster/upload.html", form=form, errors=errors,
                           shown=MAX_ERRORS_SHOWN, example=service.example_path(units))


def _imported(result: service.ImportResult):
    """Say what was imported; show the new residents' slips, which are never shown again."""
    flash(service.describe(result))
    if not result.slips:
        return redirect(url_for("roster.upload"), 303)
    return render_template("residents/slips.html", slips=result.slips,
                           title=_("新登记居民的登录凭条"))


@bp.route("/template.csv")
@login_required
def template():
    """Download an empty roster with the column names, ready for Excel."""
    worker_units_or_403(current_user)
    return send_file(BytesIO(service.template_csv()), mimetype="text/csv",
                     as_attachment=True, download_name=_("居民名册模板.csv"))
