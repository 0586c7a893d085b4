"""The intake API's callbacks (issue 17 §3): every state change of an issue that came in through
a token with a callback is POSTed, signed, from the outbox by `flask deliver-webhooks`, to a
real HTTP server on 127.0.0.1 that fails first and then answers."""

import hashlib
import hmac
import json
import threading
from datetime import datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from community import clock
from community.audit.models import AuditLog
from community.extensions import db
from community.issues import triage, webhooks
from community.issues.intake import create_token
from community.issues.models import ApiToken, Issue, WebhookDelivery
from tests.conftest import AuthActions, count
from tests.test_issues_setup import issue_in, make_world

T0 = datetime(2026, 12, 7, 2, 0)  # 10:00 in Beijing


class Channel(ThreadingHTTPServer):
    """The channel's receiver: answers the statuses in `answers` in turn (the last one from
    then on) and keeps every request it got."""

    def __init__(self, answers):
        super().__init__(("127.0.0.1", 0), Receiver)
        self.answers, self.got = list(answers), []

    @property
    def url(self):
        return f"http://127.0.0.1:{self.server_address[1]}/yige/events"


class Receiver(BaseHTTPRequestHandler):
    def do_POST(self):  # noqa: N802 - the name http.server calls
        body = self.rfile.read(int(self.headers["Content-Length"]))
        self.server.got.append((dict(self.headers), body))
        status = self.server.answers.pop(0) if len(self.server.answers) > 1 \
            else self.server.answers[0]
        self.send_response(status)
        self.send_header("Content-Length", "2")
        self.end_headers()
        self.wfile.write(b"ok")

    def log_message(self, *args):
        pass


@pytest.fixture
def channel():
    servers = []

    def start(*answers):
        server = Channel(answers)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        servers.append(server)
        return server
    yield start
    for server in servers:
        server.shutdown()
        server.server_close()


@pytest.fixture
def w(app, monkeypatch):
    at(monkeypatch, T0)
    return make_world()


def at(monkeypatch, moment):
    monkeypatch.setattr(clock, "now", lambda: moment)


def hooked_token(url):
    """A 宜格服务 token with a callback: (row, bearer token, signing secret)."""
    row, plain = create_token("yige")
    return row, plain, webhooks.register_callback(row, url)


def post_issue(client, plain, unit, key="YG-2026-0042"):
    r = client.post("/api/v1/issues", json={"title": "消防通道被占", "unit_id": unit.id},
                    headers={"Authorization": f"Bearer {plain}", "Idempotency-Key": key})
    assert r.status_code == 201, r.json
    return db.session.get(Issue, r.json["id"])


def verify(secret, headers, body) -> bool:
    """The receiver's check, as README shows it."""
    signed = headers["X-Yishiting-Timestamp"].encode() + b"." + body
    expected = "sha256=" + hmac.new(secret.encode(), signed, hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected, headers["X-Yishiting-Signature"])


def test_a_failed_delivery_is_retried_after_the_backoff_then_delivered_once(
        client, w, channel, monkeypatch):
    server = channel(500, 200)
    token, plain, secret = hooked_token(server.url)
    issue = post_issue(client, plain, w.t["b1"])
    assert issue.api_token_id == token.id and count(WebhookDelivery) == 0  # posting: no event
    triage.triage_issue(issue, w.worker, "small", reason="物业当天清理")
    (row,) = db.session.scalars(db.select(WebhookDelivery))
    assert (row.status, row.issue_id, row.api_token_id) == ("pending", issue.id, token.id)

    assert webhooks.deliver_due() == (0, 1)  # the channel answers 500
    assert (row.status, row.attempts) == ("pending", 1)
    assert row.next_try_at == T0 + timedelta(minutes=1) and row.last_error.startswith("HTTP 500")
    at(monkeypatch, T0 + timedelta(seconds=59))
    assert webhooks.deliver_due() == (0, 0) and len(server.got) == 1  # not before a minute
    at(monkeypatch, T0 + timedelta(minutes=1))
    assert webhooks.deliver_due() == (1, 0)
    assert webhooks.deliver_due() == (0, 0)  # delivered once
    db.session.refresh(row)
    assert (row.status, row.attempts, row.last_error) == ("delivered", 2, None)
    assert row.delivered_at == T0 + timedelta(minutes=1) and len(server.got) == 2

    (h1, b1), (headers, body) = server.got
    assert b1 == body and h1["X-Yishiting-Event-Id"] == headers["X-Yishiting-Event-Id"]
    assert verify(secret, headers, body)
    assert not verify("whsec_wrong", headers, body)
    assert not verify(secret, {**headers, "X-Yishiting-Timestamp": "1"}, body)  # no replay
    assert headers["X-Yishiting-Timestamp"] == str(int(
        (T0 + timedelta(minutes=1) - datetime(1970, 1, 1)).total_seconds()))
    assert headers["Content-Type"].startswith("application/json")
    event = json.loads(body)
    assert event == {"event_id": row.event_id, "issue_id": issue.id,
                     "reference": "YG-2026-0042", "status": "triaged", "status_label": "已分流",
                     "reason": event["reason"], "at": "2026-12-07T10:00:00+08:00"}
    assert headers["X-Yishiting-Event-Id"] == row.event_id
    assert "物业当天清理" in event["reason"] and "小事" in event["reason"]


