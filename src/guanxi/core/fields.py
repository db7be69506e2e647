"""Model fields that carry their own rule: a value is normalised, then checked, in ``clean``.

A model's ``full_clean()`` — which every create and update service calls — runs ``clean`` on
each field, so a phone number, a credit code or a dictionary value is judged by one rule with
one message, whether it came from a page, the API or an import. Normalising happens in
``clean`` rather than ``to_python`` because Django also calls ``to_python`` on values used in
queries, where a half-typed phone number must not raise.

Their form fields are plain text or choice fields: forms built from these models parse input
and leave the judging to the model (see ``guanxi.core.forms.ModelForm``).
"""

from datetime import datetime
from decimal import Decimal
from typing import Any, ClassVar

from django import forms
from django.core.validators import MinValueValidator
from django.db import models
from django.utils import timezone, translation
from django.utils.functional import lazy
from django.utils.text import capfirst
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from guanxi.core import validators
from guanxi.core.dictionary import current_lookup


def _choice_message(values: tuple[str, ...]) -> str:
    # The value is filled in by Django (``params={"value": …}``); the choices are fixed here.
    return gettext("“%(value)s” is not one of: %(choices)s.") % {
        "value": "%(value)s",
        "choices": ", ".join(values),
    }


choice_message = lazy(_choice_message, str)

# Required fields say so as forms do ("This field is required."), not "cannot be blank".
REQUIRED = {"blank": _("This field is required."), "null": _("This field is required.")}


class _StoredAs:
    """Migrations see the plain Django field these store as: the rules are Python only, so
    changing one never rewrites a table (SQLite rebuilds a table for a new field class)."""

    stored_as: ClassVar[str]

    def deconstruct(self) -> Any:
        name, _path, args, kwargs = super().deconstruct()  # type: ignore[misc]
        kwargs.pop("category", None)
        return name, self.stored_as, args, kwargs


class NormalisedCharField(_StoredAs, models.CharField):
    """Text whose value is normalised by ``normalise`` (which raises with the rule's message)."""

    stored_as = "django.db.models.CharField"
    default_max_length: ClassVar[int]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("max_length", self.default_max_length)
        super().__init__(*args, **kwargs)

    def normalise(self, value: str) -> str:
        """The value as it is kept; ``ValidationError`` with the rule's message if it is wrong."""
        raise NotImplementedError

    def clean(self, value: Any, model_instance: models.Model | None) -> Any:
        value = self.to_python(value)
        if value:
            value = self.normalise(value.strip())
        self.validate(value, model_instance)
        self.run_validators(value)
        return value

    def formfield(self, **kwargs: Any) -> Any:
        # A plain text box: the model judges the value (EmailField's and URLField's own form
        # fields would judge it first, with other words).
        return models.CharField.formfield(self, **{"form_class": forms.CharField, **kwargs})


class PhoneField(NormalisedCharField):
    """A mobile number or a landline with its area code, kept as 13812345678 or 010-12345678."""

    default_max_length = 30

    def normalise(self, value: str) -> str:
        return validators.clean_phone(value)


class MobileField(NormalisedCharField):
    """A mainland mobile number, kept as its 11 digits."""

    default_max_length = 20

    def normalise(self, value: str) -> str:
        return validators.clean_mobile(value)


class EmailField(NormalisedCharField):
    """An e-mail address, kept in lower case."""

    stored_as = "django.db.models.EmailField"
    default_max_length = 254

    def normalise(self, value: str) -> str:
        return validators.clean_email(value)


class WebsiteField(NormalisedCharField):
    """A web address; one typed without a scheme gets https://."""

    stored_as = "django.db.models.URLField"
    default_max_length = 200

    def normalise(self, value: str) -> str:
        return validators.clean_website(value)

    def deconstruct(self) -> Any:
        name, path, args, kwargs = super().deconstruct()
        if kwargs.get("max_length") == 200:  # as URLField leaves out its default
            del kwargs["max_length"]
        return name, path, args, kwargs


class CreditCodeField(NormalisedCharField):
    """A unified social credit code (统一社会信用代码), upper-cased, check digit verified."""

    default_max_length = 18

    def normalise(self, value: str) -> str:
        return validators.clean_uscc(value)


class PostcodeField(NormalisedCharField):
    """A Chinese postcode of six digits."""

    default_max_length = 6

    def normalise(self, value: str) -> str:
        return validators.clean_postcode(value)


