"""The home page's 消息: the unread notices, else the latest few; all of them on /notices;
知道了 marks them read (a GET never does)."""

from datetime import timedelta

from community import clock
from community.extensions import db
from community.notify.models import Notice
from community.notify.service import notify
from tests.conftest import csrf_token
from tests.factories import make_household, make_resident, make_tree


def resident_with_notices(app, count):
    with app.app_context():
        tree = make_tree()
        person = make_resident(make_household(tree["b1"]), phone="13900000001")
        for i in range(count):
            notice = notify(person, f"通知第{i + 1}条", "/")
            notice.created_at = clock.now() - timedelta(minutes=count - i)
        db.session.commit()
        return person.id


def unread():
    return db.session.scalar(db.select(db.func.count()).select_from(Notice)
                             .where(Notice.read_at.is_(None)))


def test_home_shows_unread_notices_then_only_the_latest_three(app, client, auth):
    resident_with_notices(app, 30)
    auth.login("13900000001")
    home = client.get("/").get_data(as_text=True)
    assert "通知第30条" in home and "通知第26条" in home and "通知第25条" not in home
    assert 'href="/notices/"' in home and "全部消息" in home and "知道了，标为已读" in home

    first = client.get("/notices/").get_data(as_text=True)
    assert "通知第30条" in first and "通知第11条" in first and "通知第10条" not in first
    assert "下一页" in first and first.count(">新<") == 20
    assert unread() == 30  # reading the list changes nothing

    r = client.post("/notices/read?next=/notices/", data={"csrf_token": csrf_token(first)})
    assert r.status_code == 303 and r.headers["Location"] == "/notices/"
    assert unread() == 0
    home = client.get("/").get_data(as_text=True)  # all read: the newest three
    assert "通知第30条" in home and "通知第28条" in home and "通知第27条" not in home
    assert "知道了" not in home and ">新<" not in client.get("/notices/").get_data(as_text=True)


def test_read_needs_the_form_token(app, client, auth):
    resident_with_notices(app, 2)
    auth.login("13900000001")
    client.post("/notices/read", data={})
    assert unread() == 2


def test_notices_need_a_login(client):
    r = client.get("/notices/")
    assert r.status_code in (302, 303) and "/login" in r.headers["Location"]
