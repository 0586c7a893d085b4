"""Builders and browser-like steps for the ballot tests (STYLE rule 21)."""

import re
from datetime import timedelta
from html import unescape

from community import clock
from community.ballots import service
from community.ballots.models import Ballot
from community.extensions import db
from tests.conftest import csrf_token
from tests.factories import make_resident

TICKET_RE = re.compile(r'name="ticket" value="([^"]*)"')


def worker_of(unit, name="社区干部"):
    """A worker holding the role at this unit (no household of their own)."""
    return make_resident(None, name=name, roles=[("worker", unit)])


def make_ballot(unit, *, actor=None, basis="resident", rule="majority",
                options=("同意", "反对", "弃权"), secret=True, opens_in=None,
                lasts=timedelta(days=7), channels=("web", "kiosk", "visit", "paper"),
                entrance=None) -> Ballot:
    """Open (or announce, with opens_in) a ballot through the service, as a worker would."""
    actor = actor or worker_of(unit)
    now = clock.now()
    opens_at = now + opens_in if opens_in else None
    draft = service.Draft(
        unit=unit, title="测试表决", basis=basis, rule=rule, options=list(options),
        closes_at=(opens_at or now) + lasts, opens_at=opens_at, secret=secret,
        channels=list(channels), entrance=entrance, notice_acknowledged=True)
    return service.create_ballot(draft, actor)


def option_id(ballot, label) -> int:
    return next(o.id for o in db.session.get(Ballot, ballot.id).options if o.label == label)


def confirm_page(client, ballot, label, **extra):
    """Step 1: choose on the ballot page and post; returns the confirmation response."""
    page = client.get(f"/ballots/{ballot.id}").get_data(as_text=True)
    data = {"csrf_token": csrf_token(page), "option": str(option_id(ballot, label)), **extra}
    return client.post(f"/ballots/{ballot.id}/vote", data=data)


def ticket_of(html: str) -> str:
    m = TICKET_RE.search(html)
    assert m, "no ticket on the confirmation page"
    return unescape(m.group(1))


def vote(client, ballot, label):
    """Choose, confirm, and return the response to the confirmation (303 when cast)."""
    r = confirm_page(client, ballot, label)
    if r.status_code != 200:
        return r
    html = r.get_data(as_text=True)
    return client.post(f"/ballots/{ballot.id}/vote", data={
        "csrf_token": csrf_token(html), "option": str(option_id(ballot, label)),
        "ticket": ticket_of(html), "confirmed": "1"})


def login(client, resident, pin="135790"):
    from tests.conftest import AuthActions
    r = AuthActions(client).login(resident.code, pin)
    assert r.status_code == 303, r.get_data(as_text=True)
    return client
