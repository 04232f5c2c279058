"""The monthly consumption chart: server-drawn SVG with the average and the flagged jumps, readable
by screen readers and without JavaScript."""

from __future__ import annotations

import re
import uuid
import xml.etree.ElementTree as ET
from datetime import date

import pytest

from app.readings.archive.consumption import monthly_consumption
from app.readings.models import Reading
from app.readings.services import Author, record_submission
from app.readings.validation import OK, RowCheck
from app.tenancy.context import tenant_scope
from tests.support.factories import DEMO_PASSWORD, make_account, make_reading, make_resident
from tests.support.web import base, sign_in, text

SVG = "{http://www.w3.org/2000/svg}"


def month(number: int, year: int = 2026) -> date:
    return date(year, number, 1)


@pytest.fixture
def moscow(tenants):
    return tenants["moscow"]


@pytest.fixture
def meter(app_context, moscow):
    """Readings April–November 2026: 4 m³ a month, then a confirmed jump of 20 in November."""
    account = make_account(moscow)
    make_resident(moscow, account, login="chart")
    meter = account.meters[0]
    for number in range(4, 11):
        make_reading(moscow, meter, month(number), 100_000 + (number - 4) * 4_000)
    with tenant_scope(moscow):
        record_submission(
            account,
            month(11),
            [RowCheck(meter, 1, OK, value_milli=144_000, consumption_milli=20_000, flagged=True)],
            idempotency_key="jump",
            author=Author("resident", None, "Иванов И. И.", "web"),
        )
    return meter


def signed_in(client, login="chart"):
    sign_in(client, "moscow", {"identifier": login, "secret": DEMO_PASSWORD})
    return client


def chart(client, meter_id, query=""):
    return client.get(f"/readings/meters/{meter_id}/chart.svg{query}", base_url=base("moscow"))


def parse(response) -> ET.Element:
    return ET.fromstring(response.get_data())


def bars(svg: ET.Element) -> list[ET.Element]:
    return [rect for rect in svg.iter(f"{SVG}rect") if "bar" in rect.get("class", "").split()]


def test_the_chart_is_an_svg_image_with_one_bar_per_month(client, meter):
    response = chart(signed_in(client), meter.id)
    assert response.status_code == 200
    assert response.mimetype == "image/svg+xml"
    svg = parse(response)
    # Eight readings make seven months of consumption: April has nothing before it.
    assert [bar.get("data-period") for bar in bars(svg)] == [
        f"2026-{number:02d}" for number in range(5, 12)
    ]
    assert svg.get("viewBox") == "0 0 360 210"  # scales to any width, 360 px included


def test_the_chart_describes_itself_for_screen_readers(client, meter):
    svg = parse(chart(signed_in(client), meter.id))
    assert svg.get("role") == "img"
    title, desc = svg.find(f"{SVG}title"), svg.find(f"{SVG}desc")
    assert meter.serial in title.text
    assert svg.get("aria-labelledby") == f"{title.get('id')} {desc.get('id')}"
    assert "май 2026 — 4" in desc.text and "ноябрь 2026 — 20 (!)" in desc.text
    assert "Среднее — 6,3 м³ в месяц" in desc.text  # (6 × 4 + 20) / 7 = 6.28…
    assert "Отмечены для проверки (резкий рост расхода): ноябрь 2026" in desc.text


def test_the_average_is_a_dashed_line_with_a_label(client, meter):
    svg = parse(chart(signed_in(client), meter.id))
    line = next(el for el in svg.iter(f"{SVG}line") if el.get("class") == "average-line")
    assert line.get("stroke-dasharray")
    label = next(el for el in svg.iter(f"{SVG}text") if el.get("class") == "average-label")
    assert label.text == "среднее 6,3"


