"""Shared builders for the issue tests (民事民提), and checks of the test world itself."""

from types import SimpleNamespace

from community.access import belongs_to
from community.issues import service
from community.issues.models import Issue
from tests.conftest import count, form_tokens, post_form  # noqa: F401 - shared by the area's tests
from tests.factories import make_household, make_resident, make_tree

PAYLOADS = ['<script>alert(1)</script>', '" onmouseover="x', 'hx-get="/logout"', "{{7*7}}"]


def make_world() -> SimpleNamespace:
    """Two communities; residents, a volunteer and workers with phones 1390000000N."""
    t = make_tree()
    o = make_tree("外")
    hh1, hh2, hho = make_household(t["b1"]), make_household(t["b2"]), make_household(o["b1"])
    w = SimpleNamespace(t=t, o=o)
    w.resident = make_resident(hh1, name="居民甲", phone="13900000001")
    w.neighbour = make_resident(hh1, name="邻居乙", phone="13900000002")
    w.b2 = make_resident(hh2, name="二栋丙", phone="13900000003")
    w.outsider = make_resident(hho, name="外人丁", phone="13900000004")
    w.volunteer = make_resident(make_household(t["b2"]), name="志愿者戊", phone="13900000005",
                                roles=[("volunteer", t["compound"])])
    w.worker = make_resident(None, name="工作人员己", phone="13900000006",
                             roles=[("worker", t["community"])])
    w.other_worker = make_resident(make_household(o["b2"]), name="外工作人员",
                                   phone="13900000007", roles=[("worker", o["community"])])
    w.nophone = make_resident(hh1, name="无手机老人")
    return w


def issue_in(unit, author, title="楼道灯坏了", **kw) -> Issue:
    """An issue created through the service, as a POST would."""
    return service.post_issue(author=author, unit=unit, title=title, **kw)


def test_world_access_rules(app):
    w = make_world()
    assert belongs_to(w.resident, w.t["b1"]) and belongs_to(w.resident, w.t["community"])
    assert not belongs_to(w.b2, w.t["b1"])
    assert not belongs_to(w.outsider, w.t["community"])
    assert belongs_to(w.worker, w.t["b2"]) and not belongs_to(w.worker, w.o["community"])
    issue = issue_in(w.t["b1"], w.resident)
    assert service.can_read(w.resident, issue) and service.can_read(w.worker, issue)
    assert not service.can_read(w.outsider, issue) and not service.can_read(w.b2, issue)
