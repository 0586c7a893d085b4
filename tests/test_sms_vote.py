"""Voting by SMS (issue 17 §2): the invitation, "1 4821" then "确认 4821", the receipt, wrong
codes, one vote per voter or household across channels, closed ballots, STOP, the night queue
and a race with the web, all through `flask sms-receive` and the outbox."""

import json
import re
import threading
from datetime import datetime, timedelta

import pytest

from community import clock
from community.audit.models import AuditLog
from community.ballots import service
from community.ballots.models import Ballot, BallotCount, Participation, SecretChoice, SmsCode
from community.extensions import db
from community.notify import sms
from community.notify.models import Notice, SmsInbound, SmsMessage
from tests.ballot_factories import confirm_page, login, make_ballot, option_id, ticket_of, worker_of
from tests.conftest import csrf_token
from tests.factories import make_household, make_resident, make_tree

DAY = datetime(2026, 12, 7, 2, 0)  # 10:00 Beijing
NIGHT = datetime(2026, 12, 7, 15, 0)  # 23:00 Beijing
PHONE, MATE = "13900000101", "13900000102"
WITH_SMS = ("web", "kiosk", "paper", "sms")


@pytest.fixture
def world(app, monkeypatch):
    at(monkeypatch, DAY)
    tree = make_tree()
    home = make_household(tree["b1"], "1单元101")
    t = {"tree": tree, "voter": make_resident(home, name="张秀英", phone=PHONE),
         "mate": make_resident(home, name="张大山", phone=MATE),
         "worker": worker_of(tree["community"], "王建华"), "runner": app.test_cli_runner()}
    return t


def at(monkeypatch, moment):
    monkeypatch.setattr(clock, "now", lambda: moment)


def send(world, text, phone=PHONE) -> str:
    """An SMS typed in through `flask sms-receive`; what the command printed."""
    result = world["runner"].invoke(args=["sms-receive", phone, text])
    assert result.exit_code == 0, result.output
    return result.output


def outbox(phone=PHONE) -> list[str]:
    db.session.expire_all()
    return [m.text.removeprefix(sms.SIGNATURE) for m in db.session.scalars(
        db.select(SmsMessage).where(SmsMessage.phone == phone, SmsMessage.status != "failed")
        .order_by(SmsMessage.id))]


def last(phone=PHONE) -> str:
    return outbox(phone)[-1]


def code_of(phone=PHONE) -> str:
    return re.search(r"投票码(\d{4})", " ".join(outbox(phone))).group(1)


def open_ballot(world, basis="resident", channels=WITH_SMS, **kw):
    return make_ballot(world["tree"]["compound"], actor=world["worker"], basis=basis,
                       channels=channels, **kw)


def wide(text: str) -> str:
    """The digits as a phone's full-width keyboard types them."""
    return text.translate({ord(c): ord(c) + 0xFEE0 for c in "0123456789"})


def test_the_invitation_names_question_options_closing_link_and_a_code_kept_hashed(world):
    ballot = open_ballot(world)
    texts = outbox()
    joined = " ".join(texts)
    assert "投票：测试表决" in joined and "1.同意 2.反对 3.弃权" in joined
    assert "截止" in joined and f"/ballots/{ballot.id}" in joined
    assert "投票开始" not in joined  # the invitation is the one SMS at opening
    code = code_of()
    assert all(len(t) <= sms.MAX_LENGTH - len(sms.SIGNATURE) for t in texts)
    row = db.session.get(SmsCode, (ballot.id, world["voter"].id))
    assert row.code_hash != code and len(row.code_hash) == 64 and code not in row.code_hash
    assert db.session.scalar(db.select(db.func.count()).select_from(SmsCode)) == 2


def test_a_ballot_without_the_sms_channel_sends_no_code(world):
    open_ballot(world, channels=("web", "paper"))
    assert "投票码" not in " ".join(outbox()) and "投票开始" in " ".join(outbox())
    assert db.session.scalar(db.select(db.func.count()).select_from(SmsCode)) == 0


def test_a_whole_vote_by_sms_is_counted_audited_and_answered_with_its_receipt(world):
    ballot = open_ballot(world)
    code = code_of()
    send(world, wide(f" 1  {code} "))
    assert "您选的是“同意”" in last() and f"确认 {code}" in last()
    assert db.session.scalar(db.select(db.func.count()).select_from(Participation)) == 0
    send(world, f"确认{wide(code)}")
    done = db.session.scalar(db.select(Participation))
    assert (done.channel, done.resident_id, done.option_id) == ("sms", world["voter"].id, None)
    receipt = db.session.scalar(db.select(SecretChoice.receipt))
    assert "已投票" in last() and f"{receipt[:4]}\u2011{receipt[4:]}" in last()
    assert db.session.get(BallotCount, (ballot.id, option_id(ballot, "同意"))).heads == 1
    audit = db.session.scalar(db.select(AuditLog).where(AuditLog.action == "ballot_vote"))
    assert json.loads(audit.detail)["channel"] == "sms"
    assert db.session.get(SmsCode, (ballot.id, world["voter"].id)).pending_option_id is None
    send(world, f"2 {code}")  # a second vote
    assert last() == "您已投过票（短信），不能再投。"
    assert db.session.scalar(db.select(db.func.count()).select_from(Participation)) == 1


