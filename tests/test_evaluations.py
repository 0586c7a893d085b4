"""民事民评: only those served answer, once each; 不满意 at the threshold sends it to 整改."""

from datetime import timedelta
from fractions import Fraction

import pytest
from sqlalchemy.exc import IntegrityError

from community.audit.models import AuditLog
from community.clock import now
from community.evaluations import service
from community.evaluations.models import Answer, Evaluation
from community.extensions import db
from community.projects import service as projects
from tests.factories import make_household, make_resident
from tests.security.site import QueryCounter
from tests.test_projects import build_world, login


@pytest.fixture
def world(app):
    w = build_world()
    projects.change_project_status(w.project, "start", w.worker)
    projects.change_project_status(w.project, "finish", w.worker)
    return w


def _open(w, **kw) -> Evaluation:
    return service.open_evaluation(w.project, w.supervisor, now() + timedelta(days=7), **kw)


def _answers(w, ev, choices):
    """One new resident of the served unit per choice, each answering once."""
    for c in choices:
        person = make_resident(make_household(w.tree["b1"]))
        service.answer(ev, person, c)


def test_tally_and_verdict_are_exact():
    t = service.Tally(satisfied=1, basic=1, unsatisfied=1)
    assert t.rate == Fraction(2, 3) and service.percent(t.rate) == "66.7%"
    assert service.verdict(t, Fraction(1, 3)) == "rectify"  # 以上 includes the number
    assert service.verdict(service.Tally(2, 2, 1), Fraction(1, 3)) == "passed"  # 1/5 < 1/3
    assert service.verdict(service.Tally(0, 0, 0), Fraction(1, 3)) == "no_answers"
    assert service.percent(Fraction(1, 8)) == "12.5%" and service.percent(None) == "—"


def test_exactly_one_third_unsatisfied_reopens_as_rectification(world):
    ev = _open(world)
    _answers(world, ev, ["satisfied", "basic", "unsatisfied", "satisfied", "basic",
                         "unsatisfied"])  # 2/6 = 1/3 exactly
    service.answer(ev, world.resident, "basic", "路灯还有两盏不亮")
    service.answer(ev, world.neighbour, "unsatisfied", "施工垃圾没清走")  # 3/8 ≥ 1/3
    service.close_evaluation(ev, world.supervisor)
    assert ev.outcome == "rectify" and world.project.status == "rectifying"
    panel = service.project_panel(world.project, world.supervisor)
    assert panel["rectify"]["comments"] == ["路灯还有两盏不亮", "施工垃圾没清走"]
    # After 整改 the project is finished again and a new round can run.
    projects.change_project_status(world.project, "finish", world.worker)
    again = _open(world)
    assert again.round == 2


@pytest.mark.parametrize("choices,outcome", [
    (["unsatisfied", "satisfied", "satisfied"], "rectify"),  # exactly 1/3
    (["unsatisfied", "satisfied", "satisfied", "basic"], "passed"),  # 1/4, just under
    (["unsatisfied"] * 333 + ["satisfied"] * 667, "passed"),  # 0.333 < 1/3
])
def test_threshold_boundary(world, choices, outcome):
    ev = _open(world)  # the default threshold, 1/3, as stored
    assert ev.threshold == Fraction(1, 3)
    t = service.Tally(choices.count("satisfied"), choices.count("basic"),
                      choices.count("unsatisfied"))
    assert service.verdict(t, ev.threshold) == outcome


def test_boundary_through_the_service(world):
    ev = _open(world)
    _answers(world, ev, ["unsatisfied", "satisfied", "basic", "satisfied"])  # 1/4: passes
    service.close_evaluation(ev)
    assert ev.outcome == "passed" and world.project.status == "done"


def test_a_resident_of_another_unit_is_refused_with_403(client, auth, world):
    ev = _open(world)
    login(auth, world.outsider)
    assert client.get(f"/evaluations/{ev.id}").status_code == 403
    r = auth.post(f"/evaluations/{ev.id}/answer", {"choice": "satisfied", "confirmed": "1"},
                  token_from="/")
    assert r.status_code == 403
    assert db.session.scalar(db.select(db.func.count(Answer.id))) == 0


def test_staff_without_a_home_there_cannot_answer(client, auth, world):
    ev = _open(world)
    login(auth, world.supervisor)
    assert client.get(f"/evaluations/{ev.id}").status_code == 200
    r = auth.post(f"/evaluations/{ev.id}/answer", {"choice": "satisfied", "confirmed": "1"},
                  token_from=f"/evaluations/{ev.id}")
    assert r.status_code == 403


