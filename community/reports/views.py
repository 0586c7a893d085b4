"""The staff download page for reports (the same figures as `flask export-report`)."""

from datetime import date

from flask import Blueprint, Response, render_template, request
from flask_login import current_user, login_required
from flask_wtf import FlaskForm
from wtforms import SelectField, SubmitField
from wtforms.validators import DataRequired, ValidationError

from ..access import require_role, require_staff, role_units
from ..clock import today
from ..extensions import db
from ..formkit import DayField, choices
from ..i18n import lazy_gettext as _l
from ..units.models import Unit
from . import export, service

bp = Blueprint("reports", __name__)
STAFF = ("worker", "party_reviewer", "supervisor")


class ReportForm(FlaskForm):
    class Meta:
        csrf = False  # a GET download changes nothing

    unit_id = SelectField(_l("单位"), coerce=int)
    start = DayField(_l("起始日期"), validators=[DataRequired(_l("请填写起始日期"))],
                     future_days=0)
    end = DayField(_l("截止日期"), validators=[DataRequired(_l("请填写截止日期"))])
    fmt = SelectField(_l("格式"), choices=choices([("xlsx", "Excel（XLSX）"), ("csv", "CSV")]))
    submit = SubmitField(_l("下载报表"))

    def validate_end(self, field):
        if self.start.data and field.data and field.data < self.start.data:
            raise ValidationError(_l("截止日期不能早于起始日期"))


@bp.route("/")
@login_required
def index():
    """Choose a unit and a period, then download the report as XLSX or CSV."""
    require_staff()
    form = ReportForm(request.args or None, start=date(today().year, 1, 1), end=today())
    form.unit_id.choices = choices((u.id, u.name) for u in role_units(current_user, *STAFF))
    if "unit_id" in request.args and form.validate():
        unit = db.get_or_404(Unit, form.unit_id.data)
        require_role(STAFF, unit)
        report = service.collect(unit, form.start.data, form.end.data)
        fmt = form.fmt.data
        data = export.to_xlsx(report) if fmt == "xlsx" else export.to_csv(report)
        mime = ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
                if fmt == "xlsx" else "text/csv; charset=utf-8")
        disposition = f'attachment; filename="{export.filename(report, fmt)}"'
        return Response(data, headers={"Content-Type": mime,
                                       "Content-Disposition": disposition})
    status = 422 if "unit_id" in request.args else 200
    return render_template("reports/index.html", form=form), status
