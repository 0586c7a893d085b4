"""Two-way SMS (issue 17 §1–2): the signed inbound endpoint, `flask sms-receive`, 退订/恢复,
the daily cap, 查询 and 评论 by SMS, and the staff outbox/inbox page."""

import io
import json
import time
from datetime import datetime
from pathlib import Path
from urllib.parse import parse_qsl, quote

import pytest

from community import clock
from community.audit.models import AuditLog
from community.extensions import db
from community.issues import service as issues
from community.issues.models import Comment
from community.notify import aliyun as aliyun_backend
from community.notify import inbound, sms
from community.notify.models import SmsInbound, SmsMessage, SmsOptOut
from community.notify.service import notify
from community.residents.models import Resident
from tests.factories import make_household, make_resident, make_tree

SECRET = "test-inbound-secret"  # noqa: S105
DAY = datetime(2026, 12, 7, 2, 0)  # 10:00 Beijing
PHONE = "13900000001"


@pytest.fixture
def world(app):
    app.config["SMS_INBOUND_SECRET"] = SECRET
    with app.app_context():
        tree = make_tree()
        person = make_resident(make_household(tree["b1"]), phone=PHONE)
        other = make_resident(make_household(tree["b1"]), phone="13900000002")
        worker = make_resident(make_household(tree["b2"]), phone="13900000009",
                               roles=[("worker", tree["community"])])
        issue = issues.post_issue(author=person, unit=tree["b1"], title="楼道灯坏了",
                                  body="三楼的灯不亮")
        theirs = issues.post_issue(author=other, unit=tree["b1"], title="别人的议题")
        yield {"tree": tree, "person": person, "other": other, "worker": worker,
               "issue": issue, "theirs": theirs}


def at(monkeypatch, moment):
    monkeypatch.setattr(clock, "now", lambda: moment)


def signed(body: dict, secret=SECRET, stamp=None):
    raw = json.dumps(body, ensure_ascii=False).encode()
    stamp = str(int(time.time()) if stamp is None else stamp)
    return raw, {"Content-Type": "application/json", "X-Sms-Timestamp": stamp,
                 "X-Sms-Signature": sms.signature(secret, stamp, raw)}


def receive(phone, text):
    """An inbound message through the same path as `flask sms-receive`; the answer queued."""
    row, _new = inbound.receive("database", sms.Incoming(
        f"t-{time.monotonic_ns()}", phone, text, clock.now()))
    return inbound.process(row)


def outbox(phone=PHONE):
    return [m.text.removeprefix(sms.SIGNATURE) for m in db.session.scalars(
        db.select(SmsMessage).where(SmsMessage.phone == phone, SmsMessage.status != "failed")
        .order_by(SmsMessage.id))]


# --- the endpoint -------------------------------------------------------------------------

def test_a_signed_message_is_stored_once_and_answered_at_once(world, client):
    raw, headers = signed({"id": "gw-1", "phone": "+86 139 0000 0001", "text": "查询 1",
                           "time": 1796608800})
    r = client.post("/api/v1/sms/inbound", data=raw, headers=headers)
    assert r.status_code == 200 and r.json == {"ok": True, "stored": 1}
    again = client.post("/api/v1/sms/inbound", data=raw, headers=headers)
    assert again.status_code == 200 and again.json["stored"] == 0  # the gateway's retry
    (row,) = db.session.scalars(db.select(SmsInbound))
    assert (row.phone, row.text, row.status) == (PHONE, "查询 1", "new")
    assert row.received_at == datetime(2026, 12, 7, 2, 0)
    assert db.session.scalar(db.select(db.func.count(SmsMessage.id))) == 0  # not handled yet
    assert inbound.process_pending() == 1
    db.session.refresh(row)
    assert row.status == "done" and row.resident_id == world["person"].id
    assert row.command == "query" and row.reply_id is not None
    assert inbound.process_pending() == 0


@pytest.mark.parametrize("why", ["wrong secret", "stale", "tampered", "no signature"])
def test_a_bad_or_stale_signature_is_refused(world, client, why):
    body = {"id": "gw-2", "phone": PHONE, "text": "TD"}
    raw, headers = signed(body, secret="other" if why == "wrong secret" else SECRET,
                          stamp=int(time.time()) - 301 if why == "stale" else None)
    if why == "tampered":
        raw = raw.replace(b"TD", b"T ")
    if why == "no signature":
        del headers["X-Sms-Signature"]
    r = client.post("/api/v1/sms/inbound", data=raw, headers=headers)
    assert r.status_code == 401 and r.json["error"] == "invalid_signature"
    assert db.session.scalar(db.select(db.func.count(SmsInbound.id))) == 0