def test_answer_is_confirmed_then_recorded_once(client, auth, world):
    ev = _open(world)
    login(auth, world.resident)
    url = f"/evaluations/{ev.id}"
    page = client.get(url).get_data(as_text=True)
    assert "您对这个项目满意吗" in page
    r = auth.post(url + "/answer", {"choice": "basic", "comment": "还行"}, token_from=url)
    assert r.status_code == 200 and "请确认" in r.get_data(as_text=True)
    assert db.session.scalar(db.select(db.func.count(Answer.id))) == 0
    data = {"choice": "basic", "comment": "还行", "confirmed": "1"}
    assert auth.post(url + "/answer", data, token_from=url).status_code == 303
    r = auth.post(url + "/answer", data | {"choice": "unsatisfied"}, token_from=url)
    assert r.status_code == 303
    assert db.session.scalar(db.select(db.func.count(Answer.id))) == 1
    assert "已经评价过" in client.get(url).get_data(as_text=True)


def test_missing_choice_is_shown_beside_the_field(client, auth, world):
    ev = _open(world)
    login(auth, world.resident)
    url = f"/evaluations/{ev.id}"
    r = auth.post(url + "/answer", {"comment": "意见" * 10}, token_from=url)
    assert r.status_code == 422 and "请选一项" in r.get_data(as_text=True)
    assert "意见意见" in r.get_data(as_text=True)


def test_database_keeps_one_answer_per_resident_and_per_household(world):
    ev = _open(world, by_household=True)
    service.answer(ev, world.resident, "satisfied")
    spouse = make_resident(world.resident.memberships[0].household, name="家人")
    with pytest.raises(service.EvaluationError, match="已经评价过"):
        service.answer(ev, spouse, "unsatisfied")
    db.session.add(Answer(evaluation_id=ev.id, resident_id=world.resident.id, choice="basic"))
    with pytest.raises(IntegrityError):
        db.session.flush()
    db.session.rollback()


def test_closes_at_its_time_and_publishes(client, auth, world, monkeypatch):
    ev = _open(world)
    service.answer(ev, world.resident, "satisfied")
    later = now() + timedelta(days=8)
    monkeypatch.setattr("community.evaluations.models.now", lambda: later)
    monkeypatch.setattr("community.evaluations.service.now", lambda: later)
    with pytest.raises(service.EvaluationError, match="结束"):
        service.answer(ev, world.neighbour, "satisfied")
    login(auth, world.neighbour)
    with QueryCounter(db.engine) as counter:  # a GET reads it as closed and writes nothing
        html = client.get(f"/evaluations/{ev.id}").get_data(as_text=True)
    assert 'data-outcome="passed"' in html and "100.0%" in html
    assert not [s for s in counter.statements if s.lstrip().upper().startswith(
        ("INSERT", "UPDATE", "DELETE"))]
    db.session.expire_all()
    assert db.session.get(Evaluation, ev.id).closed_at is None and not _closed_rows(ev)
    assert service.settle_due() == 1 and service.settle_due() == 0  # cron publishes it, once
    assert db.session.get(Evaluation, ev.id).outcome == "passed" and _closed_rows(ev) == 1


def _closed_rows(ev) -> int:
    return db.session.scalar(db.select(db.func.count(AuditLog.id)).where(
        AuditLog.action == "evaluation_closed", AuditLog.object_id == ev.id))


def test_only_a_supervisor_opens_and_only_when_done(client, auth, world):
    url = f"/evaluations/new?project_id={world.project.id}"
    login(auth, world.worker)
    assert client.get(url).status_code == 403
    auth.logout()
    login(auth, world.supervisor)
    r = auth.post(url, {"closes_on": (now().date() + timedelta(days=7)).isoformat(),
                        "threshold": "1/3"})
    assert r.status_code == 303
    r = auth.post(url, {"closes_on": (now().date() + timedelta(days=7)).isoformat(),
                        "threshold": "1/3"})
    assert r.status_code == 422  # one round at a time
    r = auth.post(url, {"closes_on": "2026-01-01", "threshold": "3/2"})
    assert r.status_code == 422 and "不超过1" in r.get_data(as_text=True)


def test_residents_see_open_evaluations_in_their_to_dos(client, auth, world):
    _open(world)
    login(auth, world.resident)
    assert "请评价：推墙联心" in client.get("/").get_data(as_text=True)


@pytest.mark.parametrize("who,status", [("anonymous", 303), ("resident", 200),
                                        ("outsider", 403), ("worker", 200),
                                        ("volunteer", 200), ("supervisor", 200)])
def test_access_to_the_evaluation_page(client, auth, world, who, status):
    ev = _open(world)
    if who != "anonymous":
        login(auth, getattr(world, who))
    assert client.get(f"/evaluations/{ev.id}").status_code == status
    r = auth.post(f"/evaluations/{ev.id}/close", {}, token_from="/login" if who == "anonymous"
                  else "/")
    assert r.status_code == {"anonymous": 303, "supervisor": 303}.get(who, 403)
