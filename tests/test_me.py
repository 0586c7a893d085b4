"""/me: a resident's own settings — PIN, showing their name, SMS notices, elder mode."""

import re

import pytest

from community.audit.models import AuditLog
from community.extensions import db
from community.notify.models import Notice, SmsMessage
from community.notify.service import notify
from community.residents.models import Resident
from tests.conftest import count, csrf_token
from tests.factories import make_household, make_resident, make_tree

PHONE = "13900000021"
TOKEN_RE = re.compile(r'name="submit_token" type="hidden" value="([^"]+)"')


@pytest.fixture
def aunt(app):
    t = make_tree()
    return make_resident(make_household(t["b1"], "2单元501"), name="王秀英", phone=PHONE)


def fresh(resident) -> Resident:
    db.session.commit()  # see what the request committed
    return db.session.get(Resident, resident.id)


def post(client, url, **fields):
    """Submit one of the /me forms as the browser would, from the /me page."""
    html = client.get("/me").get_data(as_text=True)
    data = {"csrf_token": csrf_token(html), **fields}
    if url == "/me/pin":
        data["submit_token"] = TOKEN_RE.search(html).group(1)
    return client.post(url, data=data)


def change_pin(client, old="135790", new="246813", again=None):
    return post(client, "/me/pin", old_pin=old, new_pin=new,
                new_pin_again=new if again is None else again)


def actions(resident) -> list[str]:
    return list(db.session.scalars(db.select(AuditLog.action).where(
        AuditLog.object_type == "resident", AuditLog.object_id == resident.id)
        .order_by(AuditLog.seq)))


def test_me_shows_each_setting_as_its_own_form(client, auth, aunt):
    auth.login(PHONE)
    html = client.get("/me").get_data(as_text=True)
    for action in ("/me/pin", "/me/name", "/me/sms", "/elder"):
        assert f'action="{action}"' in html
    assert "原来的6位密码" in html and "再填一次新密码" in html
    assert "同意在公开栏和出力记录上显示我的姓名" in html and "接收短信通知" in html
    assert "打开长辈模式" in html


def test_resident_changes_pin_and_logs_in_with_the_new_one(client, auth, aunt):
    auth.login(PHONE)
    r = change_pin(client)
    assert r.status_code == 303 and r.headers["Location"].startswith("/me")
    assert "密码已修改" in client.get("/me").get_data(as_text=True)  # still logged in here
    assert actions(fresh(aunt))[-1] == "pin_changed"
    auth.logout()
    assert auth.login(PHONE, "135790").status_code == 422
    assert auth.login(PHONE, "246813").status_code == 303


def test_a_pin_change_logs_out_other_phones(app, client, auth, aunt):
    other = app.test_client()
    auth.login(PHONE)
    other.post("/login", data={"login": PHONE, "pin": "135790",
                               "csrf_token": csrf_token(other.get("/login").get_data(True))})
    assert other.get("/me").status_code == 200
    change_pin(client)
    assert other.get("/me").status_code == 303  # to the login page
    assert client.get("/me").status_code == 200


def test_a_retried_pin_change_is_done_once(client, auth, aunt):
    auth.login(PHONE)
    html = client.get("/me").get_data(as_text=True)
    data = {"csrf_token": csrf_token(html), "submit_token": TOKEN_RE.search(html)[1],
            "old_pin": "135790", "new_pin": "246813", "new_pin_again": "246813"}
    assert client.post("/me/pin", data=data).status_code == 303
    assert client.post("/me/pin", data=data).status_code == 303  # the same submit again
    aunt = fresh(aunt)
    assert aunt.pin_failures == 0 and actions(aunt).count("pin_changed") == 1


