"""SMS recipients as E.164 numbers: Russian mobile numbers only (the utilities' residents)."""

from __future__ import annotations

import phonenumbers

_MOBILE = (phonenumbers.PhoneNumberType.MOBILE, phonenumbers.PhoneNumberType.FIXED_LINE_OR_MOBILE)


class InvalidNumber(ValueError):
    """The number is not a Russian mobile number an SMS can go to."""


def sms_number(raw: str) -> str:
    """`8 (912) 345-67-89` → `+79123456789`; InvalidNumber for anything but a Russian mobile."""
    try:
        number = phonenumbers.parse(raw or "", "RU")
    except phonenumbers.NumberParseException:
        raise InvalidNumber(raw) from None
    if (
        number.country_code != 7
        or phonenumbers.region_code_for_number(number) != "RU"
        or not phonenumbers.is_valid_number(number)
        or phonenumbers.number_type(number) not in _MOBILE
    ):
        raise InvalidNumber(raw)
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
