"""Dates are Beijing dates: from midnight to 8 a.m. there, UTC still says yesterday."""

from datetime import date, datetime, time

import pytest

from community import clock


@pytest.mark.parametrize("utc, local", [
    (datetime(2026, 11, 29, 15, 59), date(2026, 11, 29)),
    (datetime(2026, 11, 29, 16, 0), date(2026, 11, 30)),  # 00:00 in Beijing
    (datetime(2026, 12, 31, 23, 0), date(2027, 1, 1)),
])
def test_today_is_the_date_in_beijing(app, monkeypatch, utc, local):
    monkeypatch.setattr(clock, "now", lambda: utc)
    assert clock.today() == local


def test_a_date_typed_just_after_midnight_is_not_in_the_future(app, monkeypatch):
    """A worker entering today's contribution at 00:30 Beijing time is not refused."""
    from community.projects.forms import ContributionForm

    monkeypatch.setattr(clock, "now", lambda: datetime(2026, 11, 29, 16, 30))
    with app.test_request_context(method="POST", data={"received_on": "2026-11-30"}):
        form = ContributionForm(meta={"csrf": False})
        form.validate()
        assert "received_on" not in form.errors, form.errors


def test_clock_is_the_one_converter_between_utc_and_beijing():
    assert clock.to_utc(date(2026, 12, 8)) == datetime(2026, 12, 7, 16, 0)
    assert clock.to_utc(date(2026, 12, 8), time(19, 30)) == datetime(2026, 12, 8, 11, 30)
    assert clock.local(datetime(2026, 12, 7, 16, 0)) == datetime(2026, 12, 8, 0, 0)
    assert clock.from_local(clock.local(datetime(2026, 3, 1, 5, 7))) == datetime(2026, 3, 1, 5, 7)
