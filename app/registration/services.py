"""Online registration (SPEC §2, online registration row): every check against the tenant's data.

Plain functions on plain values (the form's cleaned data), so they are tested without HTTP. Nothing
is written until every check has passed; a refusal raises `RegistrationRefused`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import and_, delete, func, or_, select
from sqlalchemy.orm import selectinload

from app.accounts.models import Account
from app.auth.models import AuthToken, Resident, ResidentAccount
from app.auth.passwords import hash_password
from app.auth.tokens import issue_token
from app.extensions import db
from app.registration.matching import addresses_match, names_match, serials_match
from app.registration.offices import Office, RecoveryHelp, office_for, place_words, recovery_help
from app.tenancy.models import Settlement

MISMATCH = _l(
    "Данные не совпадают с данными лицевого счёта. Проверьте, что всё введено так, как указано "
    "в квитанции."
)
AUDIENCE_NAMES = {
    "individual": _l("физическое лицо"),
    "legal": _l("юридическое лицо"),
    "management_company": _l("управляющую компанию"),
}
# An identity that can sign in, or is blocked from doing so: either way the account is taken.
_HOLDING_STATUSES = ("active", "blocked")


class RegistrationRefused(Exception):
    """The registration cannot go ahead. `field` names the field the message belongs to (else it
    is about the whole form); `reason` is a stable code for tests and templates."""

    def __init__(
        self,
        message,
        *,
        reason: str,
        field: str | None = None,
        office: Office | None = None,
        recovery: RecoveryHelp | None = None,
        note=None,
    ):
        super().__init__(reason)
        self.message, self.reason, self.field = message, reason, field
        self.office, self.recovery, self.note = office, recovery, note


@dataclass(frozen=True)
class Registration:
    """A pending resident and the raw token of the link e-mailed to them."""

    resident: Resident
    token: str
    purpose: str
    ttl_hours: int


def _holder_matches(tenant, account: Account, data: dict) -> bool:
    if "surname" in data and not names_match(data["surname"], account.owner_surname):
        return False
    if "full_name" in data and not names_match(data["full_name"], account.owner_full_name):
        return False
    return "address" not in data or addresses_match(
        data["address"], account.address, ignore_words=place_words(tenant)
    )


def account_has_login(account: Account) -> bool:
    """Someone already signs in to this account with a password or a login."""
    query = (
        select(Resident.id)
        .join(ResidentAccount, ResidentAccount.resident_id == Resident.id)
        .where(
            ResidentAccount.account_id == account.id,
            Resident.status.in_(_HOLDING_STATUSES),
            or_(Resident.password_hash.is_not(None), Resident.login.is_not(None)),
        )
        .limit(1)
    )
    return db.session.scalar(query) is not None


def proven_account(tenant, form_config, data: dict) -> Account:
    """The account the form's data proves, or RegistrationRefused (SPEC §2: checked automatically)."""
    query = (
        select(Account)
        .where(Account.number == data["account_number"])
        .options(selectinload(Account.meters))
    )
    if "settlement" in data:
        query = query.join(Settlement, Settlement.id == Account.settlement_id).where(
            Settlement.code == data["settlement"]
        )
    held = [a for a in db.session.scalars(query) if _holder_matches(tenant, a, data)]
    proven = held
    if "meter_serial" in data:
        proven = [
            a for a in held if serials_match(data["meter_serial"], [m.serial for m in a.meters])
        ]
    if not proven:
        meterless = [account for account in held if not account.meters]
        if form_config.requires_meter and meterless:
            raise _no_meter(tenant, meterless[0])
        raise RegistrationRefused(MISMATCH, reason="mismatch")
    account = proven[0]
    if form_config.requires_meter and not account.meters:
        raise _no_meter(tenant, account)
    if account.kind != form_config.audience:
        raise RegistrationRefused(
            _l(
                "Этот лицевой счёт оформлен не на %(who)s: эта форма регистрации ему не подходит.",
                who=AUDIENCE_NAMES[form_config.audience],
            ),
            reason="audience",
            note=tenant.config.registration.office_note,
        )
    if account_has_login(account):
        raise RegistrationRefused(
            _l("У этого лицевого счёта уже есть вход в личный кабинет."),
            reason="has_login",
            recovery=recovery_help(tenant, account.kind),
        )
    return account