def test_without_a_secret_configured_everything_is_refused(world, app, client):
    app.config["SMS_INBOUND_SECRET"] = None
    raw, headers = signed({"id": "gw-3", "phone": PHONE, "text": "TD"}, secret="")
    assert client.post("/api/v1/sms/inbound", data=raw, headers=headers).status_code == 401


def test_a_malformed_payload_is_400(world, client):
    raw, headers = signed({"id": "", "phone": PHONE, "text": "TD"})
    assert client.post("/api/v1/sms/inbound", data=raw, headers=headers).status_code == 400


def test_sms_receive_cli_handles_at_once(world, runner):
    n = world["issue"].id
    result = runner.invoke(args=["sms-receive", PHONE, f"查询 {n}", "--id", "x1"])
    assert result.exit_code == 0, result.output
    assert "query" in result.output and "楼道灯坏了" in result.output
    again = runner.invoke(args=["sms-receive", PHONE, f"查询 {n}", "--id", "x1"])
    assert "Already stored" in again.output
    assert len(outbox()) == 1


def test_sms_deliver_answers_what_came_in_before_sending(world, runner, monkeypatch):
    at(monkeypatch, DAY)
    inbound.receive("database", sms.Incoming("p1", PHONE, "查询 999", DAY))
    result = runner.invoke(args=["sms-deliver"])
    assert "1 received handled; 1 sent" in result.output
    assert outbox() == ["没有找到您提的999号议题。"]


# --- 退订 / 恢复 ---------------------------------------------------------------------------

@pytest.mark.parametrize("word", ["退订", "TD", "td", "Ｔ", "ｓｔｏｐ", " Stop。"])
def test_stop_words_opt_the_resident_out(world, word):
    notify(world["person"], "已经排队的通知", "/", sms=True)
    db.session.commit()
    answer = receive(PHONE, word)
    assert "退订" in answer and isinstance(answer, inbound.Must)
    person = db.session.get(Resident, world["person"].id)
    assert person.sms_opt_out
    assert outbox() == [answer]  # the queued notice is cancelled; the confirmation goes out
    notify(person, "又一条通知", "/", sms=True)
    db.session.commit()
    assert outbox() == [answer]
    assert receive(PHONE, "查询 1") is None  # no further SMS, not even answers
    assert db.session.scalar(db.select(AuditLog).where(AuditLog.action == "sms_opt_out_set"))


def test_restart_undoes_it(world):
    receive(PHONE, "TD")
    assert "恢复" in receive(PHONE, "恢复")
    assert not db.session.get(Resident, world["person"].id).sms_opt_out
    assert receive(PHONE, f"查询 {world['issue'].id}")


def test_a_phone_outside_the_roster_goes_on_the_opt_out_list(world):
    stranger = "13700000000"
    assert "退订" in receive(stranger, "退订")
    assert db.session.scalar(db.select(SmsOptOut.phone)) == stranger
    assert sms.queue(stranger, "随便一条") is None
    assert sms.queue(stranger, "必须收到的", must=True) is not None
    assert receive(stranger, "查询 1") is None  # strangers get no answers anyway
    receive(stranger, "START")
    assert db.session.scalar(db.select(SmsOptOut.phone)) is None


# --- the daily cap ---------------------------------------------------------------------------

def test_over_the_daily_cap_messages_wait_for_tomorrow_morning(world, app, monkeypatch):
    app.config["SMS_DAILY_CAP"] = 3
    at(monkeypatch, DAY)
    for i in range(5):
        sms.queue(PHONE, f"通知{i}", world["person"].id)
    sms.queue(PHONE, "必须收到的", world["person"].id, must=True)
    db.session.commit()
    assert sms.deliver_due() == (4, 2)  # 3 + the must one; 2 held
    held = db.session.scalars(db.select(SmsMessage).where(SmsMessage.status == "queued")).all()
    assert len(held) == 2
    assert {m.send_after for m in held} == {datetime(2026, 12, 8, 0, 0)}  # 8:00 tomorrow
    assert sms.deliver_due() == (0, 0)
    at(monkeypatch, datetime(2026, 12, 8, 0, 0))
    assert sms.deliver_due() == (2, 0)


# --- 查询 and 评论 ----------------------------------------------------------------------------

