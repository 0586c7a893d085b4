"""Which demo objects fill the URL parameters: ours (船柴社区, where the demo logins live and
work) and, for nested URLs, children that belong to another community."""

from datetime import timedelta

from community import clock
from community.extensions import db


def foreign_ids(ctx, ids) -> dict:
    """Child objects that belong to another community (锦江社区, or elsewhere), to put under
    a parent of 船柴社区 in nested URLs (/meetings/<ours>/items/<theirs>)."""
    from community.issues.models import Comment, Issue
    from community.meetings.models import AgendaItem, Body, BodyMember, Meeting, Stakeholder
    from community.projects.models import Project, Task
    from community.residents.models import RoleAssignment
    from community.units.models import Unit

    s = db.session
    theirs = Unit.path.startswith(ctx.units["锦江社区"].path)
    issue = s.scalar(db.select(Issue.id).join(Unit).where(theirs).limit(1))
    comment = Comment(issue_id=issue, author_id=ids["other_id"], body="锦江居民的留言")
    meeting = s.scalar(db.select(Meeting.id).join(Body).join(Unit).where(theirs).limit(1))
    stakeholder = Stakeholder(meeting_id=meeting, name="锦江商户", org="锦江路口商户")
    s.add_all([comment, stakeholder])
    s.flush()
    return {
        "comment_id": comment.id,
        "person_id": stakeholder.id,
        "resident_id": ids["other_id"],
        "role_id": s.scalar(db.select(RoleAssignment.id).join(Unit).where(theirs).limit(1)),
        "item_id": s.scalar(db.select(AgendaItem.id).where(AgendaItem.meeting_id == meeting)
                            .limit(1)),
        "member_id": s.scalar(db.select(BodyMember.id).join(Body).join(Unit).where(theirs)
                              .limit(1)),
        "task_id": s.scalar(db.select(Task.id).join(Project).join(Unit).where(
            ~Unit.path.startswith(ctx.units["船柴社区"].path)).limit(1)),
    }


