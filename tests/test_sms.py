"""SMS notices: the outbox, quiet hours, sending each message once, and which events send
one (a vote cast in someone's name, a ballot opening and closing, a meeting of one's body or
about one's issue, an evaluation)."""

from datetime import datetime, timedelta

import pytest

from community import clock
from community.ballots import assist
from community.ballots import service as ballots
from community.ballots.electorate import my_votes
from community.evaluations import service as evaluations
from community.extensions import db
from community.issues import service as issues
from community.meetings import service as meetings
from community.notify import sms
from community.notify.models import SmsMessage
from community.notify.service import notify
from community.projects import service as projects
from tests.ballot_factories import make_ballot, worker_of
from tests.factories import make_household, make_resident, make_tree
from tests.test_meetings_setup import make_world as meeting_world
from tests.test_meetings_setup import plan
from tests.test_projects import build_world as project_world

# 2026-12-07 10:00 and 22:30 in Beijing, as naive UTC.
DAY = datetime(2026, 12, 7, 2, 0)
NIGHT = datetime(2026, 12, 7, 14, 30)
NEXT_MORNING = datetime(2026, 12, 8, 0, 0)  # 08:00 Beijing


@pytest.fixture
def tree(app):
    with app.app_context():
        yield make_tree()


def texts(phone=None):
    stmt = db.select(SmsMessage).order_by(SmsMessage.id)
    if phone:
        stmt = stmt.where(SmsMessage.phone == phone)
    return [m.text for m in db.session.scalars(stmt)]


def at(monkeypatch, moment):
    monkeypatch.setattr(clock, "now", lambda: moment)


def test_quiet_hours_are_21_to_8_beijing_time():
    assert clock.next_daytime(DAY) == DAY
    assert clock.next_daytime(NIGHT) == NEXT_MORNING
    assert clock.next_daytime(datetime(2026, 12, 7, 23, 0)) == NEXT_MORNING  # 07:00 Beijing
    assert clock.next_daytime(datetime(2026, 12, 7, 12, 59)) == datetime(2026, 12, 7, 12, 59)
    assert clock.next_daytime(datetime(2026, 12, 7, 13, 0)) == NEXT_MORNING  # 21:00 sharp


def test_a_message_is_signed_one_segment_and_waits_for_the_morning(tree, monkeypatch):
    person = make_resident(make_household(tree["b1"]), phone="13900000001")
    at(monkeypatch, NIGHT)
    notify(person, "很长的通知" * 20, "/", sms=True)
    db.session.commit()
    (message,) = db.session.scalars(db.select(SmsMessage))
    assert message.text.startswith("【议事厅】") and len(message.text) == 70
    assert message.status == "queued" and message.send_after == NEXT_MORNING
    assert sms.deliver_due() == (0, 0)  # 22:30: nothing goes out
    at(monkeypatch, NEXT_MORNING)
    assert sms.deliver_due() == (1, 0)
    assert sms.deliver_due() == (0, 0)  # sent once
    db.session.refresh(message)
    assert message.status == "sent" and message.sent_at == NEXT_MORNING


class Broken:
    name = "broken"

    def send(self, phone, text):
        raise ConnectionError("网关超时")


def test_a_failing_gateway_is_retried_with_backoff_then_given_up(app, tree, monkeypatch):
    person = make_resident(make_household(tree["b1"]), phone="13900000001")
    at(monkeypatch, DAY)
    notify(person, "通知", "/", sms=True)
    db.session.commit()
    monkeypatch.setattr(sms, "backend", Broken)
    now = DAY
    for attempt in range(1, sms.MAX_ATTEMPTS + 1):
        at(monkeypatch, now)
        assert sms.deliver_due() == (0, 1)
        message = db.session.scalar(db.select(SmsMessage))
        assert message.attempts == attempt and "网关超时" in message.error
        if attempt < sms.MAX_ATTEMPTS:
            assert message.status == "queued"
            assert message.send_after == now + timedelta(minutes=2 ** attempt)
            at(monkeypatch, message.send_after - timedelta(seconds=1))
            assert sms.deliver_due() == (0, 0)  # not before its time
            now = message.send_after
    assert message.status == "failed"