def test_query_answers_the_status_of_ones_own_issue_in_words(world):
    issue = world["issue"]
    issues.change_status(issue, "triaged", world["worker"], "转物业")
    db.session.commit()
    answer = receive(PHONE, f"查询{issue.id}")
    assert f"{issue.id}号议题" in answer and "楼道灯坏了" in answer and "已分流" in answer
    wide = str(issue.id).translate(str.maketrans("0123456789", "０１２３４５６７８９"))
    assert receive(PHONE, f"ＣＸ　{wide}") == answer  # full-width letters, digits, space


def test_query_tells_nothing_about_another_persons_issue(world):
    theirs, n = world["theirs"].id, 987654
    assert receive(PHONE, f"查询 {theirs}") == f"没有找到您提的{theirs}号议题。"
    assert receive(PHONE, f"查询 {n}") == f"没有找到您提的{n}号议题。"


def test_a_comment_by_sms_lands_on_the_authors_issue_with_an_audit_row(world):
    issue = world["issue"]
    answer = receive(PHONE, f"回复 评论 {issue.id} 四楼的灯也坏了")
    assert "已加到" in answer
    (comment,) = db.session.scalars(db.select(Comment))
    assert (comment.issue_id, comment.author_id, comment.body) == (
        issue.id, world["person"].id, "四楼的灯也坏了")
    row = db.session.scalar(db.select(AuditLog).where(AuditLog.action == "comment_posted"))
    assert row.object_id == issue.id and row.actor_id == world["person"].id
    receive(PHONE, "评论 12号楼也一样")  # no number: the latest open issue of the author
    assert [c.body for c in db.session.scalars(db.select(Comment).order_by(Comment.id))] == [
        "四楼的灯也坏了", "12号楼也一样"]


def test_a_comment_on_someone_elses_or_a_finished_issue_is_refused(world):
    theirs = world["theirs"]
    assert "没有找到" in receive(PHONE, f"评论 {theirs.id} 我也同意")
    issues.withdraw_issue(world["issue"], world["person"])
    assert "已结束" in receive(PHONE, f"PL {world['issue'].id} 还是要修")
    assert db.session.scalar(db.select(db.func.count(Comment.id))) == 0


def test_anything_else_gets_one_help_line_a_day(world):
    assert "查询" in receive(PHONE, "你好")
    assert receive(PHONE, "在吗") is None
    assert receive("13700000000", "你好") is None  # not in the roster: no answer


def test_an_area_can_register_a_command_at_a_free_order(world):
    assert [f.__module__ for o, f in inbound.COMMANDS if o == 20] == ["community.ballots.sms"]

    @inbound.command(order=21)
    def note(message):
        return "已记录" if inbound.normal(message.text).startswith("记 ") else None

    try:
        assert receive(PHONE, "记 4821") == "已记录"
        with pytest.raises(ValueError):
            inbound.command(order=20)(lambda m: None)  # voting by SMS has it
    finally:
        inbound.COMMANDS[:] = [(o, f) for o, f in inbound.COMMANDS if f is not note]


# --- the Alibaba Cloud adapter (recorded payloads, no network) -----------------------------

DATA = Path(__file__).parent / "data"


class Recorded:
    """urlopen's answer, from a recorded file; remembers the URL asked."""

    def __init__(self, name):
        self.body, self.urls = (DATA / name).read_bytes(), []

    def __call__(self, url, timeout):
        self.urls.append(url)
        return io.BytesIO(self.body)


@pytest.fixture
def aliyun(app, world):
    app.config.update(SMS_BACKEND="community.notify.aliyun:AliyunBackend",
                      ALIYUN_SMS_ACCESS_KEY_ID="testId", ALIYUN_SMS_ACCESS_KEY_SECRET="testSecret",
                      ALIYUN_SMS_TEMPLATE_CODE="SMS_123456789")
    return world


def test_the_signature_matches_aliyuns_documented_example():
    params = {"AccessKeyId": "testId", "Action": "SendSms", "Format": "XML", "OutId": "123",
              "PhoneNumbers": "15300000001", "RegionId": "cn-hangzhou",
              "SignName": "阿里云短信测试专用", "SignatureMethod": "HMAC-SHA1",
              "SignatureNonce": "45e25e9b-0a6f-4070-8c85-2956eda1b466",
              "SignatureVersion": "1.0", "TemplateCode": "SMS_71390007",
              "TemplateParam": '{"customer":"test"}', "Timestamp": "2017-07-12T02:42:19Z",
              "Version": "2017-05-25"}
    query = aliyun_backend.signed_query(params, "testSecret")
    assert query.startswith("Signature=zJDF%2BLrzhj%2FThnlvIToysFRq6t4%3D&AccessKeyId=testId&")


