"""Optional features a utility switches on, each with its own settings (SPEC §2, extra features).

A feature is on when its key is present (`feedback: {}` or `feedback: true`), off when absent or
`false`. Later issues add a feature by adding a schema here and using `tenant.features.<name>`.
"""

from __future__ import annotations

from marshmallow import fields, pre_load, validate

from app.tenancy.config.base import StrictSchema, described

SERVICE_REQUEST_KINDS = (
    "meter_sealing",
    "meter_replacement",
    "meter_fault",
    "connection_contract",
    "reconciliation_act",
    "staff_appointment",
)


class EmptySchema(StrictSchema):
    """A feature with no settings of its own."""


class FeedbackSchema(StrictSchema):
    subjects = described(
        fields.List(fields.String(), load_default=list), "subjects to choose from; empty: free text"
    )


class ConsultationSchema(StrictSchema):
    consent_text = described(
        fields.String(load_default="Я согласен с пользовательским соглашением"),
        "text of the required consent tick",
    )


class LinkedAccountsSchema(StrictSchema):
    proof = described(
        fields.String(
            load_default="last_payment_amount",
            validate=validate.OneOf(["last_payment_amount", "owner_surname"]),
        ),
        "what proves ownership when adding an account to a login",
    )


class ServiceRequestsSchema(StrictSchema):
    kinds = described(
        fields.List(
            fields.String(validate=validate.OneOf(SERVICE_REQUEST_KINDS)),
            validate=validate.Length(min=1),
            load_default=lambda: list(SERVICE_REQUEST_KINDS),
        ),
        "request kinds residents can file",
    )


class ElectronicReceptionSchema(StrictSchema):
    answer_within_working_days = described(
        fields.Integer(load_default=1, validate=validate.Range(1, 30)),
        "promised answer time, in working days",
    )


class PersonalDataNoticeSchema(StrictSchema):
    text = described(
        fields.String(
            load_default=(
                "Персональные данные абонентов обрабатываются и охраняются в соответствии с Федеральным "
                "законом от 27.07.2006 № 152-ФЗ «О персональных данных»."
            )
        ),
        "notice shown in the footer and on forms",
    )


class MobileAppSchema(StrictSchema):
    android_url = described(fields.Url(load_default=None, allow_none=True), "Google Play page")
    ios_url = described(fields.Url(load_default=None, allow_none=True), "App Store page")
    note = described(fields.String(load_default=None, allow_none=True), "text about the app")


def _feature(schema: type[StrictSchema], description: str) -> fields.Field:
    field = fields.Nested(schema, load_default=None, allow_none=True)
    field.metadata["description"] = description
    return field


class FeaturesSchema(StrictSchema):
    feedback = _feature(FeedbackSchema, "feedback form (contacts, full name, subject, message)")
    consultation_request = _feature(
        ConsultationSchema, "«получить консультацию»: name, phone, question, consent"
    )
    ask_question = _feature(EmptySchema, "«задать вопрос» to the utility")
    account_closure_request = _feature(
        EmptySchema, "request to close the account at the end of the contract"
    )
    personal_data_notice = _feature(PersonalDataNoticeSchema, "152-ФЗ notice")
    tariffs = _feature(EmptySchema, "tariff page per service")
    billing_date_range = _feature(EmptySchema, "charges and payments for a chosen date range")
    linked_accounts = _feature(LinkedAccountsSchema, "several accounts under one login")
    service_requests = _feature(ServiceRequestsSchema, "service requests with status tracking")
    electronic_reception = _feature(ElectronicReceptionSchema, "electronic reception (appeals)")
    legal_documents = _feature(EmptySchema, "invoices and documents for legal entities")
    contacts_edit = _feature(EmptySchema, "residents change their password and contacts")
    mobile_app = _feature(MobileAppSchema, "the utility's mobile app")

    @pre_load
    def _true_means_on(self, data, **_kwargs):
        if not isinstance(data, dict):
            return data
        return {
            key: ({} if value is True else None if value is False else value)
            for key, value in data.items()
        }
