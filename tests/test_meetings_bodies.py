"""民事民议: bodies per unit, members by seat, warnings for empty seats (never a block)."""

import re

import pytest

from community.audit.models import AuditLog
from community.extensions import db
from community.meetings.models import Body, BodyMember
from tests.test_meetings_setup import count, form_tokens, make_world, post_form


@pytest.fixture
def w(app):
    return make_world()


def new_body(client, w, **kw):
    data = {"unit_id": str(w.t["compound"].id), "name": "测试小区议事协商会", "kind": "urban",
            "quorum": "", **kw}
    return post_form(client, "/meetings/bodies/new", data)


def test_worker_sets_up_a_5_plus_n_body_and_seats_members(client, auth, w):
    auth.login("13900000006")
    r = new_body(client, w)
    body = db.session.scalar(db.select(Body).where(Body.kind == "urban"))
    assert r.status_code == 303 and r.headers["Location"] == f"/meetings/bodies/{body.id}"
    html = client.get(r.headers["Location"]).get_data(as_text=True)
    warning = html.split("提醒")[1].split("</div>")[0]
    for seat in ("两委成员", "小区党支部成员", "业主委员会成员", "物业服务企业负责人",
                 "社会组织代表"):
        assert seat in warning, seat
    url = r.headers["Location"]
    assert post_form(client, url, {"seat": "owners_committee", "who": "13900000001"}).status_code \
        == 303
    assert post_form(client, url, {"seat": "property", "name": "钱经理",
                                   "org": "宜昌某物业公司"}).status_code == 303
    members = db.session.scalars(db.select(BodyMember).where(BodyMember.body_id == body.id)).all()
    assert [(m.name, m.resident_id) for m in members] == [("居民甲", w.resident.id),
                                                          ("钱经理", None)]
    html = client.get(url).get_data(as_text=True)
    assert "还缺少“两委成员”、“小区党支部成员”、“社会组织代表”" in html
    assert "宜昌某物业公司" in html and "（无账号）" in html
    assert count(AuditLog, AuditLog.action == "body_member_added") == 2
    index = client.get("/meetings/bodies").get_data(as_text=True)
    assert "测试小区议事协商会" in index and "缺少：" in index


@pytest.mark.parametrize("data,field_id,message", [
    ({"seat": "liangwei", "who": "13900000001"}, "who", "居民甲已经是成员了"),
    ({"seat": "liangwei", "who": "13999999999"}, "who", "本社区（村）没有这个手机号"),
    ({"seat": "liangwei", "who": "13900000004"}, "who", "本社区（村）没有这个手机号"),
    ({"seat": "liangwei", "who": "12ab"}, "who", "手机号是11位数字"),
    ({"seat": "liangwei"}, "name", "请填手机号或居民码，或者填姓名"),
    ({"seat": "stakeholder", "name": "某人"}, "seat", "请选择席位"),
])
def test_bad_members_are_refused_beside_the_field(client, auth, w, data, field_id, message):
    auth.login("13900000006")
    r = post_form(client, f"/meetings/bodies/{w.body.id}", {"org": "留着的单位", **data})
    html = r.get_data(as_text=True)
    assert r.status_code == 422 and 'value="留着的单位"' in html
    pattern = rf'id="{field_id}-error" role="alert"><ul class="errors"><li>{message}'
    assert re.search(pattern, html), html
    assert count(BodyMember) == 3


def test_a_retried_create_makes_one_body_and_names_are_unique(client, auth, w):
    auth.login("13900000006")
    tokens = form_tokens(client, "/meetings/bodies/new")
    data = {"unit_id": str(w.t["compound"].id), "name": "重复的会", "kind": "urban", "quorum": ""}
    first = client.post("/meetings/bodies/new", data={**tokens, **data})
    again = client.post("/meetings/bodies/new", data={**tokens, **data})
    assert first.headers["Location"] == again.headers["Location"]
    assert count(Body, Body.name == "重复的会") == 1
    r = new_body(client, w, name="重复的会")
    assert r.status_code == 422 and "已经有同名的议事机构" in r.get_data(as_text=True)
    bad = new_body(client, w, unit_id=str(w.o["compound"].id), quorum="9/10")
    assert bad.status_code == 422 and "请选择所属单位" in bad.get_data(as_text=True)


def test_removing_a_member_brings_the_warning_back(client, auth, w):
    auth.login("13900000006")
    url = f"/meetings/bodies/{w.body.id}"
    member = next(m for m in w.body.members if m.seat == "social_org")
    r = post_form(client, f"{url}/members/{member.id}/remove", {}, page=url)
    assert r.status_code == 303 and count(BodyMember) == 2
    assert "“社会组织代表”" in client.get(url).get_data(as_text=True)


def test_a_village_committee_speaks_of_villagers(client, auth, app):
    from community.units.service import create_unit
    from tests.factories import make_resident
    town = create_unit(None, "测试镇", "street")
    village = create_unit(town, "测试村", "community", is_village=True)
    make_resident(None, phone="13900000016", roles=[("worker", village)])
    auth.login("13900000016")
    r = post_form(client, "/meetings/bodies/new", {"unit_id": str(village.id), "kind": "committee",
                                                  "name": "测试村议事协商委员会", "quorum": "2/3"})
    html = client.get(r.headers["Location"]).get_data(as_text=True)
    assert "村两委成员" in html and "村民代表" in html and "三分之二以上成员到会" in html
