"""Russian names of audit actions and actor kinds; a code without a name is shown as it is.

Features that record a new action add its name here.
"""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

ACTION_LABELS = {
    "rules.update": _l("Изменение правил"),
    "rules.export": _l("Выгрузка правил"),
    "account.view": _l("Просмотр лицевого счёта"),
    "account.search": _l("Поиск лицевых счетов"),
    "resident.block": _l("Блокировка входа абонента"),
    "resident.unblock": _l("Разблокировка входа абонента"),
    "lookup_request.view": _l("Просмотр заявок «Узнать номер лицевого счёта»"),
    "account.issue_login": _l("Выдача доступа"),
    "reading.enter": _l("Ввод показаний"),
    "readings.export": _l("Выгрузка показаний"),
    "staff.invite": _l("Приглашение сотрудника"),
    "staff.update": _l("Изменение сотрудника"),
    "staff.deactivate": _l("Отключение сотрудника"),
    "staff.reactivate": _l("Включение сотрудника"),
    "staff.role": _l("Смена роли сотрудника"),
    "staff.invitation_accept": _l("Принятие приглашения"),
    "staff.invitation_revoke": _l("Отзыв приглашения"),
    "operator.console_visit": _l("Вход оператора платформы в консоль"),
    "tenant.suspend": _l("Приостановка водоканала"),
    "tenant.resume": _l("Возобновление работы водоканала"),
    "tenant.create": _l("Подключение водоканала"),
    "tenant.update": _l("Изменение водоканала"),
    "job.retry": _l("Повтор фонового задания"),
}
ACTOR_KIND_LABELS = {
    "staff": _l("Сотрудник"),
    "operator": _l("Оператор платформы"),
    "system": _l("Система"),
    "resident": _l("Абонент"),
}


def action_label(code: str) -> str:
    return str(ACTION_LABELS.get(code, code))
