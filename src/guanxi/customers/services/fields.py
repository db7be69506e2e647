"""Cleaning of customer and contact values, shared by forms, the API and imports."""

from collections.abc import Callable
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any, cast

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext as _

from guanxi.core import validators
from guanxi.core.selectors import DictionaryLookup
from guanxi.customers.models import Contact, Customer

# Customer fields that hold a dictionary code, with their dictionary category.
DICTIONARY_FIELDS = {
    "level": "customer_level",
    "credit_rating": "credit_rating",
    "satisfaction": "satisfaction",
    "region": "region",
    "industry": "industry",
    "source": "source",
}
CHOICE_FIELDS: dict[str, type] = {
    "kind": Customer.Kind,
    "scale": Customer.Scale,
    "lifecycle_stage": Customer.Lifecycle,
    "status": Customer.Status,
}
TEXT_CLEANERS: dict[str, Callable[[str], str]] = {
    "phone": validators.clean_phone,
    "fax": validators.clean_phone,
    "email": validators.clean_email,
    "website": validators.clean_website,
    "unified_social_credit_code": validators.clean_uscc,
    "postcode": validators.clean_postcode,
}
DECIMAL_FIELDS = ("registered_capital", "annual_revenue")
DATE_FIELDS = ("birthday",)
# Every customer field a person may set (besides account_manager and tags).
CUSTOMER_FIELDS = (
    "name",
    "kind",
    *DICTIONARY_FIELDS,
    "scale",
    "address",
    "postcode",
    "phone",
    "fax",
    "email",
    "website",
    "unified_social_credit_code",
    "registration_number",
    "legal_representative",
    "registered_capital",
    "annual_revenue",
    "bank_name",
    "bank_account",
    "tax_number",
    "birthday",
    "lifecycle_stage",
    "status",
    "notes",
)
REQUIRED_CUSTOMER_FIELDS = ("name",)


def model_field(model: type[models.Model], name: str) -> models.Field:
    return cast(models.Field, model._meta.get_field(name))


def _choice(field: str, value: Any, choices: Any) -> str:
    text = str(value).strip()
    lowered = text.lower()
    for choice_value, label in choices.choices:
        if lowered in (choice_value, str(label).lower()):
            return choice_value
    raise ValidationError(
        _("“%(value)s” is not one of: %(choices)s.")
        % {"value": text, "choices": ", ".join(c for c, _label in choices.choices)}
    )


def _decimal(value: Any) -> Decimal | None:
    if value in (None, ""):
        return None
    try:
        number = Decimal(str(value).replace(",", "").strip())
    except InvalidOperation:
        raise ValidationError(_("Enter a number.")) from None
    if number < 0:
        raise ValidationError(_("The amount cannot be negative."))
    if number >= Decimal(10) ** 14:
        raise ValidationError(_("The amount is too large."))
    return number.quantize(Decimal("0.01"))


def clean_date(value: Any) -> date | None:
    if value in (None, ""):
        return None
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value).strip().replace("/", "-")[:10])
    except ValueError:
        raise ValidationError(_("Enter a date as YYYY-MM-DD.")) from None


def clean_value(field: str, value: Any, lookup: DictionaryLookup) -> Any:
    """One customer field's value, normalised; ``ValidationError`` says what is wrong."""
    if field in DICTIONARY_FIELDS:
        code = lookup.code(DICTIONARY_FIELDS[field], value)
        if not code and field == "level":
            return "ordinary"
        return code
    if field in CHOICE_FIELDS:
        if value in (None, "") and field == "scale":
            return ""
        if value in (None, ""):
            return model_field(Customer, field).get_default()
        return _choice(field, value, CHOICE_FIELDS[field])
    if field in DECIMAL_FIELDS:
        return _decimal(value)
    if field in DATE_FIELDS:
        return clean_date(value)
    if field in TEXT_CLEANERS:
        return TEXT_CLEANERS[field](validators.clean_text(value))
    return validators.clean_text(value, model_field(Customer, field).max_length)


def clean_customer(
    values: dict[str, Any], lookup: DictionaryLookup, *, partial: bool = False
) -> dict[str, Any]:
    """Every given field cleaned; all the errors at once, keyed by field."""
    cleaned: dict[str, Any] = {}
    errors: dict[str, list[str]] = {}
    for field, value in values.items():
        try:
            cleaned[field] = clean_value(field, value, lookup)
        except ValidationError as error:
            errors[field] = error.messages
    if not partial:
        for field in REQUIRED_CUSTOMER_FIELDS:
            if not cleaned.get(field) and field not in errors:
                errors[field] = [_("This field is required.")]
    elif "name" in cleaned and not cleaned["name"]:
        errors["name"] = [_("This field is required.")]
    if errors:
        raise ValidationError(errors)
    return cleaned


CONTACT_FIELDS = (
    "name",
    "gender",
    "title",
    "office_phone",
    "mobile",
    "email",
    "birthday",
    "notes",
)


def clean_contact(values: dict[str, Any], *, partial: bool = False) -> dict[str, Any]:
    cleaned: dict[str, Any] = {}
    errors: dict[str, list[str]] = {}
    cleaners: dict[str, Callable[[Any], Any]] = {
        "office_phone": lambda v: validators.clean_phone(str(v or "")),
        "mobile": lambda v: validators.clean_mobile(str(v or "")),
        "email": lambda v: validators.clean_email(str(v or "")),
        "birthday": clean_date,
        "gender": lambda v: _choice("gender", v, Contact.Gender) if v else "",
    }
    for field, value in values.items():
        try:
            if field in cleaners:
                cleaned[field] = cleaners[field](value)
            else:
                cleaned[field] = validators.clean_text(
                    value, model_field(Contact, field).max_length
                )
        except ValidationError as error:
            errors[field] = error.messages
    if (not partial or "name" in values) and not cleaned.get("name") and "name" not in errors:
        errors["name"] = [_("This field is required.")]
    if errors:
        raise ValidationError(errors)
    return cleaned
