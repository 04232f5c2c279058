"""Reading windows of every city at the exact minutes they open and close, in each city's own time
zone; Moscow's working-day rule across New Year and transferred days off (issue 4)."""

from __future__ import annotations

import json
from datetime import date, datetime
from itertools import pairwise
from zoneinfo import ZoneInfo

import pytest

from app.readings.windows import next_window, upcoming_windows, window_at, window_state
from app.tenancy.config.section import Section


def local(slug_zone: str, text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=ZoneInfo(slug_zone))


def is_open(tenant, text: str) -> bool:
    return window_state(tenant, local(tenant.config.time_zone, text)).is_open


@pytest.mark.parametrize(
    ("slug", "last_open", "first_closed", "first_open"),
    [
        # first minute open / last minute open / first minute closed, tenant-local
        ("angarsk", "2026-11-26T23:59", "2026-11-27T00:00", "2026-12-01T00:00"),
        ("cheboksary", "2026-11-25T23:59", "2026-11-26T00:00", "2026-12-20T00:00"),
        ("novosibirsk", "2026-11-25T23:59", "2026-11-26T00:00", "2026-12-20T00:00"),
        ("sevastopol", "2026-12-02T23:59", "2026-12-03T00:00", "2026-12-20T00:00"),
    ],
)
def test_days_of_month_windows_open_and_close_at_local_midnight(
    tenants, slug, last_open, first_closed, first_open
):
    tenant = tenants[slug]
    assert is_open(tenant, last_open)
    assert not is_open(tenant, first_closed)
    assert is_open(tenant, first_open)
    minute_before = first_open[:-5] + "23:59"
    day_before = date.fromisoformat(first_open[:10]).toordinal() - 1
    assert not is_open(tenant, f"{date.fromordinal(day_before).isoformat()}T{minute_before[-5:]}")


def test_angarsk_closes_at_midnight_irkutsk_time_not_moscow_time(tenants):
    angarsk = tenants["angarsk"]
    # 19:00 Moscow on the 26th is already 00:00 of the 27th in Irkutsk: closed.
    assert not window_state(angarsk, local("Europe/Moscow", "2026-11-26T19:00")).is_open
    assert window_state(angarsk, local("Europe/Moscow", "2026-11-26T18:59")).is_open


def test_sevastopol_window_crossing_the_month_belongs_to_the_month_it_opened(tenants):
    state = window_state(tenants["sevastopol"], local("Europe/Simferopol", "2027-01-02T12:00"))
    assert state.is_open
    assert state.open.period == date(2026, 12, 1)
    assert state.open.opens_at == local("Europe/Simferopol", "2026-12-20T00:00")
    assert state.open.last_day == date(2027, 1, 2)


def test_moscow_window_across_new_year(tenants):
    moscow = tenants["moscow"]
    # 31 Dec 2026 is a transferred day off: the last working days are the 29th and 30th; the
    # first working days of 2027 come after the New Year holidays: 11 and 12 January.
    state = window_state(moscow, local("Europe/Moscow", "2027-01-05T10:00"))
    assert state.is_open
    assert state.open.period == date(2026, 12, 1)
    assert state.open.opens_at == local("Europe/Moscow", "2026-12-29T00:00")
    assert state.open.last_day == date(2027, 1, 12)
    assert not is_open(moscow, "2026-12-28T23:59")
    assert is_open(moscow, "2027-01-12T23:59")
    assert not is_open(moscow, "2027-01-13T00:00")


def test_moscow_window_with_a_working_saturday_transferred_from_a_holiday(tenants):
    moscow = tenants["moscow"]
    # Saturday 1 Nov 2025 was a working day; 3 and 4 November were days off.
    state = window_state(moscow, local("Europe/Moscow", "2025-11-04T12:00"))
    assert state.open.opens_at == local("Europe/Moscow", "2025-10-30T00:00")
    assert state.open.last_day == date(2025, 11, 5)
    assert is_open(moscow, "2025-11-05T23:59")
    assert not is_open(moscow, "2025-11-06T00:00")


def test_moscow_window_in_a_leap_year_february(tenants):
    state = window_state(tenants["moscow"], local("Europe/Moscow", "2028-02-29T09:00"))
    assert state.open.opens_at == local("Europe/Moscow", "2028-02-28T00:00")
    assert state.open.last_day == date(2028, 3, 2)
    assert state.open.period == date(2028, 2, 1)


def test_sevastopol_leap_february_window_runs_to_the_second_of_march(tenants):
    state = window_state(tenants["sevastopol"], local("Europe/Simferopol", "2028-02-29T23:00"))
    assert state.open.period == date(2028, 2, 1)
    assert state.open.last_day == date(2028, 3, 2)


def test_a_day_past_the_end_of_the_month_means_its_last_day():
    window = Section({"kind": "days_of_month", "first_day": 25, "last_day": 31})
    february = window_at(
        window, ZoneInfo("Europe/Moscow"), datetime(2027, 2, 28, 23, 0, tzinfo=ZoneInfo("UTC"))
    )
    assert february is None or february.last_day == date(2027, 2, 28)
    upcoming = next_window(
        window, ZoneInfo("Europe/Moscow"), datetime(2027, 2, 1, tzinfo=ZoneInfo("Europe/Moscow"))
    )
    assert upcoming.last_day == date(2027, 2, 28)


def test_closed_window_tells_when_the_next_opens(tenants):
    state = window_state(tenants["cheboksary"], local("Europe/Moscow", "2026-11-26T10:00"))
    assert not state.is_open
    assert state.upcoming.opens_at == local("Europe/Moscow", "2026-12-20T00:00")
    assert state.upcoming.period == date(2026, 12, 1)


def test_the_next_twelve_windows_follow_each_other(tenants):
    windows = upcoming_windows(
        tenants["moscow"].config.readings.window,
        ZoneInfo("Europe/Moscow"),
        local("Europe/Moscow", "2026-11-21T00:00"),
        12,
    )
    assert len(windows) == 12
    assert all(a.closes_at <= b.opens_at for a, b in pairwise(windows))
    assert [w.period.month for w in windows[:3]] == [11, 12, 1]


def test_cli_reports_the_open_window_in_the_tenants_time_zone(app):
    result = app.test_cli_runner().invoke(
        args=["readings", "window", "angarsk", "--at", "2026-11-26T15:59:00+00:00", "--json"]
    )
    report = json.loads(result.output)
    assert report["open"] is True
    assert report["at"] == "2026-11-26T23:59:00+08:00"
    assert report["window"] == {
        "opens_at": "2026-11-01T00:00:00+08:00",
        "closes_at": "2026-11-27T00:00:00+08:00",
        "last_day": "2026-11-26",
        "period": "2026-11",
    }


def test_cli_reports_the_next_window_when_closed(app):
    result = app.test_cli_runner().invoke(
        args=["readings", "window", "moscow", "--at", "2026-12-10T12:00"]
    )
    assert result.exit_code == 0
    assert "closed" in result.output
    assert "next: 2026-12-29T00:00:00+03:00" in result.output
    assert "billing period 2026-12" in result.output


def test_cli_refuses_unknown_tenants_and_bad_moments(app):
    runner = app.test_cli_runner()
    assert "no tenant 'atlantis'" in runner.invoke(args=["readings", "window", "atlantis"]).output
    assert (
        "not an ISO 8601"
        in runner.invoke(args=["readings", "window", "moscow", "--at", "вчера"]).output
    )
