"""The validation matrix of a reading (SPEC §3): format, digits, previous value and roll-over,
unusual jumps that need confirming, the verification date."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from app.accounts.models import Meter
from app.readings.baselines import Baseline
from app.readings.validation import BLOCKED, CONFIRM, EMPTY, OK, REFUSED, check_row
from app.readings.values import InvalidValue, format_value, parse_value

TODAY = date(2026, 11, 22)


def meter(**fields) -> Meter:
    values = {
        "serial": "12345678",
        "service": "cold_water",
        "zones": 1,
        "digits": 5,
        "verified_until": date(2030, 1, 1),
    }
    values.update(fields)
    return Meter(**values)


def check(
    raw,
    *,
    previous=100_000,
    average=5_000,
    decimals=0,
    digits=5,
    confirmed=False,
    verified_until=date(2030, 1, 1),
):
    return check_row(
        meter(digits=digits, verified_until=verified_until),
        1,
        raw,
        Baseline(previous, date(2026, 10, 1), average, None),
        decimals=decimals,
        jump_factor=Decimal("3"),
        today=TODAY,
        jump_confirmed=confirmed,
    )


@pytest.mark.parametrize(
    ("raw", "decimals", "milli"),
    [
        ("123", 0, 123_000),
        (" 1 234 ", 0, 1_234_000),
        ("12,5", 1, 12_500),
        ("12.505", 3, 12_505),
        ("0", 0, 0),
        ("12,0", 0, 12_000),
        ("007", 0, 7_000),
    ],
)
def test_values_parse_to_thousandths(raw, decimals, milli):
    assert parse_value(raw, decimals) == milli


@pytest.mark.parametrize(
    ("raw", "decimals"),
    [
        ("-5", 0),
        ("12a", 0),
        ("1e3", 0),
        ("12,5", 0),
        ("1,2345", 3),
        ("", 0),
        ("½", 0),
        ("١٢", 0),
    ],
)
def test_non_readings_are_refused(raw, decimals):
    with pytest.raises(InvalidValue):
        parse_value(raw, decimals)


def test_values_are_shown_with_the_tenants_decimals():
    assert format_value(12_500, 2) == "12,50"
    assert format_value(12_000, 0) == "12"
    assert format_value(None, 0) == "—"


def test_an_ordinary_reading_is_transmitted_with_its_consumption(app_context):
    row = check("106")
    assert row.status == OK and row.value_milli == 106_000 and row.consumption_milli == 6_000


def test_an_empty_row_is_not_transmitted(app_context):
    assert check("  ").status == EMPTY


def test_below_the_previous_reading_is_refused(app_context):
    row = check("99")
    assert row.status == REFUSED
    assert "меньше предыдущего (100)" in row.message


def test_a_roll_over_past_the_maximum_is_accepted(app_context):
    row = check("3", previous=99_998_000, average=4_000)
    assert row.status == OK and row.consumption_milli == 5_000


def test_more_digits_than_the_meter_has_are_refused(app_context):
    assert check("100000", digits=5).status == REFUSED
    assert check("99999", digits=5, previous=None, average=None).status == OK


def test_a_jump_needs_confirming_and_is_flagged_for_staff(app_context):
    unconfirmed = check("130")  # 30 m³ against a usual 5 m³ a month
    assert unconfirmed.status == CONFIRM
    assert "намного больше обычного" in unconfirmed.message
    confirmed = check("130", confirmed=True)
    assert confirmed.status == OK and confirmed.flagged


def test_a_small_jump_over_a_tiny_average_is_not_questioned(app_context):
    assert check("101", average=100).status == OK


def test_without_history_there_is_no_jump_check(app_context):
    assert check("500", average=None).status == OK


def test_an_expired_meter_takes_no_reading_and_says_why(app_context):
    row = check("106", verified_until=date(2026, 11, 1))
    assert row.status == BLOCKED
    assert "Срок поверки прибора истёк" in row.message


def test_decimals_follow_the_tenant(app_context):
    assert check("106,5", decimals=0).status == REFUSED
    assert check("106,5", decimals=1, previous=100_000).value_milli == 106_500