def test_wrong_old_pin_says_so_beside_the_field_and_counts_toward_the_lockout(app, client, auth,
                                                                             aunt):
    auth.login(PHONE)
    r = change_pin(client, old="111111")
    html = r.get_data(as_text=True)
    assert r.status_code == 422
    assert re.search(r'id="old_pin-error"[^>]*>.*原来的密码不对', html, re.S)
    assert 'aria-invalid="true"' in html
    assert fresh(aunt).pin_failures == 1
    app.config["PIN_MAX_FAILURES"] = 3
    change_pin(client, old="111112")
    r = change_pin(client, old="111113")
    assert fresh(aunt).locked_until is not None
    assert "锁定" in r.get_data(as_text=True)
    r = change_pin(client)  # the right PIN, but the account is locked now
    assert r.status_code == 422 and "锁定" in r.get_data(as_text=True)
    assert "pin_changed" not in actions(fresh(aunt))


@pytest.mark.parametrize("new,again,message", [
    ("246813", "246814", "两次填的新密码不一样"),
    ("111111", "111111", "这个密码太容易被猜到"),
    ("135790", "135790", "新密码要和原来的不一样"),
    ("12345", "12345", "密码是6位数字"),
])
def test_new_pin_must_be_six_digits_typed_twice_and_not_weak(client, auth, aunt, new, again,
                                                            message):
    auth.login(PHONE)
    r = change_pin(client, new=new, again=again)
    assert r.status_code == 422 and message in r.get_data(as_text=True)
    aunt = fresh(aunt)
    assert aunt.pin_failures == 0 and "pin_changed" not in actions(aunt)


def test_resident_consents_to_show_their_name_and_takes_it_back(client, auth, aunt):
    auth.login(PHONE)
    r = post(client, "/me/name", publish_name="y")
    assert r.status_code == 303 and r.headers["Location"] == "/me#set-name"
    assert fresh(aunt).publish_name
    html = client.get("/me").get_data(as_text=True)
    assert "会显示您的姓名" in html
    assert re.search(r'id="publish_name"[^>]*checked|checked[^>]*id="publish_name"',
                     html)
    post(client, "/me/name")  # the box unticked
    assert not fresh(aunt).publish_name
    assert actions(aunt)[-2:] == ["publish_name_set", "publish_name_set"]


def test_saving_the_same_choice_again_writes_no_audit_row(client, auth, aunt):
    auth.login(PHONE)
    post(client, "/me/name")  # already off
    assert "publish_name_set" not in actions(fresh(aunt))


def test_sms_opt_out_stops_the_sms_but_not_the_notice(client, auth, aunt):
    auth.login(PHONE)
    r = post(client, "/me/sms")  # the box unticked: no SMS
    assert r.status_code == 303
    aunt = fresh(aunt)
    assert aunt.sms_opt_out and actions(aunt)[-1] == "sms_opt_out_set"
    notify(aunt, "月月议本周五晚上开", "/meetings", sms=True)
    db.session.commit()
    assert count(Notice, Notice.resident_id == aunt.id) == 1
    assert count(SmsMessage, SmsMessage.phone == PHONE) == 0
    post(client, "/me/sms", sms="y")
    aunt = fresh(aunt)
    assert not aunt.sms_opt_out
    notify(aunt, "投票明天开始", "/ballots", sms=True)
    db.session.commit()
    assert count(SmsMessage, SmsMessage.phone == PHONE) == 1


def test_elder_mode_switch_comes_back_to_me(client, auth, aunt):
    auth.login(PHONE)
    html = client.get("/me").get_data(as_text=True)
    r = client.post("/elder", data={"csrf_token": csrf_token(html), "next": "/me#set-elder"})
    assert r.status_code == 303 and r.headers["Location"] == "/me#set-elder"
    assert "关闭长辈模式" in client.get("/me").get_data(as_text=True)


@pytest.mark.parametrize("url", ["/me/pin", "/me/name", "/me/sms"])
def test_settings_need_a_login_and_a_csrf_token(client, auth, aunt, url):
    r = client.post(url, data={})
    assert r.status_code == 303 and r.headers["Location"].startswith("/login")
    auth.login(PHONE)
    r = client.post(url, data={"old_pin": "135790", "new_pin": "246813",
                               "new_pin_again": "246813", "publish_name": "y"})
    assert r.status_code == 422 and "页面停留太久已过期" in r.get_data(as_text=True)
    aunt = fresh(aunt)
    assert not aunt.publish_name and actions(aunt) == []
