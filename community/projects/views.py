"""民事民办 pages: projects, tasks, progress notes with photos, and the contributions ledger."""

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from ..access import role_units
from ..evaluations.service import project_panel
from ..extensions import db
from ..formkit import EmptyForm, field_error
from ..i18n import gettext as _
from ..units.models import Unit
from ..web import no_store, rerender_on_csrf_error
from . import bp, funds, ledger, service
from .forms import ContributionForm, ProjectForm, TaskForm, TaskStatusForm, UpdateForm, choices
from .models import ProgressUpdate, Task
from .photos import PhotoError, shrink


def _page() -> int:
    return request.args.get("page", 1, type=int) or 1


@bp.app_template_filter("yuan")
def yuan(value) -> str:
    """Money as 12,345.60 (exact: Decimal formatting, never float)."""
    return f"{value:,.2f}"


@bp.app_template_filter("num")
def num(value) -> str:
    """A quantity without trailing zeros: 12.50 → 12.5, 3.00 → 3."""
    text = f"{value:f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


@bp.route("/")
@login_required
def index():
    """List the projects where I live or serve."""
    page = service.projects_for(current_user, _page())
    return render_template("projects/index.html", page=page,
                           can_create=bool(role_units(current_user, *service.MANAGERS)))


@bp.route("/new", methods=("GET", "POST"))
@rerender_on_csrf_error
@login_required
def new():
    """A worker sets up a project, from a decided issue or directly."""
    form = ProjectForm()
    form.unit_id.choices = choices(service.places_for(current_user) or abort(403))
    form.issue_id.choices = choices([(0, _("不来自议题（直接立项）"))] + [
        (i.id, f"#{i.id} {i.title}") for i in service.decided_issues(current_user)])
    if request.method == "GET" and request.args.get("issue_id", type=int):
        form.issue_id.data = request.args.get("issue_id", type=int)
    if form.validate_on_submit():
        unit = db.get_or_404(Unit, form.unit_id.data)
        issue = db.session.get(service.Issue, form.issue_id.data) if form.issue_id.data else None
        try:
            project = service.create_project(
                unit, current_user, title=form.title.data.strip(), issue=issue,
                responsible=form.responsible.data.strip(), starts_on=form.starts_on.data,
                due_on=form.due_on.data, description=form.description.data or "",
                submit_token=form.submit_token.data)
            return redirect(url_for(".show", project_id=project.id), 303)
        except service.ProjectError as e:
            field_error(form, e, "issue_id")
    return render_template("projects/new.html", form=form), 422 if form.errors else 200


@bp.route("/<int:project_id>")
@login_required
def show(project_id):
    """The project: who leads it, tasks, progress, contributions, money and evaluations."""
    project = service.get_project_or_404(project_id, current_user)
    return render_template(
        "projects/show.html", project=project,
        manager=service.has_role(current_user, service.MANAGERS, project.unit),
        recorder=service.has_role(current_user, service.RECORDERS, project.unit),
        updates=service.updates(project, _page(), 5), totals=ledger.totals([project.id]),
        money=funds.project_funding(project), form=EmptyForm(), task_form=TaskStatusForm(),
        **_evaluation_panel(project))


def _evaluation_panel(project) -> dict:
    """Evaluations of the project, the 整改 comments, and whether I may open one."""
    return project_panel(project, current_user)


@bp.route("/<int:project_id>/status", methods=("POST",))
@login_required
def status(project_id):
    """Start or finish the project (field `action` = start/finish)."""
    project = service.get_project_or_404(project_id, current_user, service.MANAGERS)
    if not EmptyForm().validate_on_submit():
        abort(400)
    try:
        service.change_project_status(project, request.form.get("action", ""), current_user)
        flash(_("项目状态已更新。"))
    except service.ProjectError as e:
        flash(e.message, "error")
    return redirect(url_for(".show", project_id=project.id), 303)


@bp.route("/<int:project_id>/tasks/new", methods=("GET", "POST"))
@rerender_on_csrf_error
@login_required
def task_new(project_id):
    """Add a task with its dates."""
    project = service.get_project_or_404(project_id, current_user, service.MANAGERS)
    form = TaskForm()
    if form.validate_on_submit():
        service.add_task(project, current_user, form.title.data.strip(), form.starts_on.data,
                         form.due_on.data, submit_token=form.submit_token.data)
        return redirect(url_for(".show", project_id=project.id), 303)
    return render_template("projects/task_new.html", project=project, form=form), \
        422 if form.errors else 200


@bp.route("/<int:project_id>/tasks/<int:task_id>", methods=("POST",))
@login_required
def task_status(project_id, task_id):
    """Mark a task not started, under way or done."""
    project = service.get_project_or_404(project_id, current_user, service.MANAGERS)
    task = db.get_or_404(Task, task_id)
    form = TaskStatusForm()
    if task.project_id != project.id or not form.validate_on_submit():
        abort(404 if task.project_id != project.id else 400)
    service.set_task_status(task, form.status.data, current_user)
    return redirect(url_for(".show", project_id=project.id) + f"#task-{task.id}", 303)


@bp.route("/<int:project_id>/updates/new", methods=("GET", "POST"))
@rerender_on_csrf_error
@login_required
def update_new(project_id):
    """Post a progress note, with a photo shrunk on the server if one is given."""
    project = service.get_project_or_404(project_id, current_user, service.RECORDERS)
    form = UpdateForm()
    if form.validate_on_submit():
        upload = form.photo.data
        try:
            photo = shrink(upload.read()) if upload and upload.filename else None
            service.add_update(project, current_user, form.text.data.strip(), photo,
                               submit_token=form.submit_token.data)
            return redirect(url_for(".show", project_id=project.id), 303)
        except PhotoError as e:
            field_error(form, e)
    return render_template("projects/update_new.html", project=project, form=form), \
        422 if form.errors else 200


@bp.route("/updates/<int:update_id>/photo.jpg")
@login_required
def photo(update_id):
    """The small photo of a progress note, for those who may see the project."""
    update = db.get_or_404(ProgressUpdate, update_id)
    service.get_project_or_404(update.project_id, current_user)
    if not update.photo:
        abort(404)
    return update.photo, 200, {"Content-Type": "image/jpeg",
                               "Cache-Control": "private, max-age=86400"}


@bp.route("/<int:project_id>/contributions")
@login_required
def contributions(project_id):
    """The whole ledger, page by page; names only with consent (workers see all)."""
    project = service.get_project_or_404(project_id, current_user)
    staff = service.has_role(current_user, service.RECORDERS, project.unit)
    return render_template("projects/ledger.html", project=project, staff=staff,
                           page=ledger.entries(project, _page()),
                           name=ledger.staff_name if staff else ledger.public_name)


@bp.route("/<int:project_id>/contributions/new", methods=("GET", "POST"))
@rerender_on_csrf_error
@login_required
@no_store
def contribution_new(project_id):
    """A worker or volunteer enters labour, money or materials given to the project."""
    project = service.get_project_or_404(project_id, current_user, service.RECORDERS)
    form = ContributionForm()
    if form.validate_on_submit():
        try:
            ledger.add_from_form(project, current_user, form)
            flash(_("已登记。"))
            return redirect(url_for(".contributions", project_id=project.id), 303)
        except ledger.LedgerError as e:
            field_error(form, e)
    return render_template("projects/contribution_new.html", project=project, form=form), \
        422 if form.errors else 200

