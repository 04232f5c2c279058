"""`CaptchaField`: the captcha as a WTForms field, rendered by `partials/captcha.html`."""

from __future__ import annotations

from urllib.parse import urlencode

from flask import request
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from wtforms import StringField
from wtforms.utils import unset_value
from wtforms.validators import StopValidation

from app.captcha.challenges import IMAGE_SIZE, Challenge, check_answer, issue_challenge

KIND_ARG = "captcha"  # ?captcha=text switches to the question in words, ?captcha=image back


class CaptchaField(StringField):
    """The answer to a captcha challenge whose id travels in the hidden `<name>_challenge` input."""

    image_size = IMAGE_SIZE

    def __init__(self, label=None, validators=None, **kwargs):
        render_kw = {"inputmode": "numeric", "autocomplete": "off", "spellcheck": "false"}
        render_kw.update(kwargs.pop("render_kw", None) or {})
        super().__init__(label or _l("Контрольный код"), validators, render_kw=render_kw, **kwargs)
        self.submitted_challenge_id: str | None = None
        self._challenge: Challenge | None = None

    @property
    def challenge_name(self) -> str:
        """Name of the hidden input carrying the challenge id."""
        return f"{self.name}_challenge"

    @property
    def kind(self) -> str:
        """The kind the resident asked for in the query string; the image by default."""
        return "text" if request.args.get(KIND_ARG) == "text" else "image"

    @property
    def challenge(self) -> Challenge:
        """The challenge to show; issued on first use, so every rendering gets a fresh one."""
        if self._challenge is None:
            self._challenge = issue_challenge(self.kind)
        return self._challenge

    def process(self, formdata, data=unset_value, extra_filters=None):
        super().process(formdata, data, extra_filters)
        if formdata is not None:
            self.submitted_challenge_id = formdata.get(self.challenge_name)

    def pre_validate(self, form):
        if not check_answer(self.submitted_challenge_id, self.data):
            if self.kind == "text":
                raise StopValidation(_("Неверный ответ. Ответьте на новый вопрос."))
            raise StopValidation(_("Неверный контрольный код. Введите код с новой картинки."))

    def _value(self):
        return ""  # a used answer is worthless; never echo it back

    def url_for_kind(self, kind: str) -> str:
        """This page again, showing a captcha of `kind`, other query arguments kept."""
        args = [(key, value) for key, value in request.args.items(multi=True) if key != KIND_ARG]
        return f"{request.path}?{urlencode([*args, (KIND_ARG, kind)])}"

    @property
    def reload_url(self) -> str:
        """This page again, with a new challenge of the same kind."""
        return self.url_for_kind(self.kind)