class ChoiceField(_StoredAs, models.CharField):
    """One of fixed ``choices``, given by its code or by its label in either language.

    The message for a value outside the choices lists the codes, so an API caller or a
    spreadsheet's author sees what would do.
    """

    stored_as = "django.db.models.CharField"

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        values = tuple(str(value) for value, _label in self.flatchoices)
        self.error_messages["invalid_choice"] = choice_message(values)
        self._codes: dict[str, str] | None = None

    def clean(self, value: Any, model_instance: models.Model | None) -> Any:
        return super().clean(self.code_for(value), model_instance)

    def code_for(self, value: Any) -> Any:
        """The code of a choice given by its label (English or Chinese), else ``value``."""
        if not isinstance(value, str):
            return value
        text = value.strip()
        if self._codes is None:
            codes: dict[str, str] = {}
            for language in ("en", "zh-hans"):
                with translation.override(language):
                    for code, label in self.flatchoices:
                        codes.setdefault(str(label).strip().lower(), str(code))
            codes.update({str(code).lower(): str(code) for code, _label in self.flatchoices})
            self._codes = codes
        return self._codes.get(text.lower(), text)


class DictionaryField(_StoredAs, models.CharField):
    """The code of an item of one data dictionary category (客户等级, 地区, 行业…).

    Given a code or either label, it keeps the code; anything else is refused with the list of
    the category's items. Only active items are accepted for new values.
    """

    stored_as = "django.db.models.CharField"

    def __init__(self, *args: Any, category: str, **kwargs: Any) -> None:
        self.category = category
        kwargs.setdefault("max_length", 50)
        super().__init__(*args, **kwargs)

    def clone(self) -> "DictionaryField":
        _name, _path, args, kwargs = self.deconstruct()
        return self.__class__(*args, category=self.category, **kwargs)

    def clean(self, value: Any, model_instance: models.Model | None) -> Any:
        text = "" if value is None else str(value).strip()
        if text:
            text = current_lookup(self.category).code(self.category, text)
        self.validate(text, model_instance)
        self.run_validators(text)
        return text

    def formfield(self, **kwargs: Any) -> Any:
        # The choices are the dictionary's, filled in when a form is made (ModelForm).
        return forms.ChoiceField(
            label=kwargs.get("label", capfirst(self.verbose_name)),
            required=not self.blank,
            choices=[],
            initial=self.get_default() or None,
            help_text=self.help_text,
        )


class AwareDateTimeField(_StoredAs, models.DateTimeField):
    """A moment; one given without a time zone (an API client's "2026-12-31T18:00") is taken in
    the current time zone, as forms take it, before the field's rules compare it."""

    stored_as = "django.db.models.DateTimeField"

    def clean(self, value: Any, model_instance: models.Model | None) -> Any:
        value = self.to_python(value)
        if isinstance(value, datetime) and timezone.is_naive(value):
            value = timezone.make_aware(value)
        self.validate(value, model_instance)
        self.run_validators(value)
        return value


class AmountField(_StoredAs, models.DecimalField):
    """A sum of money, never negative; typed with thousands separators (1,000.00) is fine."""

    stored_as = "django.db.models.DecimalField"

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("max_digits", 16)
        kwargs.setdefault("decimal_places", 2)
        super().__init__(*args, **kwargs)

    default_error_messages = {"invalid": _("Enter a number.")}
    default_validators = [
        MinValueValidator(Decimal(0), message=_("The amount cannot be negative."))
    ]

    def to_python(self, value: Any) -> Any:
        if isinstance(value, str):
            value = value.replace(",", "").replace("，", "").strip() or None
        return super().to_python(value)

    def clean(self, value: Any, model_instance: models.Model | None) -> Any:
        # An amount left empty is the default (an opportunity's 0), where it has one.
        if value in (None, "") and not self.null and self.has_default():
            value = self.get_default()
        return super().clean(value, model_instance)

    def formfield(self, **kwargs: Any) -> Any:
        field = super().formfield(**kwargs)
        if field is not None and self.has_default():
            field.required = False
        return field


def dictionary_fields(model: type[models.Model]) -> dict[str, str]:
    """The model's dictionary fields, each with its category."""
    return {
        field.name: field.category
        for field in model._meta.fields
        if isinstance(field, DictionaryField)
    }
