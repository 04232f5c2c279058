"""Registration, set-password and account-lookup forms, assembled from the tenant's field names."""

from __future__ import annotations

from flask_wtf import FlaskForm

from app.auth.passwords import password_problems
from app.registration.fields import LOOKUP_FIELDS, REGISTRATION_FIELDS

# Fields whose values only gate the form; the service never needs them.
_FORM_ONLY = ("captcha", "consent", "password_confirmation")


class AssembledForm(FlaskForm):
    """A form whose fields come from a registry; `layout` lists (bound field, spec) in order."""

    layout: tuple = ()

    def values(self) -> dict:
        """The cleaned values the service works with, by field name."""
        return {
            field.name: field.data for field, _spec in self.layout if field.name not in _FORM_ONLY
        }


class PasswordPolicyForm(AssembledForm):
    """Checks the password against the tenant's policy once every field has been validated."""

    password_min_length = 8
    known_account_numbers: tuple[str, ...] = ()
    known_login: str | None = None

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        if "password" in self and self.password.data and not self.password.errors:
            problems = password_problems(
                self.password.data,
                min_length=self.password_min_length,
                login=self._login(),
                account_numbers=self._account_numbers(),
            )
            if problems:
                self.password.errors.extend(problems)
                valid = False
        return valid

    def _login(self) -> str | None:
        return self.login.data if "login" in self else self.known_login

    def _account_numbers(self) -> list[str]:
        typed = [self.account_number.data] if "account_number" in self else []
        return [number for number in [*typed, *self.known_account_numbers] if number]


class RegistrationForm(PasswordPolicyForm):
    pass


class SetPasswordForm(PasswordPolicyForm):
    pass


class LookupForm(AssembledForm):
    pass


def _assemble(base, registry, names, tenant, form_config, **kwargs):
    class TenantForm(base):
        pass

    for name in names:
        setattr(TenantForm, name, registry[name].build(tenant, form_config))
    form = TenantForm(**kwargs)
    form.layout = tuple((form[name], registry[name]) for name in names)
    return form


def registration_form_for(tenant, form_config, **kwargs) -> RegistrationForm:
    """The registration form of one audience, its fields in the order of the tenant's config."""
    form = _assemble(
        RegistrationForm,
        REGISTRATION_FIELDS,
        form_config.field_names,
        tenant,
        form_config,
        **kwargs,
    )
    form.password_min_length = tenant.config.registration.password_min_length
    return form


def set_password_form_for(tenant, *, login=None, account_numbers=(), **kwargs) -> SetPasswordForm:
    """New password and its confirmation, checked against the policy, login and accounts."""
    names = ("password", "password_confirmation")
    form = _assemble(SetPasswordForm, REGISTRATION_FIELDS, names, tenant, None, **kwargs)
    form.password_min_length = tenant.config.registration.password_min_length
    form.known_login = login
    form.known_account_numbers = tuple(account_numbers)
    return form


def lookup_form_for(tenant, lookup_config, **kwargs) -> LookupForm:
    """The «узнать номер лицевого счёта» form with the tenant's fields."""
    return _assemble(LookupForm, LOOKUP_FIELDS, lookup_config.field_names, tenant, None, **kwargs)
