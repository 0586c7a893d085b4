"""The append-only, hash-chained audit log."""

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DatabaseError

from community.audit import service
from community.audit.models import AuditLog
from community.extensions import db


def _rows(n):
    for i in range(n):
        service.record("test_action", None, object_type="thing", number=i)
    db.session.commit()


def test_chain_verifies(app, runner):
    _rows(5)
    assert service.verify().ok and service.verify().rows == 5
    result = runner.invoke(args=["audit-verify"])
    assert result.exit_code == 0 and "5" in result.output


def test_audit_log_refuses_update_and_delete(app):
    _rows(2)
    with pytest.raises(DatabaseError):
        db.session.execute(text("UPDATE audit_log SET action='x' WHERE seq=1"))
        db.session.commit()
    db.session.rollback()
    with pytest.raises(DatabaseError):
        db.session.execute(text("DELETE FROM audit_log WHERE seq=2"))
        db.session.commit()
    db.session.rollback()


def _drop_guards():
    if db.engine.dialect.name == "sqlite":
        db.session.execute(text("DROP TRIGGER audit_log_no_update"))
        db.session.execute(text("DROP TRIGGER audit_log_no_delete"))
    else:
        db.session.execute(text("DROP TRIGGER audit_log_append_only ON audit_log"))


def test_verify_names_first_tampered_row(app, runner):
    _rows(5)
    _drop_guards()
    db.session.execute(text("UPDATE audit_log SET detail='{\"number\": 99}' WHERE seq=3"))
    db.session.commit()
    report = service.verify()
    assert report.broken_seq == 3
    result = runner.invoke(args=["audit-verify"])
    assert result.exit_code == 1 and "3" in result.output


def test_verify_finds_deleted_row(app):
    _rows(4)
    _drop_guards()
    db.session.execute(text("DELETE FROM audit_log WHERE seq=2"))
    db.session.commit()
    assert service.verify().broken_seq == 2


def test_rows_link_to_previous(app):
    _rows(3)
    rows = db.session.scalars(db.select(AuditLog).order_by(AuditLog.seq)).all()
    assert rows[0].prev_hash == service.GENESIS
    assert rows[1].prev_hash == rows[0].hash and rows[2].prev_hash == rows[1].hash


def test_audit_page_shows_staff_the_rows_of_their_units_in_words(app, client, auth):
    from tests.factories import make_household, make_resident, make_tree
    tree = make_tree()
    other = make_tree("别处")
    supervisor = make_resident(None, name="监委会老周", phone="13900000009",
                               roles=[("supervisor", tree["community"])])
    make_resident(make_household(tree["b1"]), phone="13900000008")
    service.record("ballot_created", None, actor=supervisor, unit_id=tree["compound"].id,
                   object_type="ballot", title="加装电梯")
    service.record("fund_spending", None, actor=supervisor, unit_id=other["compound"].id,
                   object_type="fund_movement")
    service.record("something_new", None, unit_id=tree["b1"].id)
    db.session.commit()

    auth.login("13900000009")
    html = client.get("/audit/").get_data(as_text=True)
    assert "发起投票" in html and "监委会老周" in html and "测试小区" in html
    assert "something_new" in html and "系统" in html  # an unlisted action shows as stored
    assert "登记资金支出" not in html  # another community's row

    client.post("/logout", data={"csrf_token": auth.token()})
    auth.login("13900000008")  # a resident
    assert client.get("/audit/").status_code == 403
