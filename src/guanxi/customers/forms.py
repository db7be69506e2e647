"""Forms of the customer pages. They parse input; the services validate and decide."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from guanxi.accounts.models import User
from guanxi.core.dictionary import DictionaryLookup
from guanxi.core.forms import DateInput, DateTimeInput, ModelForm
from guanxi.customers.models import (
    CUSTOMER_FIELDS,
    CommunicationTarget,
    Consent,
    Contact,
    Customer,
    Interaction,
)
from guanxi.customers.selectors import manager_choices


class CustomerForm(ModelForm):
    """The customer's fields as the model has them; the service judges the values."""

    tags = forms.CharField(
        label=_("Tags"),
        required=False,
        help_text=_("Separate tags with commas."),
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    allow_duplicate = forms.BooleanField(
        label=_("Create it anyway: it is not the same customer"), required=False
    )

    class Meta:
        model = Customer
        fields = [*CUSTOMER_FIELDS, "account_manager"]
        labels = {
            "registered_capital": _("Registered capital (CNY)"),
            "annual_revenue": _("Annual revenue (CNY)"),
            "birthday": _("Birthday or founding date"),
        }
        widgets = {"birthday": DateInput, "notes": forms.Textarea(attrs={"rows": 3})}

    def __init__(
        self,
        *args: Any,
        actor: User,
        lookup: DictionaryLookup,
        customer: Customer | None = None,
        **kwargs: Any,
    ) -> None:
        if customer is not None:
            kwargs.setdefault("initial", self.initial_for(customer))
        super().__init__(*args, lookup=lookup, instance=customer, **kwargs)
        if customer is not None:
            # Reassigning has its own action; the edit form leaves the manager alone.
            del self.fields["account_manager"]
            del self.fields["allow_duplicate"]
        else:
            manager = self.fields["account_manager"]
            manager.queryset = manager_choices(actor=actor)  # type: ignore[attr-defined]
            manager.initial = actor.pk

    @staticmethod
    def initial_for(customer: Customer) -> dict[str, Any]:
        return {
            "tags": ", ".join(tag.name for tag in customer.tags.all()),
            "version": customer.version,
        }

    def service_values(self) -> dict[str, Any]:
        values = dict(self.cleaned_data)
        values["tags"] = [
            t for t in values.get("tags", "").replace("，", ",").split(",") if t.strip()
        ]
        return values


class ReassignForm(forms.Form):
    account_manager = forms.ModelChoiceField(
        label=_("New account manager"), queryset=User.objects.none()
    )
    customers = forms.ModelMultipleChoiceField(queryset=Customer.objects.none())

    def __init__(self, *args: Any, actor: User, customers: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["account_manager"].queryset = manager_choices(actor=actor)  # type: ignore[attr-defined]
        self.fields["customers"].queryset = customers  # type: ignore[attr-defined]


class MergeForm(forms.Form):
    source = forms.ModelChoiceField(
        label=_("Duplicate to merge into this customer"), queryset=Customer.objects.none()
    )
    confirm = forms.BooleanField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args: Any, candidates: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["source"].queryset = candidates  # type: ignore[attr-defined]
        self.fields["source"].label_from_instance = lambda c: f"{c.code} · {c.name}"  # type: ignore[attr-defined]


class ContactForm(ModelForm):
    class Meta:
        model = Contact
        fields = [
            "name",
            "gender",
            "title",
            "mobile",
            "office_phone",
            "email",
            "birthday",
            "is_primary",
            "notes",
        ]
        widgets = {"birthday": DateInput, "notes": forms.Textarea(attrs={"rows": 3})}


class ConsentForm(ModelForm):
    class Meta:
        model = Consent
        fields = ["purpose", "granted", "source", "note"]
        labels = {"granted": _("Consent given (clear it to record a withdrawal)")}


class InteractionForm(ModelForm):
    class Meta:
        model = Interaction
        fields = [
            "occurred_at",
            "channel",
            "contact",
            "summary",
            "place",
            "details",
            "notes",
            "effective",
        ]
        widgets = {
            "occurred_at": DateTimeInput,
            "details": forms.Textarea(attrs={"rows": 4}),
            "notes": forms.Textarea(attrs={"rows": 2}),
        }
        help_texts = {
            "effective": _("Counts towards the target of two effective communications a month."),
        }

    def __init__(self, *args: Any, contacts: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["contact"].queryset = contacts  # type: ignore[attr-defined]


class CommunicationTargetsForm(forms.Form):
    """One number per customer level, each checked by the model field's own rule."""

    def __init__(self, *args: Any, rows: list[dict[str, Any]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        model_field = CommunicationTarget._meta.get_field("per_month")
        for row in rows:
            field = model_field.formfield(label=row["label"], initial=row["per_month"])  # type: ignore[union-attr]
            assert field is not None
            self.fields[row["level"]] = field
