"""Projects: create from a decided issue or directly, move them along, tasks and progress."""

from datetime import date

from flask import abort
from sqlalchemy import or_

from ..access import has_role, home_units, role_units
from ..audit.service import record
from ..clock import now, today
from ..errors.domain import DomainError
from ..extensions import db
from ..i18n import gettext as _
from ..i18n import lazy_gettext as _l
from ..issues.models import Issue
from ..issues.service import change_status
from ..issues.states import TRANSITIONS
from ..units.models import Unit
from .models import ProgressUpdate, Project, Task

# An issue is ready for a project once it has been decided (民事民决).
DECIDED = ("deciding", "implementing")
FOLLOWED = ("planned", "active", "rectifying")
MANAGERS, RECORDERS = ("worker",), ("worker", "volunteer")
VIEWERS = ("worker", "party_reviewer", "supervisor", "volunteer")


class ProjectError(DomainError):
    pass


def move_issue(project: Project, to_status: str, actor, note: str) -> None:
    """Move the project's issue along the cycle through the issues area, where it allows."""
    issue = project.issue
    if issue is None or to_status not in TRANSITIONS.get(issue.status, ()):
        return
    change_status(issue, to_status, actor, note)


def places_for(user, roles=MANAGERS) -> list[tuple[int, str]]:
    """Units (not single buildings) where the user may act, as select choices."""
    tops = role_units(user, *roles)
    if not tops:
        return []
    units = db.session.scalars(db.select(Unit).where(
        or_(*[Unit.path.startswith(u.path) for u in tops]), Unit.kind != "building")
        .order_by(Unit.path))
    return [(u.id, u.name) for u in units]


def lives_in(user, unit: Unit) -> bool:
    """True when the user lives in the unit or below (a role alone does not count)."""
    return bool(getattr(user, "is_authenticated", False)) and any(
        unit.contains(m.household.building) for m in user.memberships)


def can_view(user, project: Project) -> bool:
    return lives_in(user, project.unit) or has_role(user, VIEWERS, project.unit)


def get_project_or_404(project_id: int, user, roles: tuple | None = None) -> Project:
    """Load a project the user may see (or act on with one of `roles`), else 404/403."""
    project = db.get_or_404(Project, project_id)
    allowed = has_role(user, roles, project.unit) if roles else can_view(user, project)
    if not allowed:
        abort(403)
    return project


def decided_issues(user) -> list[Issue]:
    """Decided issues in the worker's units that have no project yet."""
    units = role_units(user, *MANAGERS)
    if not units:
        return []
    taken = db.select(Project.issue_id).where(Project.issue_id.is_not(None))
    return list(db.session.scalars(
        db.select(Issue).join(Issue.unit).where(
            Issue.status.in_(DECIDED), Issue.id.not_in(taken),
            or_(*[Unit.path.startswith(u.path) for u in units]))
        .order_by(Issue.id.desc()).limit(50)))


def create_project(unit: Unit, actor, *, title: str, responsible: str, starts_on: date,
                   due_on: date | None = None, description: str = "",
                   issue: Issue | None = None, submit_token: str | None = None) -> Project:
    """Create a project (from a decided issue or directly); audit; commit once."""
    if submit_token:
        done = db.session.scalar(db.select(Project).where(Project.submit_token == submit_token))
        if done is not None:
            return done
    if not has_role(actor, MANAGERS, unit):
        abort(403)
    if issue is not None and (issue.status not in DECIDED or not issue.unit.contains(unit)
                              and not unit.contains(issue.unit)):
        raise ProjectError(_("这个议题还没有表决通过，或不属于这个地方"), "issue_id")
    project = Project(unit_id=unit.id, title=title, responsible=responsible,
                      starts_on=starts_on, due_on=due_on, description=description,
                      issue_id=issue.id if issue else None, created_by_id=actor.id,
                      submit_token=submit_token)
    db.session.add(project)
    db.session.flush()
    record("project_created", project, actor=actor, unit_id=unit.id, title=title,
           issue_id=project.issue_id)
    db.session.commit()
    return project


STEPS = {"start": ("planned", "active", "implementing", _l("项目开工")),
         "finish": (("active", "rectifying"), "done", "evaluating", _l("项目完工，等待评价"))}


def change_project_status(project: Project, action: str, actor) -> Project:
    """Start a planned project or finish an active one; the issue follows; audit; commit."""
    if action not in STEPS:
        abort(400)
    before, after, issue_status, note = STEPS[action]
    if project.status not in (before if isinstance(before, tuple) else (before,)):
        raise ProjectError(_("项目现在的状态不能这样操作"))
    old, project.status, project.updated_at = project.status, after, now()
    if after == "done":
        project.finished_on = today()
    move_issue(project, issue_status, actor, str(note))
    record("project_" + action, project, actor=actor, unit_id=project.unit_id,
           from_status=old, to_status=after)
    db.session.commit()
    return project


def add_task(project: Project, actor, title: str, starts_on=None, due_on=None,
             submit_token: str | None = None) -> Task:
    """Add a task to the project; audit; commit once (a retried submit adds nothing)."""
    if submit_token and (done := db.session.scalar(
            db.select(Task).where(Task.submit_token == submit_token))):
        return done
    task = Task(project=project, title=title, starts_on=starts_on, due_on=due_on,
                submit_token=submit_token)
    db.session.add(task)
    db.session.flush()
    project.updated_at = now()
    record("task_added", task, actor=actor, unit_id=project.unit_id, title=title)
    db.session.commit()
    return task


def set_task_status(task: Task, status: str, actor) -> Task:
    """Mark a task not started, under way or done; audit; commit once."""
    task.status, task.done_on = status, (today() if status == "done" else None)
    task.project.updated_at = now()
    record("task_status", task, actor=actor, unit_id=task.project.unit_id, status=status)
    db.session.commit()
    return task


def add_update(project: Project, actor, text: str, photo: bytes | None = None,
               submit_token: str | None = None) -> ProgressUpdate:
    """Post a progress note with an optional (already shrunk) photo; audit; commit once."""
    if submit_token and (done := db.session.scalar(db.select(ProgressUpdate).where(
            ProgressUpdate.submit_token == submit_token))):
        return done
    update = ProgressUpdate(project_id=project.id, author_id=actor.id, text=text, photo=photo,
                            has_photo=photo is not None, submit_token=submit_token)
    db.session.add(update)
    db.session.flush()
    project.updated_at = now()
    record("progress_posted", update, actor=actor, unit_id=project.unit_id,
           project_id=project.id, photo=photo is not None)
    db.session.commit()
    return update


def updates(project: Project, page: int, per_page: int = 10):
    """One page of progress notes, newest first."""
    return db.paginate(db.select(ProgressUpdate).where(ProgressUpdate.project_id == project.id)
                       .order_by(ProgressUpdate.id.desc()), page=page, per_page=per_page,
                       error_out=False)


def projects_for(user, page: int, per_page: int = 20):
    """Projects where the user lives or holds a role, most recently changed first."""
    conds = [Project.unit_id.in_([u.id for u in home_units(user)])]
    conds += [Unit.path.startswith(u.path) for u in role_units(user, *VIEWERS)]
    return db.paginate(db.select(Project).join(Project.unit).where(or_(*conds))
                       .order_by(Project.updated_at.desc(), Project.id.desc()),
                       page=page, per_page=per_page, error_out=False)