def demo_ids(ctx) -> dict:
    """Ids of demo objects in 船柴社区 (where the demo logins live and work) for URL params."""
    from community.ballots.models import Ballot, Caster, Participation
    from community.issues.models import Comment, Issue, WebhookDelivery
    from community.meetings.models import (
        AgendaItem,
        Body,
        BodyMember,
        Meeting,
        Outcome,
        Stakeholder,
    )
    from community.projects.models import Fund, ProgressUpdate, Project, Task
    from community.residents.models import Membership, Resident
    from community.units.models import Household, Unit
    from community.volunteer.models import VolunteerAssignment

    s = db.session
    chuanchai = ctx.units["船柴社区"]
    under = Unit.path.startswith(chuanchai.path)

    def first(stmt):
        value = s.scalar(stmt.limit(1))
        assert value is not None, f"the demo has no row for {stmt}"
        return value

    logins = {r.id for r in ctx.logins.values()}
    building = ctx.units["船柴一区/1栋"]
    ballot = first(db.select(Ballot.id).join(Unit).where(under, Ballot.status == "open")
                   .order_by(Ballot.id))
    voted = db.select(Participation.voter_key).where(Participation.ballot_id == ballot)
    elector = first(db.select(Caster.resident_id).join(Membership,
                    Membership.resident_id == Caster.resident_id).join(Household)
                    .where(Caster.ballot_id == ballot, Household.building_id == building.id,
                           Caster.resident_id.not_in(logins), Caster.voter_key.not_in(voted))
                    .order_by(Caster.resident_id))
    issue = first(db.select(Issue.id).join(Unit).where(under, Issue.author_id ==
                  ctx.logins["resident"].id, Issue.status == "submitted").order_by(Issue.id))
    meeting = first(db.select(Meeting.id).join(Body).join(Unit).where(
        Unit.id == chuanchai.id, Meeting.minutes_published_at.is_(None)).order_by(Meeting.id))
    body = first(db.select(Body.id).where(Body.unit_id == chuanchai.id))
    project = first(db.select(Project.id).where(Project.unit_id == chuanchai.id))
    other = first(db.select(Resident).join(Membership).join(Household).join(Unit)
                  .where(Unit.path.startswith(ctx.units["锦江社区"].path),
                         Resident.phone.is_not(None), ~Resident.roles.any())
                  .order_by(Resident.id))
    comment = s.execute(db.select(Comment.id, Comment.issue_id).join(Issue).join(Unit)
                        .where(under, Comment.hidden_at.is_(None)).order_by(Comment.id)
                        .limit(1)).one()
    today = clock.now().date()
    return {
        "today": today.isoformat(),
        "in_20_days": (today + timedelta(days=20)).isoformat(),
        "elector_code": s.get(Resident, elector).code,
        "meeting_code": s.get(Meeting, meeting).code,
        "ballot_id": ballot,
        "resident_id": elector,
        "unit_id": chuanchai.id,
        "section": "minutes",
        "issue_id": issue,
        "comment_id": comment.id,
        "comment_issue_id": comment.issue_id,
        "meeting_id": meeting,
        "later_meeting_id": first(db.select(Meeting.id).where(
            Meeting.body_id == s.get(Meeting, meeting).body_id, Meeting.id > meeting)
            .order_by(Meeting.starts_at)),
        "item_id": first(db.select(AgendaItem.id).where(AgendaItem.meeting_id == meeting)),
        "action": "up",
        "person_id": first(db.select(Stakeholder.id).where(Stakeholder.meeting_id == meeting)),
        "body_id": body,
        "member_id": first(db.select(BodyMember.id).where(BodyMember.body_id == body,
                                                          BodyMember.resident_id.is_(None))),
        "outcome_id": first(db.select(Outcome.id).join(AgendaItem).join(Meeting).join(Body)
                            .join(Unit).where(under).order_by(Outcome.id)),
        "project_id": project,
        "done_project_id": first(db.select(Project.id).join(Unit).where(
            under, Project.status == "done").order_by(Project.id)),
        "task_id": first(db.select(Task.id).where(Task.project_id == project)),
        "update_id": first(db.select(ProgressUpdate.id).where(
            ProgressUpdate.project_id == project)),
        "fund_id": first(db.select(Fund.id).where(Fund.unit_id == chuanchai.id)),
        # A callback to 宜格服务 given up on (the worker may send it again).
        "delivery_id": first(db.select(WebhookDelivery.id).join(Issue).join(Unit).where(
            under, WebhookDelivery.status == "dead")),
        "evaluation_id": _evaluation(under, closed=False),
        # A closed one: its result is on the notice board, open to objections for a week.
        "closed_evaluation_id": _evaluation(under, closed=True),
        "building_id": building.id,
        "household_id": first(db.select(Household.id).where(
            Household.building_id == building.id)),
        "assignment_id": first(db.select(VolunteerAssignment.id).order_by(
            VolunteerAssignment.id)),
        # A role a worker may end: the demo volunteer's (they live in 船柴一区/1栋).
        "role_holder_id": ctx.logins["volunteer"].id,
        "role_id": ctx.logins["volunteer"].roles[0].id,
        "other_phone": other.phone,
        "other_id": other.id,
        "jinjiang_id": ctx.units["锦江社区"].id,
        "logins": {role: r.id for role, r in ctx.logins.items()},
    }


def _evaluation(under, closed: bool) -> int:
    from community.evaluations.models import Evaluation
    from community.projects.models import Project
    from community.units.models import Unit
    done = Evaluation.closed_at.is_not(None) if closed else Evaluation.closed_at.is_(None)
    return db.session.scalar(db.select(Evaluation.id).join(Project).join(Unit)
                             .where(under, done).order_by(Evaluation.id).limit(1))