def test_words_choose_too_and_the_result_counts_the_sms_vote(world):
    ballot = open_ballot(world)
    send(world, f"反对，{code_of()}")
    assert "您选的是“反对”" in last()
    send(world, f"确认 {code_of()}")
    assert service.close_ballot(db.session.get(Ballot, ballot.id), world["worker"])
    assert db.session.get(BallotCount, (ballot.id, option_id(ballot, "反对"))).heads == 1


def test_a_confirmation_after_ten_minutes_is_refused(world, monkeypatch):
    open_ballot(world)
    code = code_of()
    send(world, f"1 {code}")
    at(monkeypatch, DAY + timedelta(minutes=11))
    send(world, f"确认 {code}")
    assert "没有待确认的选择" in last()
    assert db.session.scalar(db.select(db.func.count()).select_from(Participation)) == 0


def test_five_wrong_codes_lock_the_sms_channel_and_tell_the_worker(world):
    ballot = open_ballot(world)
    code = code_of()
    wrong = f"{(int(code) + 1) % 10000:04d}"
    send(world, f"1 {wrong}")
    assert "投票码不对" in last() and "还可以试4次" in last()
    for _ in range(4):
        send(world, f"1 {wrong}")
    assert "已不能用短信投票" in last()
    assert db.session.get(SmsCode, (ballot.id, world["voter"].id)).locked
    notice = db.session.scalar(db.select(Notice).where(
        Notice.resident_id == world["worker"].id, Notice.text.contains("短信投票")))
    assert notice is not None and "张秀英" in notice.text
    assert db.session.scalar(db.select(AuditLog).where(
        AuditLog.action == "ballot_sms_locked")) is not None
    send(world, f"1 {code}")  # the right code, too late
    assert "已不能用短信投票" in last()
    assert db.session.scalar(db.select(db.func.count()).select_from(Participation)) == 0
    send(world, f"1 {code_of(MATE)}", MATE)  # the housemate's own code still works
    assert "您选的是" in last(MATE)


def test_a_household_that_voted_on_the_web_is_refused_by_sms_naming_who_and_how(world):
    ballot = open_ballot(world, basis="household")
    key = db.session.get(SmsCode, (ballot.id, world["mate"].id)).voter_key
    service.cast_vote(ballot, world["mate"], ballot.options[0], "web", key=key,
                      receipt=service.new_receipt())
    send(world, f"1 {code_of()}")
    assert last() == "本户已由 张大山 投票（网上），不能再投。"


@pytest.mark.parametrize("channel, word", [("kiosk", "自助终端"), ("paper", "纸质票")])
def test_a_vote_by_another_channel_is_refused_by_sms(world, channel, word):
    ballot = open_ballot(world)
    code = code_of()
    send(world, f"1 {code}")
    key = db.session.get(SmsCode, (ballot.id, world["voter"].id)).voter_key
    service.cast_vote(ballot, world["voter"], ballot.options[1], channel, key=key,
                      receipt=service.new_receipt())
    send(world, f"确认 {code}")
    assert last() == f"您已投过票（{word}），不能再投。"
    assert db.session.scalar(db.select(Participation.channel)) == channel


def test_a_closed_ballot_refuses(world, monkeypatch):
    ballot = open_ballot(world)
    code = code_of()
    send(world, f"1 {code}")
    service.close_ballot(db.session.get(Ballot, ballot.id), world["worker"])
    send(world, f"确认 {code}")
    assert last() == "投票已经结束，不能再投了。"
    assert db.session.scalar(db.select(db.func.count()).select_from(Participation)) == 0


def test_past_its_closing_time_the_confirmation_is_refused(world, monkeypatch):
    open_ballot(world, lasts=timedelta(hours=1))
    code = code_of()
    at(monkeypatch, DAY + timedelta(minutes=59, seconds=30))
    send(world, f"1 {code}")
    at(monkeypatch, DAY + timedelta(minutes=61))
    send(world, f"确认 {code}")
    assert last() == "投票已经结束，不能再投了。"


def test_stop_is_still_stop_and_a_stopped_phone_gets_no_invitation(world):
    assert "stop" in send(world, "STOP")
    assert "退订" in last()
    open_ballot(world)
    assert "投票码" not in " ".join(outbox())
    assert "投票码" in " ".join(outbox(MATE))


