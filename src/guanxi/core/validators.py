"""Validators for Chinese business identifiers and contact numbers.

Each returns the normalised value or raises ``ValidationError`` with a message that names
what is wrong, so forms, the API and imports report the same thing.
"""

import re
from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import EmailValidator, URLValidator
from django.utils.translation import gettext as _

# GB 32100-2015: 18 characters from this alphabet (no I, O, S, V, Z), the last a check digit.
USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
USCC_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
USCC_SHAPE = re.compile(r"^[0-9A-HJ-NPQRTUWXY]{2}\d{6}[0-9A-HJ-NPQRTUWXY]{10}$")

MOBILE = re.compile(r"^1[3-9]\d{9}$")
# Area code (010, 02x, 0xxx) and a 7–8 digit number, optional extension; or 400/800 numbers.
LANDLINE = re.compile(r"^(0\d{2,3})-?(\d{7,8})(-\d{1,6})?$")
SERVICE_NUMBER = re.compile(r"^[48]00-?\d{3}-?\d{4}$")
SEPARATORS = re.compile(r"[\s()（）]")


def clean_text(value: object, max_length: int | None = None) -> str:
    """Text stripped of surrounding blanks (``None`` becomes ""), no longer than ``max_length``."""
    text = "" if value is None else str(value).strip()
    if max_length and len(text) > max_length:
        raise ValidationError(
            _("At most %(max)d characters (this has %(n)d).") % {"max": max_length, "n": len(text)}
        )
    return text


def uscc_check_char(first17: str) -> str:
    total = sum(USCC_ALPHABET.index(c) * w for c, w in zip(first17, USCC_WEIGHTS, strict=False))
    return USCC_ALPHABET[(31 - total % 31) % 31]


def clean_uscc(value: str) -> str:
    """A unified social credit code (统一社会信用代码), upper-cased and check-digit verified."""
    code = value.strip().upper()
    if not code:
        return ""
    if len(code) != 18:
        raise ValidationError(
            _("A unified social credit code has 18 characters; this one has %(n)d.")
            % {"n": len(code)}
        )
    if not USCC_SHAPE.match(code):
        raise ValidationError(
            _("A unified social credit code uses digits and capital letters except I, O, S, V, Z.")
        )
    if uscc_check_char(code[:17]) != code[17]:
        raise ValidationError(_("The check digit of this unified social credit code is wrong."))
    return code


def _digits_only(value: str) -> str:
    number = SEPARATORS.sub("", value.strip())
    if number.startswith("+86"):
        number = number[3:].lstrip("-")
    elif number.startswith("0086"):
        number = number[4:].lstrip("-")
    return number


def clean_mobile(value: str) -> str:
    """A mainland Chinese mobile number: 11 digits starting 13–19 (+86 allowed)."""
    number = _digits_only(value).replace("-", "")
    if not number:
        return ""
    if not MOBILE.match(number):
        raise ValidationError(
            _("Enter a mobile number of 11 digits starting with 13 to 19, such as 13812345678.")
        )
    return number


def clean_phone(value: str) -> str:
    """A mobile number or a landline with area code (010-12345678, 0571-8888888-123)."""
    number = _digits_only(value)
    if not number:
        return ""
    compact = number.replace("-", "")
    if MOBILE.match(compact):
        return compact
    if SERVICE_NUMBER.match(number):
        return compact
    if "-" not in number and compact.isdigit() and compact.startswith("0"):
        # An area code typed without a separator: 010 and 02x have three digits, others four.
        area = 3 if compact[1] in "12" else 4
        number = f"{compact[:area]}-{compact[area:]}"
    match = LANDLINE.match(number)
    if match:
        return f"{match[1]}-{match[2]}{match[3] or ''}"
    raise ValidationError(
        _("Enter a mobile number or a landline with its area code, such as 010-12345678.")
    )


def clean_email(value: str) -> str:
    email = value.strip()
    if not email:
        return ""
    try:
        EmailValidator()(email)
    except ValidationError:
        raise ValidationError(
            _("Enter a valid e-mail address, such as name@example.com.")
        ) from None
    return email.lower()


def clean_website(value: str) -> str:
    url = value.strip()
    if not url:
        return ""
    if "://" not in url:
        url = "https://" + url
    try:
        URLValidator(schemes=["http", "https"])(url)
    except ValidationError:
        raise ValidationError(
            _("Enter a valid website address, such as www.example.com.")
        ) from None
    return url


def clean_postcode(value: str) -> str:
    code = value.strip()
    if code and not (len(code) == 6 and code.isdigit()):
        raise ValidationError(_("A Chinese postcode has 6 digits."))
    return code


def parse_date(value: Any) -> date | None:
    """A date as spreadsheets and people type it: 2026-12-31, 2026/12/31, or a datetime."""
    if value in (None, ""):
        return None
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value).strip().replace("/", "-")[:10])
    except ValueError:
        raise ValidationError(_("Enter a date as YYYY-MM-DD.")) from None
