"""The intake API for outside channels (POST /api/v1/issues) and its token commands."""

import pytest

from community.audit.models import AuditLog
from community.extensions import db
from community.issues.intake import create_token, hash_token
from community.issues.models import ApiToken, Issue
from tests.test_issues_setup import count, make_world


@pytest.fixture
def w(app):
    return make_world()


@pytest.fixture
def token(w):
    return create_token("hotline")[1]


def call(client, token, payload, key="req-1", **headers):
    h = {"Authorization": f"Bearer {token}", **headers}
    if key is not None:
        h["Idempotency-Key"] = key
    return client.post("/api/v1/issues", json=payload, headers=h)


def test_cli_creates_lists_and_revokes_tokens(runner, w):
    r = runner.invoke(args=["api-token", "create", "hotline", "--note", "12345热线"])
    assert r.exit_code == 0, r.output
    plain = r.output.strip().splitlines()[-1]
    row = db.session.scalar(db.select(ApiToken))
    assert row.token_hash == hash_token(plain) and plain not in row.token_hash
    listed = runner.invoke(args=["api-token", "list"]).output
    assert "hotline" in listed and "live" in listed and plain not in listed
    assert runner.invoke(args=["api-token", "create", "web"]).exit_code != 0
    assert runner.invoke(args=["api-token", "create", "yige", "--unit", "999"]).exit_code != 0
    r = runner.invoke(args=["api-token", "revoke", str(row.id)])
    assert r.exit_code == 0 and "已吊销" in r.output
    assert runner.invoke(args=["api-token", "revoke", "999"]).exit_code != 0
    assert count(AuditLog, AuditLog.action.like("api_token_%")) == 2


def test_post_creates_an_issue_for_the_channel(client, w, token):
    r = call(client, token, {"title": "路灯不亮", "body": "船柴路口", "unit_id": w.t["b1"].id,
                             "urgent": True, "resident": "13900000001"})
    assert r.status_code == 201, r.json
    issue = db.session.get(Issue, r.json["id"])
    assert r.headers["Location"] == r.json["url"] == f"http://localhost/issues/{issue.id}"
    assert (issue.channel, issue.author_id, issue.urgent) == ("hotline", w.resident.id, True)
    assert issue.status == "submitted" and issue.submitted_by_id is None


def test_anonymous_report_without_a_resident(client, w, token):
    r = call(client, token, {"title": "井盖松动", "unit_id": w.t["community"].id})
    assert r.status_code == 201 and db.session.get(Issue, r.json["id"]).author_id is None


def test_a_retry_with_the_same_key_makes_no_second_issue(client, w, token):
    payload = {"title": "路灯不亮", "unit_id": w.t["b1"].id}
    first, second = call(client, token, payload), call(client, token, payload)
    assert first.status_code == second.status_code == 201
    assert first.json["id"] == second.json["id"] and count(Issue) == 1
    assert call(client, token, payload, key="req-2").json["id"] != first.json["id"]
    r = call(client, token, {**payload, "title": "别的事"})
    assert r.status_code == 422 and r.json["error"] == "idempotency_key_reused"


@pytest.mark.parametrize("auth_header", [None, "Bearer", "Bearer nope", "Basic abc"])
def test_missing_or_bad_token_is_401(client, w, auth_header):
    headers = {"Idempotency-Key": "k"}
    if auth_header:
        headers["Authorization"] = auth_header
    r = client.post("/api/v1/issues", json={"title": "x", "unit_id": w.t["b1"].id},
                    headers=headers)
    assert r.status_code == 401 and r.json["error"] == "invalid_token"
    assert r.headers["WWW-Authenticate"].startswith("Bearer")


def test_revoked_token_is_401(client, w, token):
    row = db.session.scalar(db.select(ApiToken))
    from community.issues.intake import revoke_token
    revoke_token(row)
    assert call(client, token, {"title": "x", "unit_id": w.t["b1"].id}).status_code == 401


def test_key_and_json_are_required(client, w, token):
    r = call(client, token, {"title": "x", "unit_id": w.t["b1"].id}, key=None)
    assert r.status_code == 400 and r.json["error"] == "idempotency_key_required"
    r = client.post("/api/v1/issues", data="not json", content_type="application/json",
                    headers={"Authorization": f"Bearer {token}", "Idempotency-Key": "k"})
    assert r.status_code == 400 and r.json["error"] == "invalid_json"
    assert call(client, token, ["a list"]).status_code == 400


@pytest.mark.parametrize(("payload", "field"), [
    ({"title": ""}, "title"),
    ({"title": "长" * 61}, "title"),
    ({"title": 5}, "title"),
    ({"body": "长" * 2001}, "body"),
    ({"unit_id": "1"}, "unit_id"),
    ({"unit_id": 99999}, "unit_id"),
    ({"unit_id": True}, "unit_id"),
    ({"urgent": "yes"}, "urgent"),
    ({"resident": "13999999999"}, "resident"),
    ({"resident": "13900000004"}, "resident"),  # lives in another community
])
def test_invalid_fields_are_422(client, w, token, payload, field):
    r = call(client, token, {"title": "路灯", "unit_id": w.t["b1"].id, **payload})
    assert r.status_code == 422 and r.json["error"] == "invalid_fields"
    assert list(r.json["fields"]) == [field] and count(Issue) == 0


def test_token_limited_to_a_unit_is_403_elsewhere(client, w):
    plain = create_token("yige", w.t["community"])[1]
    assert call(client, plain, {"title": "x", "unit_id": w.t["b1"].id}).status_code == 201
    r = call(client, plain, {"title": "x", "unit_id": w.o["b1"].id}, key="k2")
    assert r.status_code == 403 and r.json["error"] == "unit_out_of_scope"