def test_no_sms_without_a_phone_after_opting_out_or_after_death(tree):
    no_phone = make_resident(make_household(tree["b1"]))
    opted_out = make_resident(make_household(tree["b1"]), phone="13900000002")
    opted_out.sms_opt_out = True
    gone = make_resident(make_household(tree["b1"]), phone="13900000003")
    gone.died_on = clock.today()
    for person in (no_phone, opted_out, gone):
        notify(person, "通知", "/", sms=True)
    db.session.commit()
    assert texts() == []


def test_ballot_opening_and_closing_reach_the_electorate_by_sms(tree, monkeypatch):
    at(monkeypatch, DAY)
    make_resident(make_household(tree["b1"]), phone="13900000001")
    elsewhere = make_resident(make_household(make_tree("别处")["b1"]), phone="13900000002")
    ballot = make_ballot(tree["compound"])
    assert texts("13900000001") == ["【议事厅】投票开始：测试表决，12月14日 10:00截止"]
    ballots.close_ballot(ballot, worker_of(tree["community"]))
    assert texts("13900000001")[-1].startswith("【议事厅】表决结果：测试表决——")
    assert texts("13900000002") == [] and elsewhere.id


def test_a_vote_cast_for_a_resident_tells_them_by_sms(tree, monkeypatch):
    at(monkeypatch, DAY)
    voter = make_resident(make_household(tree["b1"]), phone="13900000001", pin="246810")
    helper = make_resident(None, name="志愿者小李", roles=[("volunteer", tree["b1"])])
    ballot = make_ballot(tree["compound"])
    option = next(o for o in ballot.options if o.label == "同意")
    (key,) = [v.key for v in my_votes(ballot, voter)]
    assist.assisted_vote(ballot, helper, voter, option, key=key, receipt=ballots.new_receipt(),
                         pin="246810")
    assert texts("13900000001")[-1] == (
        "【议事厅】志愿者 志愿者小李 协助您投了票：测试表决。如不是您本人的意思，请联系社区")


def test_a_meeting_tells_its_members_and_the_authors_of_its_issues_by_sms(app, monkeypatch):
    at(monkeypatch, DAY)
    with app.app_context():
        w = meeting_world()  # 居民甲 sits on the body and wrote 晾衣难
        bystander = make_resident(make_household(w.t["b1"]), phone="13900000009")
        author = issues.post_issue(author=w.neighbour, unit=w.t["compound"], title="停车难")
        issues.change_status(author, "triaged", w.worker, "小事")
        meetings.schedule(w.body, plan(issues=[w.issue, author]), w.worker, None)
        db.session.commit()
        def invitations(phone):
            return [t for t in texts(phone) if t.startswith("【议事厅】会议通知：")]
        assert len(invitations(w.resident.phone)) == 1
        assert len(invitations(w.neighbour.phone)) == 1  # their issue is on the agenda
        assert texts(bystander.phone) == []  # a notice in their to-dos, no SMS


def test_an_evaluation_invites_those_it_served_by_sms(app, monkeypatch):
    at(monkeypatch, DAY)
    with app.app_context():
        w = project_world()
        projects.change_project_status(w.project, "start", w.worker)
        projects.change_project_status(w.project, "finish", w.worker)
        evaluations.open_evaluation(w.project, w.supervisor, DAY + timedelta(days=7))
        assert texts(w.resident.phone) == ["【议事厅】请您评价：推墙联心，12月14日截止"]
        assert texts(w.outsider.phone) == []


def test_the_sms_deliver_command_sends_what_is_due(app, tree, runner, monkeypatch):
    at(monkeypatch, DAY)
    person = make_resident(make_household(tree["b1"]), phone="13900000001")
    notify(person, "通知", "/", sms=True)
    db.session.commit()
    result = runner.invoke(args=["sms-deliver"])
    assert result.exit_code == 0 and "已发送 1 条短信" in result.output
    assert db.session.scalar(db.select(SmsMessage.status)) == "sent"
