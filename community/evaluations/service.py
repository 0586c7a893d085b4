"""Open an evaluation, answer it once, close it, and reopen the project as 整改 if needed."""

from dataclasses import dataclass
from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

from flask import abort, current_app, request
from flask_babel import format_datetime
from sqlalchemy.exc import IntegrityError

from ..access import has_role, residents_in
from ..audit.service import record
from ..clock import now
from ..errors.domain import DomainError
from ..extensions import db
from ..i18n import gettext as _
from ..notify.service import notify_many
from ..projects.models import Project
from ..projects.service import VIEWERS, lives_in, move_issue
from ..web import site_path
from .models import Answer, Evaluation


class EvaluationError(DomainError):
    pass


@dataclass
class Tally:
    satisfied: int
    basic: int
    unsatisfied: int

    @property
    def total(self) -> int:
        return self.satisfied + self.basic + self.unsatisfied

    @property
    def rate(self) -> Fraction | None:
        """满意 + 基本满意 over all answers, exact."""
        return Fraction(self.satisfied + self.basic, self.total) if self.total else None

    @property
    def unsatisfied_share(self) -> Fraction | None:
        return Fraction(self.unsatisfied, self.total) if self.total else None


def verdict(tally: Tally, threshold: Fraction) -> str:
    """passed, rectify (不满意 reaches the threshold: ≥, "以上" includes it) or no_answers."""
    if not tally.total:
        return "no_answers"
    return "rectify" if tally.unsatisfied_share >= threshold else "passed"


def percent(value: Fraction | None) -> str:
    """An exact fraction as a percent with one decimal, rounded half up: 2/3 → 66.7%."""
    if value is None:
        return "—"
    pct = (Decimal(value.numerator) * 100 / Decimal(value.denominator))
    return f"{pct.quantize(Decimal('0.1'), ROUND_HALF_UP)}%"


def default_threshold() -> Fraction:
    return Fraction(current_app.config.get("EVALUATION_RECTIFY_THRESHOLD", "1/3"))


def open_evaluation_for(project: Project):
    return db.session.scalar(db.select(Evaluation).where(
        Evaluation.project_id == project.id, Evaluation.closed_at.is_(None)))


def can_open(user, project: Project) -> bool:
    """A supervisor over the unit, a finished project, and no round still running."""
    return (project.status == "done" and has_role(user, "supervisor", project.unit)
            and open_evaluation_for(project) is None)


def open_evaluation(project: Project, actor, closes_at: datetime,
                    threshold: Fraction | None = None, by_household: bool = False,
                    submit_token: str | None = None) -> Evaluation:
    """The supervision committee opens a round of evaluation; audit; commit once."""
    if submit_token and (done := db.session.scalar(db.select(Evaluation).where(
            Evaluation.submit_token == submit_token))):
        return done
    if not has_role(actor, "supervisor", project.unit):
        abort(403)
    if not can_open(actor, project):
        raise EvaluationError(_("项目完工后才能评价，且同一时间只能有一轮评价"))
    if closes_at <= now():
        raise EvaluationError(_("截止时间要晚于现在"), "closes_at")
    threshold = threshold or default_threshold()
    rounds = db.session.scalar(db.select(db.func.count(Evaluation.id)).where(
        Evaluation.project_id == project.id))
    ev = Evaluation(project_id=project.id, round=rounds + 1, opened_by_id=actor.id,
                    closes_at=closes_at, threshold_num=threshold.numerator,
                    threshold_den=threshold.denominator, by_household=by_household,
                    submit_token=submit_token)
    db.session.add(ev)
    db.session.flush()
    record("evaluation_opened", ev, actor=actor, unit_id=project.unit_id,
           project_id=project.id, closes_at=closes_at, threshold=str(threshold))
    notify_many(db.session.scalars(residents_in(project.unit)),
                _("请您评价：%(title)s，%(day)s截止", title=project.title,
                  day=format_datetime(closes_at, _("M月d日"))),
                site_path("evaluations.show", evaluation_id=ev.id), sms=True)
    db.session.commit()
    return ev


def get_evaluation_or_404(evaluation_id: int, user) -> Evaluation:
    """The evaluation, for those it served and the staff over the unit. A GET writes nothing
    (a round past its time reads as closed: `outcome_of`); a write (POST) closes it first if
    due, as `flask close-due-evaluations` does from cron."""
    ev = db.get_or_404(Evaluation, evaluation_id)
    unit = ev.project.unit
    if not (lives_in(user, unit) or has_role(user, VIEWERS, unit)):
        abort(403)
    if ev.closed_at is None and not ev.is_open and request.method not in ("GET", "HEAD"):
        close_evaluation(ev)
    return ev


