"""Shared builders for the meeting tests (民事民议), and checks of the test world itself."""

from datetime import timedelta
from types import SimpleNamespace

import pytest
from sqlalchemy.exc import IntegrityError

from community import clock
from community.extensions import db
from community.issues import service as issues
from community.meetings import service
from community.meetings.models import Attendance, Body, BodyMember, Meeting
from community.meetings.seats import quorum_met
from tests.conftest import count, form_tokens, post_form  # noqa: F401 - shared by the area's tests
from tests.factories import make_household, make_resident, make_tree


def make_world() -> SimpleNamespace:
    """Two communities; a worker, a Party reviewer and residents (phones 1390000000N);
    a 4+N committee with three members, one seat (常住外来人口代表) left empty."""
    t, o = make_tree(), make_tree("外")
    w = SimpleNamespace(t=t, o=o)
    w.resident = make_resident(make_household(t["b1"]), name="居民甲", phone="13900000001")
    w.neighbour = make_resident(make_household(t["b2"]), name="邻居乙", phone="13900000002")
    w.outsider = make_resident(make_household(o["b1"]), name="外人丁", phone="13900000004")
    w.worker = make_resident(None, name="工作人员己", phone="13900000006",
                             roles=[("worker", t["community"])])
    w.other_worker = make_resident(make_household(o["b2"]), name="外工作人员",
                                   phone="13900000007", roles=[("worker", o["community"])])
    w.reviewer = make_resident(None, name="审核人庚", phone="13900000008",
                               roles=[("party_reviewer", t["community"])])
    w.body = Body(unit=t["community"], name="测试社区议事协商委员会", kind="committee",
                  quorum="2/3")
    w.body.members = [
        BodyMember(resident=w.worker, name=w.worker.name, seat="liangwei"),
        BodyMember(resident=w.resident, name=w.resident.name, seat="resident_rep"),
        BodyMember(name="赵经理", org="某某社工服务中心", seat="social_org")]
    db.session.add(w.body)
    w.issue = triaged_issue(w, t["compound"], "晾衣难", "small")
    w.micro = triaged_issue(w, t["b1"], "楼道灯不亮", "micro")
    db.session.commit()
    return w


def triaged_issue(w, unit, title: str, category: str):
    issue = issues.post_issue(author=w.resident, unit=unit, title=title)
    issue.category = category
    issues.change_status(issue, "triaged", w.worker, "小事：交议事协商委员会")
    return issue


def plan(days: float = 3, title="3月月议", agenda=("晾衣架怎么装",), **kw) -> service.Plan:
    start = clock.now().replace(microsecond=0) + timedelta(days=days)
    return service.Plan(title=title, kind=kw.pop("kind", "regular"), starts_at=start,
                        ends_at=start + timedelta(hours=2), mode="onsite",
                        place=kw.pop("place", "党群服务中心"),
                        agenda=list(agenda), **kw)


def make_meeting(w, days: float = 3, **kw) -> Meeting:
    """A meeting scheduled through the service, as the new-meeting form would."""
    return service.schedule(w.body, plan(days, **kw), w.worker, None)


def at(monkeypatch, moment):
    """Move the clock to moment."""
    monkeypatch.setattr(clock, "now", lambda: moment)


def test_world(app):
    w = make_world()
    assert w.issue.status == "triaged" and len(w.body.members) == 3
    m = make_meeting(w)
    assert len(m.code) == 4 and m.code.isdigit() and [i.title for i in m.items] == ["晾衣架怎么装"]


@pytest.mark.parametrize("present,total,quorum,met", [
    (2, 3, "2/3", True), (1, 3, "2/3", False), (4, 6, "2/3", True), (3, 6, "2/3", False),
    (3, 6, "1/2", False), (4, 6, "1/2", True), (3, 4, "3/4", True), (0, 0, "2/3", False)])
def test_quorum_boundaries(present, total, quorum, met):
    # "以上" includes the number (exactly 2/3 is enough); "过半数" does not (half is not).
    assert quorum_met(present, total, quorum) is met


def test_one_attendance_per_person_is_a_database_rule(app):
    w = make_world()
    m = make_meeting(w)
    for _ in range(2):
        db.session.add(Attendance(meeting=m, person=f"r{w.resident.id}", resident_id=w.resident.id,
                                  name="x", seat="resident", method="code"))
    with pytest.raises(IntegrityError):
        db.session.commit()
    db.session.rollback()


def test_time_order_is_a_database_rule(app):
    w = make_world()
    m = make_meeting(w)
    m.ends_at = m.starts_at
    with pytest.raises(IntegrityError):
        db.session.commit()
    db.session.rollback()


def test_monthly_series_keeps_the_day_or_the_month_end():
    from datetime import datetime
    start = datetime(2026, 1, 31, 11, 0)
    got = [s for s, _ in service.occurrences(start, start + timedelta(hours=1), "monthly", 3)]
    assert got == [start, datetime(2026, 2, 28, 11, 0), datetime(2026, 3, 31, 11, 0)]
    weekly = [s for s, _ in service.occurrences(start, start, "weekly", 2)]
    assert weekly == [start, start + timedelta(days=7)]