def test_anything_else_gets_a_short_help_line(world):
    open_ballot(world)
    send(world, "我要投票")
    assert "回复“选项号 投票码”" in last()
    send(world, f"9 {code_of()}")
    assert "没有这个选项" in last()


def test_at_night_the_question_waits_for_8_and_the_ten_minutes_start_then(world, monkeypatch):
    at(monkeypatch, NIGHT)
    ballot = open_ballot(world)
    invitation = db.session.scalar(db.select(SmsMessage).where(SmsMessage.phone == PHONE))
    morning = datetime(2026, 12, 8, 0, 0)  # 8:00 Beijing
    assert invitation.send_after == morning
    code = code_of()
    send(world, f"1 {code}")
    question = db.session.scalars(db.select(SmsMessage).where(SmsMessage.phone == PHONE)
                                  .order_by(SmsMessage.id.desc())).first()
    assert "您选的是" in question.text and question.send_after == morning
    at(monkeypatch, morning + timedelta(minutes=5))
    send(world, f"确认 {code}")
    assert "已投票" in last()
    assert db.session.get(BallotCount, (ballot.id, option_id(ballot, "同意"))).heads == 1


def test_the_form_offers_sms_unticked_with_the_carrier_warning(world, app):
    client = login(app.test_client(), world["worker"])
    page = client.get("/ballots/new").get_data(as_text=True)
    box = re.search(r'<input[^>]*value="sms"[^>]*>', page).group(0)
    assert "checked" not in box and "运营商能看到短信内容" in page


def test_an_sms_confirmation_and_a_web_confirmation_at_once_count_once(world, app):
    ballot = open_ballot(world)
    code = code_of()
    send(world, f"1 {code}")
    client = login(app.test_client(), world["voter"])
    html = confirm_page(client, ballot, "反对").get_data(as_text=True)
    form = {"option": str(option_id(ballot, "反对")), "ticket": ticket_of(html),
            "confirmed": "1", "csrf_token": csrf_token(html)}
    url, ballot_id = f"/ballots/{ballot.id}/vote", ballot.id
    db.session.commit()
    barrier = threading.Barrier(2)
    answers = {}

    def by_sms():
        with app.app_context():  # a process of its own, as the gateway's would be
            barrier.wait()
            result = app.test_cli_runner().invoke(args=["sms-receive", PHONE, f"确认 {code}"])
        answers["sms"] = (result.exit_code, result.output)

    def by_web():
        barrier.wait()
        answers["web"] = client.post(url, data=form).status_code

    threads = [threading.Thread(target=by_sms), threading.Thread(target=by_web)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert answers["sms"][0] == 0, answers["sms"]
    db.session.expire_all()
    assert db.session.scalar(db.select(db.func.count()).select_from(Participation)) == 1
    assert db.session.scalar(db.select(db.func.count()).select_from(SecretChoice)) == 1
    heads = db.session.scalars(db.select(BallotCount.heads).where(
        BallotCount.ballot_id == ballot_id)).all()
    assert sum(heads) == 1
    channel = db.session.scalar(db.select(Participation.channel))
    if channel == "sms":
        assert "已投票" in last() and answers["web"] == 409
    else:
        assert last() == "您已投过票（网上），不能再投。" and answers["web"] == 303


def test_staff_never_read_a_vote_by_sms(world, client, auth):
    """Secret from staff too: the outbox/inbox page shows neither the code, the choice nor
    the receipt, the texts are cleared once sent and handled, and no log line carries them."""
    ballot = open_ballot(world)
    code = code_of()
    send(world, f"2 {code}")
    send(world, f"确认 {code}")
    receipt = db.session.scalar(db.select(SecretChoice.receipt).where(
        SecretChoice.ballot_id == ballot.id))
    assert receipt and any(receipt[:4] in t for t in outbox())  # sent to the voter
    world["worker"].phone = "13900000199"
    db.session.commit()
    auth.login("13900000199")
    pages = client.get("/notices/sms").get_data(as_text=True) + client.get(
        "/notices/sms?box=in").get_data(as_text=True)
    assert "投票短信，内容不显示" in pages
    for secret in (code, f"2 {code}", receipt[:4], "您选的是", "反对"):
        assert secret not in pages, secret
    assert sms.deliver_due()[0] >= 3
    db.session.expire_all()
    texts = db.session.scalars(db.select(SmsMessage.text).where(SmsMessage.private)).all()
    assert texts and all(t == "" for t in texts)
    assert all(m.text == "" for m in db.session.scalars(
        db.select(SmsInbound).where(SmsInbound.phone == PHONE)))