def test_every_state_change_is_one_event(client, w, channel):
    server = channel(200)
    _, plain, _ = hooked_token(server.url)
    issue = post_issue(client, plain, w.t["b1"])
    triage.reject_issue(issue, w.worker, "不属于社区职责")
    assert webhooks.deliver_due() == (1, 0)
    statuses = [json.loads(body)["status"] for _, body in server.got]
    reasons = [json.loads(body)["reason"] for _, body in server.got]
    assert statuses == ["rejected"] and reasons == ["不属于社区职责"]


def test_no_event_without_a_callback_or_for_other_channels(client, w, channel):
    server = channel(200)
    _, plain = create_token("hotline")  # no callback
    quiet = post_issue(client, plain, w.t["b1"], key="12345-1")
    web = issue_in(w.t["b1"], w.resident)
    for issue in (quiet, web):
        triage.reject_issue(issue, w.worker, "重复")
    assert count(WebhookDelivery) == 0 and webhooks.deliver_due() == (0, 0)
    assert server.got == []


def test_dead_after_a_day_and_a_worker_sends_it_again(client, w, channel, monkeypatch):
    server = channel(503)
    _, plain, _ = hooked_token(server.url)
    issue = post_issue(client, plain, w.t["b1"])
    triage.reject_issue(issue, w.worker, "重复")
    row = db.session.scalar(db.select(WebhookDelivery))
    moment, waits = T0, []
    while row.status != "dead":
        at(monkeypatch, moment)
        assert webhooks.deliver_due() == (0, 1)
        waits.append(row.next_try_at - moment)
        moment = row.next_try_at
    assert waits[:4] == [timedelta(minutes=m) for m in (1, 2, 4, 8)]
    # tries at 0, 1, 3 … 1023 minutes; the next one (2047) would be more than a day late
    assert moment == T0 + timedelta(minutes=1023) + webhooks.LEASE
    assert len(server.got) == row.attempts == 11
    at(monkeypatch, T0 + timedelta(days=2))
    assert webhooks.deliver_due() == (0, 0)  # dead ones wait for a worker

    worker = AuthActions(client)
    worker.login("13900000006")
    html = client.get("/triage/deliveries").get_data(as_text=True)
    assert "消防通道被占" in html and "HTTP 503" in html and "重新发送" in html
    url = f"/triage/deliveries/{row.id}/resend"
    assert worker.post(url, token_from="/triage/deliveries").status_code == 303
    assert worker.post(url, token_from="/triage/deliveries").status_code == 303  # idempotent
    db.session.refresh(row)
    assert (row.status, row.attempts) == ("pending", 0)
    assert count(AuditLog, AuditLog.action == "webhook_resent") == 1
    server.answers = [200]
    assert webhooks.deliver_due() == (1, 0)
    assert "消防通道被占" not in client.get("/triage/deliveries").get_data(as_text=True)


def test_an_unreachable_channel_is_an_error_without_the_url(client, w, channel):
    server = channel(200)
    token, plain, _ = hooked_token(server.url)
    issue = post_issue(client, plain, w.t["b1"])
    token.callback_url = "http://127.0.0.1:9/events?key=s3cret"  # nothing listens on port 9
    triage.reject_issue(issue, w.worker, "重复")
    assert webhooks.deliver_due() == (0, 1)
    row = db.session.scalar(db.select(WebhookDelivery))
    assert row.status == "pending" and "s3cret" not in row.last_error


