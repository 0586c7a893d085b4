"""民事民议 in the demo: 锦江社区's 围楼夜话, 船柴社区's 月月议, bodies, and every page's gates."""

import json
import re
import shutil
import subprocess

import pytest

from community import clock
from community.extensions import db
from community.meetings.models import Body, Meeting, Outcome
from tests.crawl import Page, analyse, gzip_size, markup_problems, need
from tests.test_meetings_setup import post_form
from tests.test_pages import HTMX_ATTR, VNU_JAR

PIN = "135790"
# macros/forms.html render_field puts role="alert" on its <ul> of errors, which HTML does not
# allow on a list (reported to the lead; not this area's file). Every other error counts.
SHARED_MACRO_ISSUE = "Bad value “alert” for attribute “role” on element “ul”."


def test_demo_has_bodies_meetings_and_outcomes(demo):
    bodies = {b.name: b for b in db.session.scalars(db.select(Body))}
    assert {"船柴社区居民议事协商委员会", "船柴一区议事协商会", "锦江社区居民议事协商委员会",
            "锦江花园议事协商会"} <= set(bodies)
    assert all(len(b.members) >= 4 for b in bodies.values())
    night = db.session.scalar(db.select(Meeting).where(Meeting.title.like("围楼夜话%")))
    assert night.body.unit.name == "锦江花园" and night.ends_at < clock.now()
    assert night.minutes_published_at and "晾晒难" in night.items[0].title
    assert night.items[0].outcome.status == "approved" and night.attendance
    monthly = db.session.scalars(db.select(Meeting).where(Meeting.title == "月月议")
                                 .order_by(Meeting.starts_at)).all()
    assert len(monthly) == 3 and monthly[0].starts_at > clock.now()
    assert monthly[0].body.name == "船柴社区居民议事协商委员会" and len(monthly[0].items) == 3
    assert db.session.scalar(db.select(Outcome).where(Outcome.status == "pending"))


def test_demo_resident_sees_the_coming_monthly_meeting(client, auth, demo):
    auth.login("13800000001", PIN)
    home = client.get("/").get_data(as_text=True)
    assert "月月议（船柴社区居民议事协商委员会）" in home
    meeting_id = re.search(r'href="/meetings/(\d+)">月月议', home).group(1)
    page = client.get(f"/meetings/{meeting_id}").get_data(as_text=True)
    assert "党群服务中心" in page and "党员政治生活馆周末开放时间" in page
    assert client.get("/meetings").status_code == 200
    night = db.session.scalar(db.select(Meeting).where(Meeting.title.like("围楼夜话%")))
    assert client.get(f"/meetings/{night.id}").status_code == 403  # another community's


def test_jinjiang_residents_read_the_night_talk_minutes(client, auth, demo):
    night = db.session.scalar(db.select(Meeting).where(Meeting.title.like("围楼夜话%")))
    auth.login("13800000031", PIN)
    html = client.get(f"/meetings/{night.id}/minutes").get_data(as_text=True)
    assert "不锈钢晾衣架" in html and "1楼两户担心" in html and "待表决" in html


def test_demo_reviewer_has_the_speed_bump_to_review(client, auth, demo):
    auth.login("13800000004", PIN)
    home = client.get("/").get_data(as_text=True)
    assert "待审核的协商成果：小区门口增设减速带" in home


def staff_pages(demo_client, urls):
    for url in urls:
        r = demo_client.get(url)
        assert r.status_code == 200, url
        html = r.get_data(as_text=True)
        page = Page(url, 200, html, None, analyse(html))
        assert not markup_problems(page, ("localhost",)), (url, markup_problems(page, ()))
        assert " style=" not in html and "<script>" not in html, url
        yield url, html


def test_every_meeting_page_passes_the_gates(client, auth, demo):
    auth.login("13800000003", PIN)
    meeting = db.session.scalar(db.select(Meeting).where(Meeting.title == "周周碰"))
    body = meeting.body
    urls = ["/meetings", "/meetings/new", f"/meetings/new?body={body.id}", "/meetings/bodies",
            "/meetings/bodies/new", f"/meetings/bodies/{body.id}", f"/meetings/{meeting.id}",
            f"/meetings/{meeting.id}/notice", f"/meetings/{meeting.id}/attendance",
            f"/meetings/{meeting.id}/stakeholders", f"/meetings/{meeting.id}/minutes",
            f"/meetings/{meeting.id}/items/{meeting.items[0].id}/minutes", "/meetings/outcomes",
            f"/meetings/outcomes/{meeting.items[0].outcome.id}", f"/meetings/{meeting.id}/checkin"]
    css = gzip_size(client.get(re.search(r'href="(/assets/site[^"]+)"', client.get(
        "/meetings").get_data(as_text=True)).group(1)).data)
    for url, html in staff_pages(client, urls):
        assert gzip_size(html) + css <= 14_000, url


@pytest.mark.vnu
def test_meeting_pages_are_valid_html(client, auth, demo, tmp_path):
    java, jar = shutil.which("java"), VNU_JAR
    need("java", bool(java), "apt-get install default-jre-headless")
    need(str(jar), jar.exists(), "run `make setup` (npm ci installs vnu-jar)")
    meeting = db.session.scalar(db.select(Meeting).where(Meeting.title == "周周碰"))
    outcome = meeting.items[0].outcome
    pages = {}
    auth.login("13800000003", PIN)
    for url in [f"/meetings/{meeting.id}", f"/meetings/{meeting.id}/attendance",
                f"/meetings/{meeting.id}/notice", f"/meetings/bodies/{meeting.body_id}",
                f"/meetings/new?body={meeting.body_id}", f"/meetings/outcomes/{outcome.id}",
                f"/meetings/{meeting.id}/items/{meeting.items[0].id}/minutes", "/meetings",
                "/meetings/new", "/meetings/bodies", "/meetings/bodies/new", "/meetings/outcomes",
                f"/meetings/{meeting.id}/minutes", f"/meetings/{meeting.id}/stakeholders",
                f"/meetings/{meeting.id}/checkin"]:
        pages[url] = client.get(url).get_data(as_text=True)
    bad = {"title": "x", "date": "明天", "agenda": "", "issues": ["99999"]}
    pages["422 new"] = post_form(client, f"/meetings/new?body={meeting.body_id}", bad).get_data(
        as_text=True)
    pages["422 member"] = post_form(client, f"/meetings/bodies/{meeting.body_id}",
                                    {"seat": "x"}).get_data(as_text=True)
    auth.login("13800000004", PIN)
    pages["422 review"] = post_form(client, f"/meetings/outcomes/{outcome.id}/review",
                                    {"decision": "return"},
                                    page=f"/meetings/outcomes/{outcome.id}").get_data(as_text=True)
    for n, html in enumerate(pages.values()):
        (tmp_path / f"{n}.html").write_text(html, encoding="utf-8")
    out = subprocess.run([java, "-jar", str(jar), "--errors-only", "--format", "json", "--stdout",
                          *sorted(p.name for p in tmp_path.glob("*.html"))], cwd=tmp_path,
                         capture_output=True, text=True, timeout=300, check=False)
    errors = [f"{list(pages)[int(m['url'].rsplit('/', 1)[-1][:-5])]}: {m['message']}"
              for m in json.loads(out.stdout)["messages"]
              if m.get("type") != "info" and not HTMX_ATTR.match(m.get("message", ""))
              and m.get("message") != SHARED_MACRO_ISSUE]
    assert not errors, "\n".join(errors)
