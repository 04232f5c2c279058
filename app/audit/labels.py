"""Russian names of audit actions and actor kinds; a code without a name is shown as it is.

Features that record a new action add its name here.
"""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

ACTION_LABELS = {
    "rules.update": _l("Изменение правил"),
    "rules.export": _l("Выгрузка правил"),
    "account.view": _l("Просмотр лицевого счёта"),
    "lookup_request.view": _l("Просмотр заявок «Узнать номер лицевого счёта»"),
    "account.issue_login": _l("Выдача доступа"),
    "reading.enter": _l("Ввод показаний"),
    "staff.invite": _l("Приглашение сотрудника"),
    "staff.update": _l("Изменение сотрудника"),
    "staff.deactivate": _l("Отключение сотрудника"),
    "tenant.create": _l("Подключение водоканала"),
    "tenant.update": _l("Изменение водоканала"),
}
ACTOR_KIND_LABELS = {
    "staff": _l("Сотрудник"),
    "operator": _l("Оператор платформы"),
    "system": _l("Система"),
    "resident": _l("Абонент"),
}


def action_label(code: str) -> str:
    return str(ACTION_LABELS.get(code, code))
