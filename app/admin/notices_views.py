"""Notices to residents from the console (`/admin/notices`): write, send in the background, and
watch how many have gone."""

from __future__ import annotations

import uuid

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app.admin.roles import ACTING_ROLES
from app.auth.access import staff_required
from app.extensions import db
from app.notifications.broadcasts import (
    UnknownSettlement,
    broadcast_notice,
    get_notice,
    recent_notices,
    settlement_names,
)
from app.notifications.forms import EVERYONE, TOPIC_LABELS, notice_form_for
from app.tenancy.context import current_tenant


def _page(form, status: int = 200):
    return (
        render_template(
            "admin/notices.html",
            form=form,
            notices=recent_notices(),
            settlements=settlement_names(),
            topics=TOPIC_LABELS,
        ),
        status,
    )


@staff_required()
def notices():
    """The latest notices with their progress; the form for admins and clerks."""
    return _page(notice_form_for(current_tenant, formdata=None))


@staff_required(*ACTING_ROLES)
def create_notice():
    """Record a notice and queue it; the console answers before a single message is sent."""
    form = notice_form_for(current_tenant)
    if not form.validate_on_submit():
        return _page(form, 422)
    audience = form.audience.data if "audience" in form else EVERYONE
    try:
        notice = broadcast_notice(
            current_tenant,
            current_user._get_current_object(),
            topic=form.topic.data,
            subject=form.subject.data,
            body=form.body.data,
            settlement_code=audience or None,
        )
    except UnknownSettlement:
        form.audience.errors.append(_("Выберите значение из списка."))
        return _page(form, 422)
    db.session.commit()
    flash(_("Сообщение «%(subject)s» поставлено в очередь на рассылку.", subject=notice.subject))
    return redirect(url_for("admin.notice", notice_id=notice.id))


@staff_required()
def notice(notice_id: uuid.UUID):
    """One notice: its text, audience and how many messages have gone so far."""
    found = get_notice(notice_id)
    if found is None:
        abort(404)
    return render_template(
        "admin/notice.html", notice=found, settlements=settlement_names(), topics=TOPIC_LABELS
    )
