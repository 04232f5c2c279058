"""Tenant rules as data: the schema, the five launch files, loading with clear errors (issue 2 §3)."""

from __future__ import annotations

import copy
from pathlib import Path

import pytest
import yaml
from sqlalchemy import select

from app.extensions import db
from app.tenancy.config import TenantConfigError, dump_tenant_config, load_tenant_config
from app.tenancy.context import tenant_scope
from app.tenancy.models import Settlement, Tenant
from tests.conftest import SLUGS, TENANTS_DIR


def raw(slug: str) -> dict:
    return yaml.safe_load((TENANTS_DIR / f"{slug}.yaml").read_text(encoding="utf-8"))


def problems(data: dict) -> list[tuple[str, str]]:
    with pytest.raises(TenantConfigError) as error:
        load_tenant_config(data, "tenants/x.yaml")
    return error.value.problems


@pytest.mark.parametrize("slug", SLUGS)
def test_launch_tenant_loads_and_round_trips(slug):
    config = load_tenant_config(raw(slug), f"{slug}.yaml")
    assert config.slug == slug
    assert load_tenant_config(dump_tenant_config(config)) == config


def test_seed_rules_are_in_the_files():
    cheb, sev, ang, msk, nsk = (load_tenant_config(raw(slug)) for slug in SLUGS)
    # Cheboksary: several settlements picked at login; 1-hour confirmation; meter required.
    assert len(cheb.settlements) > 1 and cheb.login.modes[0].settlement
    assert cheb.registration.confirmation_ttl_hours == 1
    assert cheb.registration.forms[0].requires_meter
    assert "meter_serial" in cheb.registration.forms[0].field_names
    # Sevastopol: captcha at login, window from the 20th to the 2nd, the settlement-centre note.
    assert sev.login.modes[0].captcha == "always"
    assert (sev.readings.window.first_day, sev.readings.window.last_day) == (20, 2)
    assert "ЕИРЦ" in sev.account_number.note
    assert sev.recovery.identify_by == (("account_number", "surname"),)
    # Angarsk: surname mode without password, no online recovery, window 1st–26th.
    assert {m.secret for m in ang.login.modes} == {"surname", "password"}
    assert not ang.recovery.online
    assert ang.account_lookup is not None
    assert (ang.readings.window.first_day, ang.readings.window.last_day) == (1, 26)
    # Moscow: working-day window, 48-hour link, legal entities, dictionaries, linked accounts.
    assert msk.readings.window.kind == "working_days"
    assert msk.registration.confirmation_ttl_hours == 48
    assert {form.audience for form in msk.registration.forms} == {"individual", "legal"}
    assert {entry.code for entry in msk.readings.calculation_types} == {"51", "54"}
    assert msk.features.linked_accounts.proof == "last_payment_amount"
    assert msk.readings.hide_menu_outside_window
    # Novosibirsk: padded prefixed numbers, separate organisation login, common-house meters.
    assert nsk.account_number.prefix.private_house == "11"
    assert [m.identifier for m in nsk.login.modes] == ["account_number", "access_code"]
    assert nsk.login.modes[0].remember_me
    assert not nsk.readings.eligibility.common_house_meter
    assert nsk.recovery.one_mail_per_address
    hot = next(s for s in nsk.services if s.code == "hot_water")
    assert not hot.billed
    # Every tenant: payment due by the 15th (federal rule), requisites for the QR code.
    for config in (cheb, sev, ang, msk, nsk):
        assert config.payments.due_day == 15
        assert len(config.requisites.settlement_account) == 20


def test_unknown_key_is_named_with_a_suggestion():
    data = raw("moscow")
    data["brandng"] = data.pop("branding")
    [(path, message)] = problems(data)
    assert path == "brandng"
    assert "did you mean `branding`" in message


def test_bad_nested_value_names_the_dotted_key_and_what_is_expected():
    data = raw("sevastopol")
    data["readings"]["window"]["first_day"] = 40
    data["branding"]["primary_colour"] = "blue"
    found = dict(problems(data))
    assert "readings.window.first_day" in found
    assert "less than or equal to 31" in found["readings.window.first_day"]
    assert "branding.primary_colour" in found


def test_list_items_are_named_by_index():
    data = raw("cheboksary")
    data["settlements"][1]["code"] = "Новочебоксарск"
    assert "settlements[1].code" in dict(problems(data))


@pytest.mark.parametrize(
    ("mutate", "key"),
    [
        (lambda d: d.update(time_zone="Europe/Atlantis"), "time_zone"),
        (lambda d: d["requisites"].update(inn="7701004014"), "requisites.inn"),
        (
            lambda d: d["requisites"].update(settlement_account="40702810233800000046"),
            "requisites.settlement_account",
        ),
        (
            lambda d: d["requisites"].update(correspondent_account="30101810400000000999"),
            "requisites.correspondent_account",
        ),
        (lambda d: d["account_number"].update(example="12345"), "account_number.example"),
        (lambda d: d["payments"].update(due_day=10), "payments.due_day"),
        (lambda d: d["contacts"]["phones"][0].update(number="12"), "contacts.phones[0].number"),
        (lambda d: d["features"].update(teleport={}), "features.teleport"),
        (lambda d: d["readings"].update(services=["gas"]), "readings.services[0]"),
    ],
)
def test_invalid_values_are_refused_at_their_key(mutate, key):
    data = raw("moscow")
    mutate(data)
    assert key in dict(problems(data))


def test_a_registration_form_without_email_is_refused():
    data = raw("sevastopol")
    data["registration"]["forms"][0]["fields"].remove("email")
    assert "every registration form needs `email`" in dict(problems(data))["registration.forms"]


