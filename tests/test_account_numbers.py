"""Account numbers: one tenant-driven component validates, normalises and formats (issue 2 §5)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.tenancy.account_numbers import AccountNumberFormat, InvalidAccountNumber

NOVOSIBIRSK = AccountNumberFormat(
    length=7,
    pad=True,
    prefix_length=2,
    separator="-",
    private_house_prefix="11",
    example="01-1234567",
)
MOSCOW = AccountNumberFormat(length=10, example="7012345678")

seven_digits = st.text(alphabet="0123456789", min_size=7, max_size=7)
two_digits = st.text(alphabet="0123456789", min_size=2, max_size=2)
junk = st.text(min_size=1).filter(lambda s: not any(ch.isdigit() for ch in s))


def test_novosibirsk_private_sector_number_is_prefixed_and_padded():
    assert NOVOSIBIRSK.normalise("7785", private_house=True) == "11-0007785"


def test_novosibirsk_short_number_after_the_dash_is_padded():
    assert NOVOSIBIRSK.normalise("11-7785") == "11-0007785"


def test_novosibirsk_full_number_stays():
    assert NOVOSIBIRSK.normalise("01-1234567") == "01-1234567"


@pytest.mark.parametrize(
    "typed", [" 01-1234567 ", "01 1234567", "01–1234567", "011234567", "01.1234567"]
)
def test_novosibirsk_accepts_how_people_copy_numbers_from_receipts(typed):
    assert NOVOSIBIRSK.normalise(typed) == "01-1234567"


def test_novosibirsk_bare_digits_without_private_sector_need_the_prefix():
    with pytest.raises(InvalidAccountNumber, match="01-1234567"):
        NOVOSIBIRSK.normalise("7785")


@pytest.mark.parametrize(
    "typed",
    ["абв", "", "   ", "01-12345678", "1-1234567", "01-12a4567", "01-1234567-1", "٠١-١٢٣٤٥٦٧"],
)
def test_junk_is_refused_with_the_tenants_example(typed):
    with pytest.raises(InvalidAccountNumber) as error:
        NOVOSIBIRSK.normalise(typed)
    assert "Пример: 01-1234567" in str(error.value)


def test_plain_digit_numbers_must_have_the_exact_length():
    assert MOSCOW.normalise("70 1234 5678") == "7012345678"
    with pytest.raises(InvalidAccountNumber, match="10 цифр"):
        MOSCOW.normalise("701234567")


@given(two_digits, seven_digits)
def test_canonical_numbers_are_fixed_points(prefix, body):
    canonical = f"{prefix}-{body}"
    assert NOVOSIBIRSK.normalise(canonical) == canonical
    assert NOVOSIBIRSK.is_canonical(canonical)


@given(st.integers(min_value=0, max_value=9_999_999))
def test_private_sector_number_typed_either_way_means_the_same(number):
    expected = f"11-{number:07d}"
    assert NOVOSIBIRSK.normalise(str(number), private_house=True) == expected
    assert NOVOSIBIRSK.normalise(f"11-{number}") == expected


@given(st.text(max_size=20))
def test_normalise_either_refuses_or_returns_a_canonical_idempotent_number(raw):
    for fmt in (NOVOSIBIRSK, MOSCOW):
        try:
            result = fmt.normalise(raw)
        except InvalidAccountNumber as error:
            assert fmt.example in str(error)
            continue
        assert fmt.is_canonical(result)
        assert fmt.normalise(result) == result


@given(junk)
def test_input_without_digits_is_always_refused(raw):
    with pytest.raises(InvalidAccountNumber):
        NOVOSIBIRSK.normalise(raw)
    with pytest.raises(InvalidAccountNumber):
        MOSCOW.normalise(raw)


def test_format_is_driven_by_each_tenants_config(tenants):
    for tenant in tenants.values():
        fmt = tenant.account_numbers
        example = tenant.config.account_number.example
        assert fmt.normalise(example) == example
        assert fmt.is_canonical(example)