def outcome_of(evaluation: Evaluation, t: Tally) -> str | None:
    """The published outcome, or the one the tally gives a round past its time that no write
    has closed yet; None while the round runs."""
    if evaluation.outcome or evaluation.is_open:
        return evaluation.outcome
    return verdict(t, evaluation.threshold)


def household_for(resident, evaluation: Evaluation):
    """The resident's household in the unit the project served (first by registration)."""
    unit = evaluation.project.unit
    return next((m.household for m in resident.memberships
                 if unit.contains(m.household.building)), None)


def my_answer(evaluation: Evaluation, resident) -> Answer | None:
    """The answer already given by the resident (or their household)."""
    stmt = db.select(Answer).where(Answer.evaluation_id == evaluation.id)
    if evaluation.by_household:
        home = household_for(resident, evaluation)
        return db.session.scalar(stmt.where(
            (Answer.resident_id == resident.id) | (Answer.household_id == getattr(home, "id", -1))))
    return db.session.scalar(stmt.where(Answer.resident_id == resident.id))


def answer(evaluation: Evaluation, resident, choice: str, comment: str = "",
           channel: str = "web") -> Answer:
    """Record one answer from someone the project served; the database refuses a second."""
    if not lives_in(resident, evaluation.project.unit):
        abort(403)
    if not evaluation.is_open:
        raise EvaluationError(_("评价已经结束"))
    home = household_for(resident, evaluation) if evaluation.by_household else None
    ans = Answer(evaluation_id=evaluation.id, resident_id=resident.id, choice=choice,
                 household_id=home.id if home else None, comment=comment.strip(),
                 channel=channel)
    db.session.add(ans)
    try:
        db.session.flush()
    except IntegrityError:
        db.session.rollback()
        raise EvaluationError(_("您（您家）已经评价过了，每人（每户）只能评价一次")) from None
    record("evaluation_answered", ans, actor=resident, unit_id=evaluation.project.unit_id,
           evaluation_id=evaluation.id)
    db.session.commit()
    return ans


def tally(evaluation: Evaluation) -> Tally:
    rows = dict(db.session.execute(db.select(Answer.choice, db.func.count(Answer.id)).where(
        Answer.evaluation_id == evaluation.id).group_by(Answer.choice)).all())
    return Tally(rows.get("satisfied", 0), rows.get("basic", 0), rows.get("unsatisfied", 0))


def close_evaluation(evaluation: Evaluation, actor=None) -> Evaluation:
    """Close the round: publish the result; at the threshold the project goes back to 整改."""
    if evaluation.closed_at is not None:
        return evaluation
    project, t = evaluation.project, tally(evaluation)
    evaluation.outcome = verdict(t, evaluation.threshold)
    evaluation.closed_at = now()
    if evaluation.outcome == "rectify":
        project.status, project.updated_at = "rectifying", now()
        move_issue(project, "implementing", actor, _("满意度评价未通过，整改"))
    elif evaluation.outcome == "passed":
        move_issue(project, "closed", actor, _("满意度 %(rate)s，评价通过", rate=percent(t.rate)))
    record("evaluation_closed", evaluation, actor=actor, unit_id=project.unit_id,
           outcome=evaluation.outcome, satisfied=t.satisfied, basic=t.basic,
           unsatisfied=t.unsatisfied)
    db.session.commit()
    return evaluation


def settle_due() -> int:
    """Close every round whose closing time has passed (cron; pages read them as closed)."""
    due = list(db.session.scalars(db.select(Evaluation).where(
        Evaluation.closed_at.is_(None), Evaluation.closes_at <= now())))
    for ev in due:
        close_evaluation(ev)
    return len(due)


def evaluations_of(project: Project) -> list[Evaluation]:
    return list(db.session.scalars(db.select(Evaluation).where(
        Evaluation.project_id == project.id).order_by(Evaluation.round)))


def comments(evaluation: Evaluation) -> list[str]:
    """The comments given, without who gave them."""
    return [c for c in db.session.scalars(db.select(Answer.comment).where(
        Answer.evaluation_id == evaluation.id, Answer.comment != "").order_by(Answer.id))]


def project_panel(project: Project, user) -> dict:
    """What the project page shows about evaluation."""
    rounds = evaluations_of(project)
    last = rounds[-1] if rounds else None
    rectify = None
    if project.status == "rectifying" and last and last.outcome == "rectify":
        rectify = {"round": last.round, "threshold_text": last.threshold_text,
                   "comments": comments(last)}
    return {"evaluations": rounds, "rectify": rectify, "can_evaluate": can_open(user, project)}
