"""Read issues: the list with filters and paging, one issue's supports and comments."""

from dataclasses import dataclass, field

from sqlalchemy import func, or_, union
from sqlalchemy.orm import joinedload

from ..access import home_units, role_units
from ..extensions import db
from ..residents.models import ROLES, RoleAssignment
from ..units.models import Unit
from .models import Comment, Issue, IssueEvent, Support
from .states import CATEGORIES, STATUSES

PER_PAGE = 20
COMMENTS_PER_PAGE = 20


@dataclass
class Page:
    """One page of rows with what Previous/Next links need."""
    rows: list
    page: int
    has_next: bool
    extra: dict = field(default_factory=dict)

    @property
    def has_prev(self) -> bool:
        return self.page > 1


def support_count():
    """A correlated count of an issue's supports, for lists and sorting."""
    return (db.select(func.count(Support.id)).where(Support.issue_id == Issue.id)
            .correlate(Issue).scalar_subquery())


def visible_units(user) -> list[Unit]:
    """Units whose issues the user may read: where they live (and above), where they serve."""
    units = home_units(user)
    ids = {u.id for u in units}
    for u in role_units(user, *ROLES):
        if u.id not in ids:
            units.append(u)
            ids.add(u.id)
    return units


def visible_to(user):
    """A condition on Issue: the user lives under its unit, serves over it, or wrote it.

    Written as a union of indexed lookups (the units' issues, the author's, the typist's):
    one OR across three columns let the database walk every issue of the city newest first
    until it had a page of the user's, which grew with the city."""
    ids = [db.select(Issue.id).where(Issue.unit_id.in_([u.id for u in home_units(user)])),
           db.select(Issue.id).where(Issue.author_id == user.id),
           db.select(Issue.id).where(Issue.submitted_by_id == user.id)]
    if served := [Unit.path.startswith(u.path) for u in role_units(user, *ROLES)]:
        ids.append(db.select(Issue.id).where(Issue.unit_id.in_(
            db.select(Unit.id).where(or_(*served)))))
    return Issue.id.in_(union(*ids))


def like_pattern(words: str) -> str:
    """A LIKE pattern that matches the words literally (% and _ escaped)."""
    escaped = words.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def list_issues(user, *, q="", unit=None, status="", category="", mine=False, sort="new",
                page=1) -> Page:
    """A page of the issues the user may read, filtered and sorted; supports counted."""
    count = support_count().label("supports")
    stmt = (db.select(Issue, count).where(visible_to(user))
            .options(joinedload(Issue.unit), joinedload(Issue.author)))
    if q:
        pat = like_pattern(q)
        stmt = stmt.where(or_(Issue.title.like(pat, escape="\\"),
                              Issue.body.like(pat, escape="\\")))
    if unit is not None:
        stmt = stmt.where(Issue.unit_id.in_(db.select(Unit.id).where(
            Unit.path.startswith(unit.path))))
    if status in STATUSES:
        stmt = stmt.where(Issue.status == status)
    if category in CATEGORIES:
        stmt = stmt.where(Issue.category == category)
    if mine:
        stmt = stmt.where(Issue.author_id == user.id)
    order = (count.desc(),) if sort == "support" else ()
    stmt = stmt.order_by(*order, Issue.created_at.desc(), Issue.id.desc())
    rows = db.session.execute(stmt.limit(PER_PAGE + 1).offset((page - 1) * PER_PAGE)).all()
    return Page([(r[0], r[1]) for r in rows[:PER_PAGE]], page, len(rows) > PER_PAGE)


def supports_of(issue: Issue, user) -> tuple[int, bool]:
    """How many support the issue, and whether this user does."""
    n = db.session.scalar(db.select(func.count(Support.id)).where(Support.issue_id == issue.id))
    mine = db.session.scalar(db.select(Support.id).where(
        Support.issue_id == issue.id, Support.resident_id == user.id)) is not None
    return n, mine


def comments_page(issue: Issue, page: int | None = None) -> Page:
    """A page of the issue's comments, oldest first; None means the last page."""
    total = db.session.scalar(db.select(func.count(Comment.id))
                              .where(Comment.issue_id == issue.id))
    last = max(1, -(-total // COMMENTS_PER_PAGE))
    page = last if page is None else min(max(page, 1), last)
    rows = db.session.scalars(
        db.select(Comment).where(Comment.issue_id == issue.id).options(
            joinedload(Comment.author)).order_by(Comment.created_at, Comment.id)
        .limit(COMMENTS_PER_PAGE).offset((page - 1) * COMMENTS_PER_PAGE)).all()
    return Page(list(rows), page, page < last, {"total": total, "last": last})


def timeline(issue: Issue) -> list[IssueEvent]:
    """The issue's status changes, oldest first, with who made them."""
    return list(db.session.scalars(db.select(IssueEvent).where(IssueEvent.issue_id == issue.id)
                                   .options(joinedload(IssueEvent.actor))
                                   .order_by(IssueEvent.id)))


def my_issues(resident, limit: int = 10) -> list:
    """The resident's own issues, newest first, with who typed them in and whether that
    person is a volunteer, in one query: rows of (issue, by_volunteer)."""
    volunteer = db.select(RoleAssignment.id).where(
        RoleAssignment.resident_id == Issue.submitted_by_id,
        RoleAssignment.role == "volunteer").exists()
    return list(db.session.execute(
        db.select(Issue, volunteer).where(Issue.author_id == resident.id)
        .options(joinedload(Issue.submitted_by))
        .order_by(Issue.created_at.desc(), Issue.id.desc()).limit(limit)).all())