def test_several_settlements_require_the_settlement_at_login():
    data = raw("cheboksary")
    data["login"]["modes"][0]["settlement"] = False
    assert "login" in dict(problems(data))


def test_angarsk_old_deadline_of_the_10th_is_refused_by_the_federal_rule():
    data = raw("angarsk")
    data["payments"]["due_day"] = 10
    assert "15th" in dict(problems(data))["payments.due_day"]


def write(directory: Path, slug: str, data: dict) -> None:
    (directory / f"{slug}.yaml").write_text(
        yaml.safe_dump(data, allow_unicode=True), encoding="utf-8"
    )


def test_cli_load_is_idempotent_and_lists_tenants(app):
    runner = app.test_cli_runner()
    first = runner.invoke(args=["tenants", "load", str(TENANTS_DIR)])
    assert first.exit_code == 0, first.output
    assert all(f"{slug}: unchanged" in first.output for slug in SLUGS)
    listing = runner.invoke(args=["tenants", "list"])
    assert "novosibirsk\tМУП г. Новосибирска «Горводоканал»\tactive\tnovosibirsk.localhost" in (
        listing.output
    )


def test_cli_load_updates_a_changed_file_and_its_settlements(app, tmp_path):
    data = raw("cheboksary")
    data["short_name"] = "Водоканал Чувашии"
    data["settlements"].append({"code": "marposad", "name": "г. Мариинский Посад"})
    data["settlements"] = [s for s in data["settlements"] if s["code"] != "kugesi"]
    write(tmp_path, "cheboksary", data)
    result = app.test_cli_runner().invoke(args=["tenants", "load", str(tmp_path)])
    assert result.output.strip() == "cheboksary: updated"
    with app.app_context():
        tenant = app.extensions["tenant_cache"].directory().by_slug["cheboksary"]
        assert tenant.config.short_name == "Водоканал Чувашии"
        with tenant_scope(tenant):
            rows = {s.code: s.active for s in db.session.scalars(select(Settlement))}
    assert rows == {"cheboksary": True, "novocheboksarsk": True, "kugesi": False, "marposad": True}


def test_one_bad_file_means_nothing_is_loaded(app, tmp_path):
    good = raw("moscow")
    good["short_name"] = "Изменено"
    bad = copy.deepcopy(raw("angarsk"))
    bad["readings"]["window"]["kind"] = "whenever"
    write(tmp_path, "moscow", good)
    write(tmp_path, "angarsk", bad)
    result = app.test_cli_runner().invoke(args=["tenants", "load", str(tmp_path)])
    assert result.exit_code != 0
    assert "nothing was loaded" in result.output
    assert f"{tmp_path / 'angarsk.yaml'}: readings.window.kind: Must be one of" in result.output
    with app.app_context():
        name = db.session.scalar(select(Tenant.config).where(Tenant.slug == "moscow"))
    assert name["short_name"] == "Мосводоканал"


def test_file_name_must_match_slug_and_yaml_errors_name_the_line(app, tmp_path):
    write(tmp_path, "mosvodokanal", raw("moscow"))
    (tmp_path / "broken.yaml").write_text("slug: broken\nname: [unclosed\n", encoding="utf-8")
    result = app.test_cli_runner().invoke(args=["tenants", "load", str(tmp_path)])
    assert "mosvodokanal.yaml: slug: file must be named moscow.yaml" in result.output
    assert "broken.yaml: line" in result.output


def test_a_custom_domain_cannot_be_claimed_twice(app, tmp_path):
    one, two = raw("moscow"), raw("angarsk")
    one["domains"] = ["lk.water.example"]
    two["domains"] = ["LK.Water.Example"]
    write(tmp_path, "moscow", one)
    write(tmp_path, "angarsk", two)
    result = app.test_cli_runner().invoke(args=["tenants", "load", str(tmp_path)])
    assert "lk.water.example is also claimed by" in result.output


def test_a_new_sixth_utility_is_onboarded_by_one_file(app, client, tmp_path):
    data = raw("novosibirsk")
    data.update(
        slug="tver",
        name="ООО «Тверь Водоканал»",
        short_name="Тверь Водоканал",
        city="Тверь",
        time_zone="Europe/Moscow",
        domains=["воды-твери.рф"],
    )
    data["settlements"] = [{"code": "tver", "name": "г. Тверь"}]
    write(tmp_path, "tver", data)
    result = app.test_cli_runner().invoke(args=["tenants", "load", str(tmp_path)])
    assert result.output.strip() == "tver: created"
    for hostname in ("tver.localhost", "xn----ctbbghs1bup2g.xn--p1ai"):
        page = client.get("/", headers={"Host": hostname}).get_data(as_text=True)
        assert "ООО «Тверь Водоканал»" in page


def test_reference_documentation_is_current():
    from app.tenancy.config.reference import config_reference_markdown

    documented = (TENANTS_DIR.parent / "docs" / "tenant-config.md").read_text(encoding="utf-8")
    assert documented == config_reference_markdown(), (
        "run: flask --app wsgi tenants schema > docs/tenant-config.md"
    )


def test_a_stored_config_with_a_key_a_later_release_dropped_still_loads(caplog):
    stored = dump_tenant_config(load_tenant_config(raw("moscow")))
    stored["features"]["retired_feature"] = {}
    stored["branding"]["old_colour"] = "#ffffff"
    config = load_tenant_config(stored, "tenant 'moscow' in the database", strict=False)
    assert "retired_feature" not in config.features
    assert "features.retired_feature" in caplog.text
    with pytest.raises(TenantConfigError):  # files are still checked strictly
        load_tenant_config(stored, "tenants/moscow.yaml")
