"""Forms of the customer pages. They parse input; the services validate and decide."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from guanxi.accounts.models import User
from guanxi.core.fields import dictionary_fields
from guanxi.core.forms import DateInput, DateTimeInput, ModelForm
from guanxi.core.selectors import DictionaryLookup
from guanxi.customers.models import CUSTOMER_FIELDS, Contact, Customer, Interaction
from guanxi.customers.selectors import CustomerFilters, manager_choices

DICTIONARY_FIELDS = dictionary_fields(Customer)


def _dictionary_choice(
    lookup: DictionaryLookup, field: str, label: Any, *, empty: Any
) -> forms.ChoiceField:
    choices = [("", empty), *lookup.choices(DICTIONARY_FIELDS[field])]
    return forms.ChoiceField(label=label, choices=choices, required=False)


class CustomerFilterForm(forms.Form):
    q = forms.CharField(
        label=_("Search"),
        required=False,
        widget=forms.TextInput(
            attrs={
                "placeholder": _("Name, pinyin, initials, phone, e-mail or code"),
                "type": "search",
                "autofocus": True,
            }
        ),
    )
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[("", _("All statuses")), *Customer.Status.choices],
    )
    lifecycle_stage = forms.ChoiceField(
        label=_("Lifecycle stage"),
        required=False,
        choices=[("", _("All stages")), *Customer.Lifecycle.choices],
    )
    tag = forms.CharField(label=_("Tag"), required=False)
    created_from = forms.DateField(label=_("Created from"), required=False, widget=DateInput)
    created_to = forms.DateField(label=_("Created to"), required=False, widget=DateInput)
    archived = forms.BooleanField(label=_("Archived customers"), required=False)
    segment = forms.ChoiceField(label=_("RFM segment"), required=False)
    value_tier = forms.ChoiceField(label=_("Value tier"), required=False)
    churn_risk_min = forms.IntegerField(
        label=_("Churn risk at least"), required=False, min_value=0, max_value=100
    )

    def __init__(self, *args: Any, actor: User, lookup: DictionaryLookup, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["level"] = _dictionary_choice(
            lookup, "level", _("Level"), empty=_("All levels")
        )
        self.fields["credit_rating"] = _dictionary_choice(
            lookup, "credit_rating", _("Credit rating"), empty=_("All ratings")
        )
        self.fields["satisfaction"] = _dictionary_choice(
            lookup, "satisfaction", _("Satisfaction"), empty=_("All")
        )
        self.fields["region"] = _dictionary_choice(
            lookup, "region", _("Region"), empty=_("All regions")
        )
        self.fields["industry"] = _dictionary_choice(
            lookup, "industry", _("Industry"), empty=_("All industries")
        )
        self.fields["account_manager"] = forms.ModelChoiceField(
            label=_("Account manager"),
            queryset=manager_choices(actor=actor),
            required=False,
            empty_label=_("All managers"),
        )
        from guanxi.analytics.models import CustomerScore

        self.fields["segment"].choices = [  # type: ignore[attr-defined]
            ("", _("All segments")),
            *CustomerScore.Segment.choices,
        ]
        self.fields["value_tier"].choices = [  # type: ignore[attr-defined]
            ("", _("All tiers")),
            *CustomerScore.ValueTier.choices,
        ]
        self.order_fields(
            [
                "q",
                "level",
                "credit_rating",
                "satisfaction",
                "region",
                "industry",
                "account_manager",
                "status",
                "lifecycle_stage",
                "tag",
                "created_from",
                "created_to",
                "segment",
                "value_tier",
                "churn_risk_min",
                "archived",
            ]
        )

    def selector_filters(self) -> CustomerFilters:
        data = self.cleaned_data if self.is_valid() else {}
        manager = data.get("account_manager")
        return CustomerFilters(
            q=data.get("q", ""),
            level=data.get("level", ""),
            credit_rating=data.get("credit_rating", ""),
            satisfaction=data.get("satisfaction", ""),
            region=data.get("region", ""),
            industry=data.get("industry", ""),
            account_manager=manager.pk if manager else None,
            status=data.get("status", ""),
            lifecycle_stage=data.get("lifecycle_stage", ""),
            tag=data.get("tag", ""),
            created_from=data.get("created_from"),
            created_to=data.get("created_to"),
            archived=bool(data.get("archived")),
            segment=data.get("segment", ""),
            value_tier=data.get("value_tier", ""),
            churn_risk_min=data.get("churn_risk_min"),
        )


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
