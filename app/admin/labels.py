"""Russian names of the codes staff pages show: roles, account kinds, statuses."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

ROLE_LABELS = {
    "admin": _l("Администратор"),
    "clerk": _l("Специалист абонентского отдела"),
    "viewer": _l("Просмотр"),
}
ACCOUNT_KIND_LABELS = {
    "individual": _l("Физическое лицо"),
    "legal": _l("Юридическое лицо"),
    "management_company": _l("Управляющая компания"),
}
RESIDENT_STATUS_LABELS = {
    "pending": _l("регистрация не подтверждена"),
    "active": _l("действует"),
    "blocked": _l("заблокирован"),
}
LOOKUP_STATUS_LABELS = {
    "new": _l("Новая"),
    "answered": _l("Ответ дан"),
    "closed": _l("Закрыта"),
}
LOOKUP_FILTER_LABELS = {
    "new": _l("Новые"),
    "answered": _l("С ответом"),
    "closed": _l("Закрытые"),
    "all": _l("Все"),
}
READING_CHANNEL_LABELS = {
    "web": _l("в личном кабинете"),
    "api": _l("в мобильном приложении"),
    "office": _l("в офисе водоканала"),
    "email": _l("по электронной почте"),
    "import": _l("загрузка из биллинга"),
}