def test_a_flagged_month_is_marked_in_colour_with_an_exclamation_and_a_tooltip(client, meter):
    svg = parse(chart(signed_in(client), meter.id))
    flagged = [bar for bar in bars(svg) if "bar-flagged" in bar.get("class")]
    assert [bar.get("data-period") for bar in flagged] == ["2026-11"]
    ordinary = next(bar for bar in bars(svg) if bar.get("data-period") == "2026-10")
    assert flagged[0].get("fill") != ordinary.get("fill")
    assert "отмечен для проверки" in flagged[0].find(f"{SVG}title").text
    markers = [el for el in svg.iter(f"{SVG}text") if el.get("class") == "flag-marker"]
    assert len(markers) == 1 and markers[0].text == "!"


def test_the_months_are_labelled_in_russian(client, meter):
    svg = parse(chart(signed_in(client), meter.id))
    axis = next(g for g in svg.iter(f"{SVG}g") if g.get("class") == "period-axis")
    labels = [el.text for el in axis.iter(f"{SVG}text")]
    assert labels[:2] == ["май", "2026"] and "ноя" in labels and "авг" in labels


def test_the_period_filter_narrows_the_chart(client, meter):
    svg = parse(chart(signed_in(client), meter.id, "?from=2026-09&to=2026-10"))
    assert [bar.get("data-period") for bar in bars(svg)] == ["2026-09", "2026-10"]
    assert chart(client, meter.id, "?from=сентябрь").status_code == 400


def test_the_history_page_inlines_the_same_chart(client, meter):
    page = text(signed_in(client).get("/readings/history", base_url=base("moscow")))
    inline = re.search(
        r"<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"consumption-chart\".*?</svg>",
        page,
        re.S,
    )
    assert inline is not None
    assert len(bars(ET.fromstring(inline.group(0)))) == 7


def test_a_meter_of_another_account_or_utility_is_not_found(client, meter, moscow, tenants):
    neighbour = make_account(moscow)
    foreign = make_account(tenants["cheboksary"])
    signed_in(client)
    assert chart(client, neighbour.meters[0].id).status_code == 404
    assert chart(client, foreign.meters[0].id).status_code == 404
    assert chart(client, uuid.uuid4()).status_code == 404


def test_without_two_readings_the_chart_says_so(client, app_context, moscow):
    account = make_account(moscow)
    make_resident(moscow, account, login="fresh")
    make_reading(moscow, account.meters[0], month(11), 5_000)
    svg = parse(chart(signed_in(client, "fresh"), account.meters[0].id))
    assert bars(svg) == []
    assert "Недостаточно показаний" in svg.find(f"{SVG}desc").text


def reading(meter, period, value, zone=1, flagged=False):
    return Reading(meter_id=meter.id, period=period, zone=zone, value_milli=value, flagged=flagged)


def test_consumption_counts_a_roll_over_and_spreads_a_gap(app_context, moscow):
    meter = make_account(moscow).meters[0]  # five digits: rolls over after 99 999
    series = monthly_consumption(
        meter,
        [
            reading(meter, month(6), 99_990_000),
            reading(meter, month(7), 2_000),
            reading(meter, month(10), 8_000),
        ],
    )
    july, october = series.bars
    assert (july.total_milli, july.months) == (12_000, 1)
    assert (october.total_milli, october.months, october.monthly_milli) == (6_000, 3, 2_000)
    assert series.average_milli == 4_500  # 18 m³ over 4 months


def test_a_two_rate_meter_adds_its_zones(app_context, moscow):
    meter = make_account(moscow).meters[0]
    meter.zones = 2
    series = monthly_consumption(
        meter,
        [
            reading(meter, month(9), 10_000, zone=1),
            reading(meter, month(9), 5_000, zone=2),
            reading(meter, month(10), 13_000, zone=1),
            reading(meter, month(10), 6_000, zone=2, flagged=True),
        ],
    )
    (october,) = series.bars
    assert october.total_milli == 4_000 and october.zones == ((1, 3_000), (2, 1_000))
    assert october.flagged
