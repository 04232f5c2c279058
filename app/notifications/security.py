"""Security notices (issue 7): «ваш пароль изменён» after every password change.

Security mail is not a choice: it goes by e-mail whatever the resident's preferences say, and
carries no List-Unsubscribe (SPEC §6). It is queued in the transaction of the change, so a change
that rolls back sends nothing.
"""

from __future__ import annotations

from contextlib import nullcontext

from flask import has_request_context, url_for
from flask_babel import format_datetime
from flask_babel import gettext as _

from app import clock
from app.mail.rendering import mail_request_context, send_templated_mail
from app.notifications.mailings import public_base_url
from app.tenancy.context import current_tenant

MAIL = "password_changed"


def send_password_changed(resident) -> str | None:
    """Tell `resident` by e-mail that their password has just changed, and what to do if it was
    not them; the Message-ID, or None without an e-mail address."""
    if not resident.email:
        return None
    # Changed from a shell or a script: links still point at the tenant's site.
    place = (
        nullcontext()
        if has_request_context()
        else mail_request_context(public_base_url(current_tenant))
    )
    with place:
        subject = _("%(utility)s: ваш пароль изменён", utility=current_tenant.config.short_name)
        return send_templated_mail(
            resident.email,
            subject,
            MAIL,
            person=resident.full_name or resident.organisation_name,
            login=resident.login,
            # Babel's time zone is the tenant's (app.i18n): the resident reads local time.
            changed_at=format_datetime(clock.now(), "d MMMM y, HH:mm"),
            forgot_url=url_for("recovery.forgot", _external=True),
        )
