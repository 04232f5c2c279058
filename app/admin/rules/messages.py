"""The schema's error messages in Russian for the rules editor and the onboarding forms of
`/platform`; a message not known here is shown as the schema wrote it (the tenant files and the
CLI speak English to developers)."""

from __future__ import annotations

import re
from collections.abc import Callable

from flask_babel import gettext as _

_EXACT: dict[str, Callable[[], str]] = {
    "Missing data for required field.": lambda: _("обязательное поле"),
    "Field may not be null.": lambda: _("обязательное поле"),
    "Not a valid integer.": lambda: _("нужно целое число"),
    "Not a valid string.": lambda: _("нужна строка (возьмите значение в кавычки)"),
    "Not a valid boolean.": lambda: _("нужно true или false"),
    "Not a valid email address.": lambda: _("неверный адрес электронной почты"),
    "Not a valid URL.": lambda: _("неверный адрес (URL)"),
    "Not a valid number.": lambda: _("нужно число"),
    "Not a valid decimal.": lambda: _("нужно число"),
    "Not a valid list.": lambda: _("нужен список"),
    "Invalid input type.": lambda: _("неверный тип значения"),
    "Invalid type.": lambda: _("неверный тип значения"),
    "String does not match expected pattern.": lambda: _("неверный формат"),
    "the window needs at least one working day": lambda: _(
        "в периоде должен быть хотя бы один рабочий день"
    ),
    "must be 28 or less, so every month has the day": lambda: _(
        "не больше 28, чтобы такое число было в каждом месяце"
    ),
    "must be later than `opens`": lambda: _("должно быть позже времени открытия"),
    "settlement codes must be unique": lambda: _("коды населённых пунктов повторяются"),
    "mode keys must be unique": lambda: _("ключи способов входа повторяются"),
    "one form per audience": lambda: _("для каждой категории абонентов — одна форма"),
    "every registration form needs `email`": lambda: _(
        "в каждой форме регистрации нужно поле email"
    ),
    "INN checksum does not match": lambda: _("не сходится контрольное число ИНН"),
    "control digit does not match the BIC": lambda: _("ключ счёта не сходится с БИК"),
    "KPP is 9 characters: 4 digits, 2 digits or letters, 3 digits": lambda: _(
        "КПП — 9 знаков: 4 цифры, 2 цифры или буквы, 3 цифры"
    ),
    "`|` cannot appear in a payment QR field": lambda: _(
        "знак | нельзя использовать в полях платёжного QR-кода"
    ),
    "a correspondent account starts with 301 and ends with the BIC's last 3 digits": lambda: _(
        "корреспондентский счёт начинается с 301 и оканчивается тремя последними цифрами БИК"
    ),
    "the federal rule (since 1 March 2026) fixes the 15th": lambda: _(
        "с 1 марта 2026 года срок оплаты по закону — 15-е число"
    ),
    "the surname mode identifies by account_number": lambda: _(
        "вход по фамилии возможен только по номеру лицевого счёта (identifier: account_number)"
    ),
    "password_confirmation needs password": lambda: _(
        "поле password_confirmation требует поля password"
    ),
    "a form without `password` must use set_password_link": lambda: _(
        "форма без пароля должна отправлять ссылку (access_delivery: set_password_link)"
    ),
    "requires_meter needs account_number": lambda: _("requires_meter требует поля account_number"),
}

_PATTERNS: list[tuple[re.Pattern, Callable[[re.Match], str]]] = [
    (
        re.compile(r"^Must be one of: (.*)\.$"),
        lambda m: _("допустимые значения: %(values)s", values=m.group(1)),
    ),
    (
        re.compile(r"^Must be greater than or equal to (\S+) and less than or equal to (\S+)\.$"),
        lambda m: _("допустимо от %(low)s до %(high)s", low=m.group(1), high=m.group(2)),
    ),
    (
        re.compile(r"^Must be greater than (\S+)\.$"),
        lambda m: _("должно быть больше %(low)s", low=m.group(1)),
    ),
    (
        re.compile(r"^Shorter than minimum length (\d+)\.$"),
        lambda m: _("не меньше %(count)s (элементов или символов)", count=m.group(1)),
    ),
    (
        re.compile(r"^Length must be between (\d+) and (\d+)\.$"),
        lambda m: _("длина от %(low)s до %(high)s", low=m.group(1), high=m.group(2)),
    ),
    (
        re.compile(r"^Length must be (\d+)\.$"),
        lambda m: _("длина ровно %(count)s", count=m.group(1)),
    ),
    (
        re.compile(r"^required when kind is (\w+)$"),
        lambda m: _("обязательно для вида периода %(kind)s", kind=m.group(1)),
    ),
    (
        re.compile(r"^unknown key(?: \(did you mean `([^`]+)`\?\))?; expected one of: (.*)$"),
        lambda m: (
            (
                _("неизвестный ключ (возможно, %(guess)s?)", guess=m.group(1))
                if m.group(1)
                else _("неизвестный ключ")
            )
            + "; "
            + _("допустимые: %(keys)s", keys=m.group(2))
        ),
    ),
    (
        re.compile(r"^not a host name: '?(.*?)'?$"),
        lambda m: _("«%(host)s» — не доменное имя", host=m.group(1)),
    ),
    (
        re.compile(r"^unknown IANA time zone (.*)$"),
        lambda m: _("неизвестный часовой пояс %(zone)s", zone=m.group(1)),
    ),
    (
        re.compile(
            r"^(?:INN of a legal entity|BIC|settlement account|correspondent account|must)"
            r"(?: must)? be (\d+) digits$"
        ),
        lambda m: _("количество цифр должно быть %(count)s", count=m.group(1)),
    ),
    (
        re.compile(r"^required for method (\w+)$"),
        lambda m: _("обязательно для способа оплаты %(method)s", method=m.group(1)),
    ),
    (
        re.compile(r"^not (?:a|a valid) phone number: (.*)$"),
        lambda m: _("неверный номер телефона: %(number)s", number=m.group(1)),
    ),
    (
        re.compile(r"^expected a time as HH:MM, got (.*)$"),
        lambda m: _("нужно время в виде ЧЧ:ММ, указано %(value)s", value=m.group(1)),
    ),
    (
        re.compile(r"^not in `services`: (.*)$"),
        lambda m: _("нет в списке услуг (services): %(codes)s", codes=m.group(1)),
    ),
    (
        re.compile(
            r"^mode '(\w+)': with several settlements, account numbers repeat; "
            r"set settlement: true$"
        ),
        lambda m: _(
            "способ входа «%(key)s»: при нескольких населённых пунктах номера счетов повторяются, "
            "укажите settlement: true",
            key=m.group(1),
        ),
    ),
    (
        re.compile(r"^not a number of this format: (.*)$"),
        lambda m: _("номер не подходит к формату: %(why)s", why=m.group(1)),
    ),
    (
        re.compile(r"^write it in canonical form: (.*)$"),
        lambda m: _("запишите в каноническом виде: %(number)s", number=m.group(1)),
    ),
]


def russian(message: str) -> str:
    """The Russian wording of one schema message (or the message itself)."""
    if message in _EXACT:
        return _EXACT[message]()
    for pattern, render in _PATTERNS:
        match = pattern.match(message)
        if match:
            return render(match)
    return message
