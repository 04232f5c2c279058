"""The readings export (SPEC §4): the current reading of every meter and zone of one period, in
the columns of the spec, with the tenant's decimals and UTC offset; streamed in batches; from
Python, and from `flask --app wsgi billing export-readings`."""

from __future__ import annotations

import csv
import dataclasses
import io
import uuid
from datetime import UTC, datetime

import pytest

from app.billing.exchange import exports
from app.billing.exchange.cli import billing_cli
from app.billing.exchange.exports import export_readings, value_formatter
from app.extensions import db
from app.readings.services import Author, record_submission
from app.readings.validation import OK, RowCheck
from app.readings.values import format_value
from app.tenancy.config import dump_tenant_config, load_tenant_config
from app.tenancy.context import tenant_scope
from tests.support.factories import make_account
from tests.support.readings import NOVEMBER, OCTOBER, add_meter, freeze

HEADER = "account_number,meter_serial,service,zone,period,value,submitted_at,channel\n"


def submit(monkeypatch, tenant, meter, milli, *, at, zone=1, channel="web", period=NOVEMBER):
    """A reading of `meter` submitted at `at` (UTC) through `channel`."""
    freeze(monkeypatch, at)
    author = Author("system" if channel == "import" else "resident", None, None, channel)
    with tenant_scope(tenant):
        record_submission(
            meter.account,
            period,
            [RowCheck(meter, zone, OK, value_milli=milli)],
            idempotency_key=uuid.uuid4().hex,
            author=author,
        )
        db.session.flush()


def exported(tenant, period=NOVEMBER) -> str:
    return "".join(export_readings(tenant, period))


@pytest.fixture
def angarsk(tenants):
    return tenants["angarsk"]


@pytest.fixture
def readings(app_context, angarsk, tenants, monkeypatch):
    """Angarsk (UTC+8): a re-submitted cold-water reading, a two-zone hot-water meter, a
    reading of another account and one of October; Sevastopol's reading of the same period."""
    first = make_account(angarsk, number="204817")
    cold = first.meters[0]
    hot = add_meter(angarsk, first, "H-2", service="hot_water", zones=2, digits=6)
    other = make_account(angarsk, number="204818").meters[0]
    submit(monkeypatch, angarsk, cold, 123_000, at=datetime(2026, 11, 20, 1, 30, tzinfo=UTC))
    submit(monkeypatch, angarsk, cold, 124_000, at=datetime(2026, 11, 21, 2, 0, tzinfo=UTC))
    for zone, milli in ((1, 10_000), (2, 20_500)):
        submit(
            monkeypatch,
            angarsk,
            hot,
            milli,
            zone=zone,
            channel="import",
            at=datetime(2026, 11, 22, 16, 0, 59, tzinfo=UTC),  # 23 November in Angarsk
        )
    submit(
        monkeypatch,
        angarsk,
        other,
        7_000,
        channel="office",
        at=datetime(2026, 11, 25, 3, 0, tzinfo=UTC),
    )
    submit(
        monkeypatch, angarsk, other, 6_000, period=OCTOBER, at=datetime(2026, 10, 25, 3, tzinfo=UTC)
    )
    sevastopol = tenants["sevastopol"]
    away = make_account(sevastopol, number="2045173").meters[0]
    submit(monkeypatch, sevastopol, away, 1_000, at=datetime(2026, 11, 22, 9, tzinfo=UTC))
    return {"sevastopol": sevastopol}


def test_the_current_readings_of_the_period_in_the_columns_of_the_spec(readings, angarsk):
    assert exported(angarsk) == HEADER + (
        "204817,204817-1,cold_water,1,2026-11,124,2026-11-21T10:00:00+08:00,web\n"
        "204817,H-2,hot_water,1,2026-11,10,2026-11-23T00:00:59+08:00,import\n"
        "204817,H-2,hot_water,2,2026-11,20,2026-11-23T00:00:59+08:00,import\n"
        "204818,204818-1,cold_water,1,2026-11,7,2026-11-25T11:00:00+08:00,office\n"
    )


def test_only_the_chosen_period_and_only_this_tenants_readings(readings, angarsk):
    assert exported(angarsk, OCTOBER) == HEADER + (
        "204818,204818-1,cold_water,1,2026-10,6,2026-10-25T11:00:00+08:00,web\n"
    )
    assert exported(readings["sevastopol"]) == HEADER + (
        "2045173,2045173-1,cold_water,1,2026-11,1,2026-11-22T12:00:00+03:00,web\n"
    )
    assert exported(angarsk, NOVEMBER.replace(year=2025)) == HEADER


def test_values_have_the_tenants_decimals(readings, angarsk):
    config = dump_tenant_config(angarsk.config)
    config["readings"]["decimals"] = 3
    precise = dataclasses.replace(angarsk, config=load_tenant_config(config))

    rows = list(csv.DictReader(io.StringIO(exported(precise))))

    assert [row["value"] for row in rows] == ["124.000", "10.000", "20.500", "7.000"]


@pytest.mark.parametrize("decimals", [0, 1, 2, 3])
def test_values_round_as_the_cabinet_shows_them(decimals):
    value_text = value_formatter(decimals)
    for milli in (0, 5, 999, 1_000, 1_005, 1_050, 1_500, 2_500, 123_456, 99_999_999_999):
        assert value_text(milli) == format_value(milli, decimals).replace(",", ".")


def test_the_export_is_streamed_in_batches(readings, angarsk, monkeypatch):
    monkeypatch.setattr(exports, "BATCH", 2)

    chunks = list(export_readings(angarsk, NOVEMBER))

    assert chunks[0] == HEADER
    assert [chunk.count("\n") for chunk in chunks[1:]] == [2, 2]
    assert "".join(chunks) == exported(angarsk)


def test_an_export_of_a_period_without_readings_is_the_header(app_context, angarsk):
    assert list(export_readings(angarsk, NOVEMBER)) == [HEADER]


# --- the CLI -------------------------------------------------------------------------------------


def invoke(app, *args):
    return app.test_cli_runner().invoke(billing_cli, ["export-readings", *map(str, args)])


def test_the_command_writes_the_export_to_a_file(app, readings, angarsk, tmp_path):
    target = tmp_path / "readings-2026-11.csv"

    result = invoke(app, "angarsk", "--period", "2026-11", "-o", target)

    assert result.exit_code == 0, result.output
    assert target.read_text(encoding="utf-8") == exported(angarsk)
    assert f"4 readings of 2026-11 written to {target}" in result.output


def test_the_command_writes_to_standard_output_by_default(app, readings, angarsk):
    result = invoke(app, "angarsk", "--period", "2026-10")

    assert result.exit_code == 0, result.output
    assert result.stdout == exported(angarsk, OCTOBER)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["angarsk", "--period", "2026-13"], "месяца 13 нет: ожидается 01–12"),
        (["angarsk", "--period", "ноябрь"], "период в формате ГГГГ-ММ"),
        (["angarsk"], "Missing option '--period'"),
    ],
)
def test_a_bad_period_is_a_usage_error(app, app_context, args, message):
    result = invoke(app, *args)

    assert result.exit_code == 2
    assert message in result.output
    assert "Usage:" in result.output


def test_an_unknown_tenant_is_refused(app, app_context):
    result = invoke(app, "atlantis", "--period", "2026-11")

    assert result.exit_code == 1
    assert "no tenant 'atlantis'" in result.output
