"""Demo evaluations: a finished project judged by those it served, and one round still open."""

from datetime import timedelta

from ..access import residents_in
from ..clock import now
from ..extensions import db
from ..residents.models import Resident
from .models import Answer, Evaluation
from .service import Tally, verdict

# 满意, 基本满意, 不满意 in the closed round: 14 of 16 satisfied or basically satisfied.
CHOICES = ["satisfied"] * 9 + ["basic"] * 5 + ["unsatisfied"] * 2
COMMENTS = {0: "灯很亮，晚上下楼放心多了。", 9: "基本可以，3栋二楼的灯有点暗。",
            14: "施工那几天楼道太乱，希望以后提前通知。"}


def seed(ctx) -> None:
    """A closed round for 楼道照明改造 and an open one for the 停车棚 (needs projects.demo)."""
    supervisor = ctx.logins["supervisor"]
    lights, shed = ctx.projects["lights"], ctx.projects["shed"]
    opened = now() - timedelta(days=20)
    done = Evaluation(project_id=lights.id, round=1, opened_by_id=supervisor.id,
                      opened_at=opened, closes_at=opened + timedelta(days=14))
    db.session.add(done)
    db.session.flush()
    people = list(db.session.scalars(residents_in(ctx.units["船柴一区"]).where(
        Resident.phone.is_(None) | ~Resident.phone.like("138000000%"))
        .order_by(Resident.id).limit(len(CHOICES))))
    for i, (person, choice) in enumerate(zip(people, CHOICES, strict=False)):
        db.session.add(Answer(evaluation_id=done.id, resident_id=person.id, choice=choice,
                              comment=COMMENTS.get(i, ""), created_at=opened + timedelta(hours=i)))
    counts = [CHOICES[:len(people)].count(c) for c in ("satisfied", "basic", "unsatisfied")]
    done.outcome = verdict(Tally(*counts), done.threshold)
    done.closed_at = done.closes_at
    db.session.add(Evaluation(project_id=shed.id, round=1, opened_by_id=supervisor.id,
                              opened_at=now() - timedelta(days=1),
                              closes_at=now() + timedelta(days=13)))
    db.session.flush()
