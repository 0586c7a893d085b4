"""What a resident's roles and homes allow is kept per access_version: every change of their
roles or homes raises it, so nothing older is ever used, and pages stop asking every time."""

from sqlalchemy import event

from community import access
from community.extensions import db
from community.residents.models import Membership, RoleAssignment
from tests.factories import make_household, make_resident, make_tree


def test_a_role_gained_or_lost_is_seen_at_once(app):
    t = make_tree()
    r = make_resident(make_household(t["b1"]))
    db.session.commit()
    assert not access.has_role(r, "worker", t["b1"]) and not access.is_staff(r)
    before = r.access_version
    r.roles.append(RoleAssignment(role="worker", unit=t["compound"]))
    db.session.commit()
    assert r.access_version == before + 1
    assert access.has_role(r, "worker", t["b1"]) and access.is_staff(r)
    assert [u.id for u in access.role_units(r, "worker")] == [t["compound"].id]
    r.roles.clear()
    db.session.commit()
    assert not access.has_role(r, "worker", t["b1"]) and access.role_units(r, "worker") == []


def test_a_move_changes_the_homes(app):
    t = make_tree()
    r = make_resident(make_household(t["b1"]))
    db.session.commit()
    assert t["b1"] in access.home_units(r) and access.belongs_to(r, t["b1"])
    other = make_household(t["b2"])
    db.session.delete(r.memberships[0])
    db.session.add(Membership(resident=r, household=other))
    db.session.commit()
    homes = access.home_units(r)
    assert t["b2"] in homes and t["b1"] not in homes
    assert not access.belongs_to(r, t["b1"]) and access.belongs_to(r, t["b2"])


def test_a_known_resident_costs_no_query_for_roles(app):
    t = make_tree()
    r = make_resident(make_household(t["b1"]), roles=[("volunteer", t["compound"])])
    db.session.commit()
    assert access.role_names(r) == {"volunteer"} and t["b1"].path  # both loaded once
    seen = []
    listener = lambda *a: seen.append(a[2])  # noqa: E731
    event.listen(db.engine, "before_cursor_execute", listener)
    try:
        assert access.role_names(r) == {"volunteer"} and access.is_staff(r) is False
        assert access.has_role(r, "volunteer", t["b1"])
    finally:
        event.remove(db.engine, "before_cursor_execute", listener)
    assert seen == []