def test_two_runs_never_send_one_event_twice(client, w, channel, monkeypatch):
    server = channel(200)
    _, plain, _ = hooked_token(server.url)
    issue = post_issue(client, plain, w.t["b1"])
    triage.reject_issue(issue, w.worker, "重复")
    post, second_run = webhooks._post, []

    def slow_post(*args):  # a second cron run starts while the first waits for the channel
        second_run.append(webhooks.deliver_due())
        post(*args)
    monkeypatch.setattr(webhooks, "_post", slow_post)
    assert webhooks.deliver_due() == (1, 0)
    assert second_run == [(0, 0)] and len(server.got) == 1


def test_a_run_that_died_mid_call_leaves_the_event_to_be_sent_again(client, w, channel,
                                                                    monkeypatch):
    server = channel(200)
    _, plain, _ = hooked_token(server.url)
    issue = post_issue(client, plain, w.t["b1"])
    triage.reject_issue(issue, w.worker, "重复")
    row = db.session.scalar(db.select(WebhookDelivery))
    assert webhooks._claim(row.id)  # claimed, then the process was killed
    assert webhooks.deliver_due() == (0, 0)
    at(monkeypatch, T0 + webhooks.LEASE)
    assert webhooks.deliver_due() == (1, 0) and len(server.got) == 1


def test_the_page_is_for_workers_of_the_issue(client, w, channel):
    server = channel(500)
    _, plain, _ = hooked_token(server.url)
    issue = post_issue(client, plain, w.t["b1"])
    triage.reject_issue(issue, w.worker, "重复")
    row = db.session.scalar(db.select(WebhookDelivery))
    row.status = "dead"
    url = f"/triage/deliveries/{row.id}/resend"
    resident = AuthActions(client)
    resident.login("13900000001")
    assert client.get("/triage/deliveries").status_code == 403
    assert resident.post(url, token_from="/issues").status_code == 403
    resident.logout()
    other = AuthActions(client)
    other.login("13900000007")
    page = client.get("/triage/deliveries")
    assert page.status_code == 200 and "消防通道被占" not in page.get_data(as_text=True)
    assert other.post(url, token_from="/triage/deliveries").status_code == 403
    other.logout()
    AuthActions(client).login("13900000006")
    page = client.get("/triage/deliveries")
    assert page.status_code == 200 and "消防通道被占" in page.get_data(as_text=True)
    assert client.get("/triage/deliveries?lang=en").status_code == 200


def test_cli_registers_rotates_and_removes_a_callback_and_delivers(runner, w, channel):
    server = channel(200)
    r = runner.invoke(args=["api-token", "create", "yige", "--callback", server.url])
    assert r.exit_code == 0, r.output
    row = db.session.scalar(db.select(ApiToken))
    first = row.callback_secret
    assert row.callback_url == server.url and first in r.output and first.startswith("whsec_")
    assert server.url in runner.invoke(args=["api-token", "list"]).output
    r = runner.invoke(args=["api-token", "callback", str(row.id), server.url])
    db.session.refresh(row)
    assert r.exit_code == 0 and row.callback_secret != first and row.callback_secret in r.output
    assert runner.invoke(args=["api-token", "callback", str(row.id), "ftp://x"]).exit_code != 0
    assert runner.invoke(args=["api-token", "create", "yige", "--callback", "x"]).exit_code != 0
    r = runner.invoke(args=["api-token", "callback", str(row.id), "--remove"])
    db.session.refresh(row)
    assert r.exit_code == 0 and row.callback_url is None and row.callback_secret is None
    r = runner.invoke(args=["deliver-webhooks"])
    assert r.exit_code == 0 and "0 delivered" in r.output


def test_the_page_asks_the_same_queries_for_one_row_or_many(client, w, channel):
    from tests.security.site import QueryCounter
    server = channel(500)
    AuthActions(client).login("13900000006")

    def deliveries(n):
        for i in range(n):
            _, plain, _ = hooked_token(server.url)
            issue = post_issue(client, plain, w.t["b1" if i % 2 else "b2"], key=f"k{n}-{i}")
            triage.reject_issue(issue, w.worker, "重复")
        webhooks.deliver_due()
        db.session.commit()
        client.get("/triage/deliveries").close()
        with QueryCounter(db.engine) as counter:
            assert client.get("/triage/deliveries").status_code == 200
        return len(counter.statements)
    assert deliveries(1) == deliveries(6)
