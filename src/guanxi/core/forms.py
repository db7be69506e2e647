from typing import Any

from django import forms
from django.core.exceptions import FieldDoesNotExist
from django.utils import timezone
from django.utils.functional import Promise

from guanxi.core.dictionary import DictionaryLookup
from guanxi.core.fields import DictionaryField


class ModelForm(forms.ModelForm):
    """A form built from its model that parses input and leaves the judging to the model.

    Labels, lengths, required fields and widgets come from the model fields. The rules —
    formats, choices, dictionary codes — are the model's, run by the service's
    ``full_clean()``; ``web.utils.run_service`` puts its errors on the form's fields. So a form
    neither checks a choice itself (the model's message lists the codes) nor validates the model
    a second time before the service does. Dictionary fields get their category's items as
    choices, from ``lookup`` when the view has one already.
    """

    def __init__(self, *args: Any, lookup: DictionaryLookup | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        model = self._meta.model
        for name, field in self.fields.items():
            model_field = _model_field(model, name)
            if isinstance(model_field, DictionaryField):
                lookup = lookup or DictionaryLookup()
                # As Django words choices: a blank one unless a value is always given.
                blank = model_field.blank or not model_field.has_default()
                empty = [("", "—")] if blank else []
                field.choices = [*empty, *lookup.choices(model_field.category)]  # type: ignore[attr-defined]
            if isinstance(field, forms.ChoiceField) and not isinstance(
                field, forms.ModelChoiceField
            ):
                field.valid_value = _any_value  # type: ignore[method-assign]

    def _post_clean(self) -> None:
        """The service validates the model (once), not the form."""

    def service_values(self) -> dict[str, Any]:
        return dict(self.cleaned_data)


def _model_field(model: Any, name: str) -> Any:
    try:
        return model._meta.get_field(name)
    except FieldDoesNotExist:
        return None


def _any_value(value: Any) -> bool:
    return True


class DateInput(forms.DateInput):
    """A date picker. Browsers take only ISO dates in it, so the value is never localised
    (Chinese formats dates as 2026/12/02, which the picker would show as empty)."""

    input_type = "date"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs, format="%Y-%m-%d")


class DateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def format_value(self, value: Any) -> str | None:
        if hasattr(value, "strftime"):
            if timezone.is_aware(value):
                value = timezone.localtime(value)
            return value.strftime("%Y-%m-%dT%H:%M")
        return super().format_value(value)


def dictionary_choices(category: str, empty: str | Promise) -> list[tuple[str, Any]]:
    return [("", empty), *DictionaryLookup().choices(category)]
