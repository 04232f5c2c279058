"""Language and time zone of each request: Russian first, English on request; tenant-local time."""

from __future__ import annotations

from flask import Flask, g, has_request_context, request
from flask_babel import get_translations

from app.tenancy.context import get_current_tenant

LOCALES = ("ru", "en")
LOCALE_COOKIE = "lang"


def select_locale() -> str:
    """The resident's chosen language (cookie), else the tenant's default, else Russian."""
    chosen = request.cookies.get(LOCALE_COOKIE) if has_request_context() else None
    if chosen in LOCALES:
        return chosen
    tenant = get_current_tenant()
    return tenant.config.locale if tenant else "ru"


def select_timezone() -> str:
    """Dates are shown in the tenant's time zone (SPEC §1); the platform host uses Moscow time."""
    tenant = get_current_tenant()
    return tenant.config.time_zone if tenant else "Europe/Moscow"


def _template_translations():
    """This request's translations, for templates. flask_babel looks them up afresh for every
    string (walking the request context three times) and a page shows dozens (issue 4: the
    reading form's CPU); they are kept beside flask_babel's own request state, keyed by its
    locale and domain objects, which `force_locale` replaces while it lasts."""
    if not g:  # outside an app context: flask_babel's empty translations
        return get_translations()
    state = g.get("_flask_babel")
    key = (getattr(state, "babel_locale", None), getattr(state, "babel_domain", None))
    kept = getattr(state, "template_translations", None)
    if kept is not None and kept[0] == key:
        return kept[1]
    translations = get_translations()
    state = g._flask_babel  # made by the lookup
    state.template_translations = ((state.babel_locale, state.babel_domain), translations)
    return translations


def install_template_gettext(app: Flask) -> None:
    """Templates translate through `_template_translations` (after Babel's own set-up)."""
    app.jinja_env.install_gettext_callables(
        gettext=lambda s: _template_translations().ugettext(s),
        ngettext=lambda s, p, n: _template_translations().ungettext(s, p, n),
        pgettext=lambda c, s: _template_translations().upgettext(c, s),
        npgettext=lambda c, s, p, n: _template_translations().unpgettext(c, s, p, n),
        newstyle=True,
    )