def _no_meter(tenant, account: Account) -> RegistrationRefused:
    # Seed 000: accounts billed by norm register only in person at their settlement's office.
    return RegistrationRefused(
        _l(
            "На этом лицевом счёте нет приборов учёта (начисление по нормативу), поэтому "
            "зарегистрироваться на сайте нельзя. Зарегистрируйтесь в абонентском отделе."
        ),
        reason="no_meter",
        office=office_for(tenant, account),
    )


def _check_identity_free(tenant, form_config, data: dict) -> None:
    taken = select(Resident.id).where(Resident.login == data["login"], Resident.status != "pending")
    if db.session.scalar(taken.limit(1)) is not None:
        raise RegistrationRefused(
            _l("Этот логин уже занят. Придумайте другой."), reason="login_taken", field="login"
        )
    in_use = select(Resident.id).where(
        func.lower(Resident.email) == data["email"].lower(), Resident.status == "active"
    )
    if db.session.scalar(in_use.limit(1)) is not None:
        raise RegistrationRefused(
            _l("С этим адресом электронной почты уже зарегистрирован вход в личный кабинет."),
            reason="email_in_use",
            recovery=recovery_help(tenant, form_config.audience),
        )


def discard_residents(residents) -> int:
    """Delete residents with their account links and e-mail link tokens; how many went."""
    residents = list(residents)
    if residents:
        ids = [resident.id for resident in residents]
        db.session.execute(delete(AuthToken).where(AuthToken.resident_id.in_(ids)))
        for resident in residents:
            db.session.delete(resident)
        db.session.flush()
    return len(residents)


def _discard_earlier_attempts(account: Account | None, login: str | None, email: str) -> None:
    # Starting again replaces the unconfirmed attempt for the same account, login or (for forms
    # without an account) e-mail, so the stale link stops working and its data goes.
    if account is not None:
        same = Resident.account_links.any(ResidentAccount.account_id == account.id)
    else:
        same = and_(func.lower(Resident.email) == email.lower(), ~Resident.account_links.any())
    if login:
        same = or_(same, Resident.login == login)
    discard_residents(
        db.session.scalars(select(Resident).where(Resident.status == "pending", same))
    )


def register(tenant, form_config, data: dict) -> Registration:
    """Check `data` (a form's cleaned values) and create a pending resident with an e-mail link."""
    account = proven_account(tenant, form_config, data) if "account_number" in data else None
    if "login" in data:
        _check_identity_free(tenant, form_config, data)
    _discard_earlier_attempts(account, data.get("login"), data["email"])
    resident = Resident(
        kind=form_config.audience,
        status="pending",
        login=data.get("login"),
        email=data["email"],
        phone=data.get("phone"),
        full_name=data.get("full_name")
        or (account.owner_full_name if account is not None else data.get("surname")),
        organisation_name=data.get("organisation_name")
        or (account.organisation_name if account is not None else None),
        position=data.get("position"),
        inn=data.get("inn"),
        password_hash=hash_password(data["password"]) if data.get("password") else None,
    )
    if account is not None:
        resident.account_links.append(ResidentAccount(account_id=account.id))
    db.session.add(resident)
    db.session.flush()
    # Seed 004: where the utility delivers access by e-mail, it sends a link, never a password.
    purpose = (
        "set_password" if form_config.access_delivery == "set_password_link" else "confirm_email"
    )
    ttl_hours = tenant.config.registration.confirmation_ttl_hours
    token = issue_token(resident, purpose, timedelta(hours=ttl_hours))
    return Registration(resident, token, purpose, ttl_hours)
