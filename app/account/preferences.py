"""Notification preferences on `/settings` and the one-click unsubscribe link (no sign-in).

Reminders and notices go by e-mail and/or SMS as the resident chooses; receipts by e-mail or not
at all. Security mail (confirmation, reset, password change) is not a choice: always e-mail.
"""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms import BooleanField

from app.auth.access import resident_required
from app.auth.models import Resident
from app.extensions import db
from app.notifications.preferences import (
    preferences_of,
    read_unsubscribe_token,
    save_preferences,
)
from app.tenancy.context import current_tenant

FLAGS = ("reminders_email", "reminders_sms", "notices_email", "notices_sms", "receipts_email")
STOPPED = {
    "reminders": _l("Письма с напоминаниями о приёме показаний больше не придут."),
    "notices": _l("Письма с сообщениями водоканала больше не придут."),
    "receipts": _l("Письма с подтверждением переданных показаний больше не придут."),
}


class PreferencesForm(FlaskForm):
    reminders_email = BooleanField(_l("Напоминания о приёме показаний — по электронной почте"))
    reminders_sms = BooleanField(_l("Напоминания о приёме показаний — по SMS"))
    notices_email = BooleanField(
        _l("Сообщения водоканала (тарифы, плановые работы) — по электронной почте")
    )
    notices_sms = BooleanField(_l("Сообщения водоканала — по SMS"))
    receipts_email = BooleanField(_l("Подтверждение переданных показаний — по электронной почте"))

    def check_contacts(self, resident: Resident) -> bool:
        """Refuse a channel the resident has no contact for, next to the box that asks for it."""
        for name in FLAGS:
            field = self[name]
            if not field.data:
                continue
            if name.endswith("_sms") and not resident.phone:
                field.errors.append(
                    _("Чтобы получать SMS, укажите номер мобильного телефона в контактных данных.")
                )
            elif name.endswith("_email") and not resident.email:
                field.errors.append(
                    _("Чтобы получать письма, укажите адрес электронной почты в контактных данных.")
                )
        return not any(self[name].errors for name in FLAGS)


def preferences_form(resident: Resident, formdata=None) -> PreferencesForm:
    """The form filled with the resident's current choices."""
    stored = preferences_of(resident.id)
    return PreferencesForm(formdata=formdata, **{name: getattr(stored, name) for name in FLAGS})


@resident_required
def update_preferences():
    """Save how reminders, notices and receipts should reach the resident."""
    from app.account.views import _settings_page  # the page this form is part of

    resident = current_user._get_current_object()
    form = PreferencesForm()
    if form.validate_on_submit() and form.check_contacts(resident):
        save_preferences(resident.id, **{name: form[name].data for name in FLAGS})
        db.session.commit()
        flash(_("Настройки уведомлений сохранены."))
        return redirect(url_for("account.settings", _anchor="notifications"))
    return _settings_page(preferences=form), 422


def unsubscribe(token: str):
    """The link from List-Unsubscribe: GET asks to confirm with one button (link scanners must
    not unsubscribe anyone); POST, from that button or a mail program (RFC 8058), unsubscribes."""
    wanted = read_unsubscribe_token(token)
    if wanted is None or wanted.tenant_id != current_tenant.id:
        abort(404)
    resident = db.session.get(Resident, {"tenant_id": current_tenant.id, "id": wanted.resident_id})
    if resident is None:
        abort(404)
    if request.method == "POST":
        save_preferences(resident.id, **{f"{wanted.category}_email": False})
        db.session.commit()
        return render_template(
            "account/unsubscribe.html", done=True, message=STOPPED[wanted.category]
        )
    return render_template(
        "account/unsubscribe.html", done=False, category=wanted.category, token=token
    )