def test_aliyun_send_maps_the_message_onto_sendsms(aliyun, monkeypatch):
    at(monkeypatch, DAY)
    urlopen = Recorded("aliyun_sendsms_ok.json")
    monkeypatch.setattr(aliyun_backend.urllib.request, "urlopen", urlopen)
    notify(aliyun["person"], "您的议题“楼道灯坏了”现为“已分流”", "/", sms=True)
    db.session.commit()
    assert sms.deliver_due() == (1, 0)
    (url,) = urlopen.urls
    assert url.startswith("https://dysmsapi.aliyuncs.com/?Signature=")
    query = dict(parse_qsl(url.split("?", 1)[1]))
    assert query["Action"] == "SendSms" and query["PhoneNumbers"] == PHONE
    assert query["SignName"] == "议事厅" and query["TemplateCode"] == "SMS_123456789"
    assert json.loads(query["TemplateParam"]) == {"content": "您的议题“楼道灯坏了”现为“已分流”"}
    signature = query.pop("Signature")
    assert aliyun_backend.signed_query(query, "testSecret").split("&", 1)[0] == \
        "Signature=" + quote(signature, safe="~")


def test_an_aliyun_refusal_is_retried_with_its_code(aliyun, monkeypatch):
    at(monkeypatch, DAY)
    monkeypatch.setattr(aliyun_backend.urllib.request, "urlopen",
                        Recorded("aliyun_sendsms_limited.json"))
    sms.queue(PHONE, "通知", aliyun["person"].id)
    db.session.commit()
    assert sms.deliver_due() == (0, 1)
    message = db.session.scalar(db.select(SmsMessage))
    assert message.status == "queued" and "isv.BUSINESS_LIMIT_CONTROL" in message.error


def test_aliyun_smsup_push_is_stored_once_and_handled(aliyun, app, client):
    body = (DATA / "aliyun_smsup.json").read_bytes()
    url = "/api/v1/sms/inbound?token=" + aliyun_backend.url_token(SECRET)
    headers = {"Content-Type": "application/json"}
    r = client.post(url, data=body, headers=headers)
    assert r.status_code == 200 and r.json == {"code": 0, "msg": "接收成功"}
    assert client.post(url, data=body, headers=headers).status_code == 200  # pushed again
    rows = db.session.scalars(db.select(SmsInbound).order_by(SmsInbound.id)).all()
    assert [(m.backend, m.provider_id, m.phone, m.text) for m in rows] == [
        ("aliyun", "1234567890", PHONE, "查询 1"), ("aliyun", "1234567891", "13900000002", "ＴＤ")]
    assert rows[0].received_at == datetime(2026, 12, 7, 2, 15, 3)  # 10:15:03 Beijing
    bad = client.post("/api/v1/sms/inbound?token=" + aliyun_backend.url_token("guess"),
                      data=body, headers=headers)
    assert bad.status_code == 401
    assert inbound.process_pending() == 2
    assert db.session.get(Resident, aliyun["other"].id).sms_opt_out


# --- the staff page ------------------------------------------------------------------------

def test_workers_see_their_residents_sms_with_the_phone_masked(world, client, auth):
    receive(PHONE, f"查询 {world['issue'].id}")
    stranger_phone = "13700000000"
    receive(stranger_phone, "TD")
    far = make_tree("远处")
    far_worker = make_resident(make_household(far["b1"]), phone="13600000008",
                               roles=[("worker", far["community"])])
    auth.login("13900000009")
    out = client.get("/notices/sms")
    assert out.status_code == 200 and "no-store" in out.headers["Cache-Control"]
    html = out.get_data(as_text=True)
    assert "139****0001" in html and PHONE not in html and "楼道灯坏了" in html
    assert "137****0000" not in html  # outside the roster: in no worker's units
    html = client.get("/notices/sms?box=in").get_data(as_text=True)
    assert "139****0001" in html and "查询" in html and "已处理" in html
    assert client.get("/notices/sms?box=x").status_code == 404
    auth.logout()
    auth.login(far_worker.phone)
    assert "139****0001" not in client.get("/notices/sms").get_data(as_text=True)
    auth.logout()
    auth.login(PHONE)
    assert client.get("/notices/sms").status_code == 403


def test_the_outbox_pages_newest_first(world, client, auth):
    for i in range(31):
        sms.queue(PHONE, f"第{i}条", world["person"].id)
    db.session.commit()
    auth.login("13900000009")
    first = client.get("/notices/sms").get_data(as_text=True)
    assert "第30条" in first and "第0条" not in first and "page=2" in first
    assert "第0条" in client.get("/notices/sms?page=2").get_data(as_text=True)
