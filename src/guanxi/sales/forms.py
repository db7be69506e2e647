from datetime import timedelta
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from guanxi.accounts.models import Team, User
from guanxi.accounts.selectors import colleagues
from guanxi.core.dictionary import DictionaryLookup
from guanxi.core.forms import DateInput, DateTimeInput, ModelForm, dictionary_choices
from guanxi.sales.models import (
    OPPORTUNITY_FIELDS,
    Activity,
    AssignmentRule,
    Opportunity,
    PipelineStage,
)
from guanxi.sales.services.assignment import eligible_members, target_category


class OpportunityForm(ModelForm):
    """The opportunity's fields as the model has them; the service judges the values."""

    assignee = forms.ModelChoiceField(
        label=_("Assign to"),
        required=False,
        queryset=User.objects.none(),
        empty_label=_("Nobody yet (unassigned)"),
    )

    class Meta:
        model = Opportunity
        fields = list(OPPORTUNITY_FIELDS)
        widgets = {
            "expected_close": DateInput,
            "description": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args: Any, actor: User, editing: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Left empty, a new opportunity takes its stage's probability.
        self.fields["probability"].required = False
        self.order_fields(
            [
                "customer_name",
                "summary",
                "contact_name",
                "contact_phone",
                "contact_email",
                "source",
                "region",
                "industry",
                "amount",
                "probability",
                "expected_close",
                "description",
            ]
        )
        if editing:
            # The version the editor loaded: saving over a newer one is refused.
            self.fields["version"] = forms.IntegerField(widget=forms.HiddenInput, required=False)
        if editing or not actor.has_perm("sales.assign_opportunity"):
            del self.fields["assignee"]
        else:
            self.fields["assignee"].queryset = colleagues(actor)  # type: ignore[attr-defined]


class AssignForm(forms.Form):
    assignee = forms.ModelChoiceField(label=_("Assign to"), queryset=User.objects.none())

    def __init__(self, *args: Any, actor: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["assignee"].queryset = colleagues(actor)  # type: ignore[attr-defined]


class FailForm(forms.Form):
    reason = forms.ChoiceField(label=_("Reason"))
    note = forms.CharField(
        label=_("Notes"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["reason"].choices = dictionary_choices("lost_reason", "—")  # type: ignore[attr-defined]


class SucceedForm(forms.Form):
    customer_code = forms.CharField(
        label=_("Existing customer code"),
        required=False,
        max_length=32,
        help_text=_("Leave empty to create the customer from this opportunity."),
    )
    allow_duplicate = forms.BooleanField(
        label=_("Create a new customer even though it looks like one on file"), required=False
    )


class PlanStepForm(forms.Form):
    date = forms.DateField(label=_("Date"), widget=DateInput, initial=timezone.localdate)
    content = forms.CharField(label=_("Plan"), widget=forms.Textarea(attrs={"rows": 2}))


class PlanResultForm(forms.Form):
    result = forms.CharField(
        label=_("Result"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


def _next_hour() -> Any:
    now = timezone.localtime()
    return now.replace(minute=0, second=0, microsecond=0) + timedelta(hours=1)


class ActivityForm(ModelForm):
    assignee = forms.ModelChoiceField(label=_("Assigned to"), queryset=User.objects.none())

    class Meta:
        model = Activity
        fields = ["kind", "subject", "due_at", "duration_minutes", "remind_minutes", "notes"]
        labels = {"remind_minutes": _("Remind me (minutes before)")}
        help_texts = {"remind_minutes": _("Leave empty for no reminder.")}
        widgets = {"due_at": DateTimeInput, "notes": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args: Any, actor: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["due_at"].initial = _next_hour
        if actor.has_perm("sales.assign_opportunity"):
            self.fields["assignee"].queryset = colleagues(actor)  # type: ignore[attr-defined]
            self.order_fields([*self.Meta.fields[:5], "assignee", "notes"])
        else:
            del self.fields["assignee"]


class StageForm(forms.ModelForm):
    class Meta:
        model = PipelineStage
        fields = ["label_zh", "label_en", "order", "probability", "active"]


class LeadFormForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=100)
    team = forms.ModelChoiceField(label=_("Team"), queryset=User.objects.none())
    source = forms.ChoiceField(label=_("Source"), required=False)
    thank_you = forms.CharField(label=_("Thank-you message"), max_length=300, required=False)
    active = forms.BooleanField(label=_("Active"), required=False, initial=True)

    def __init__(self, *args: Any, teams: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["team"].queryset = teams  # type: ignore[attr-defined]
        self.fields["source"].choices = dictionary_choices("source", "—")  # type: ignore[attr-defined]


# Target fields are named by the dictionary code they are for: target_zhejiang, target_it…
TARGET_PREFIX = "target_"


class AssignmentRuleForm(forms.Form):
    """A team's rule and, by region or industry, a member for each of the dictionary's values."""

    method = forms.ChoiceField(label=_("Method"), choices=AssignmentRule.Method.choices)
    active = forms.BooleanField(label=_("Active"), required=False)

    def __init__(
        self,
        *args: Any,
        team: Team,
        rule: AssignmentRule | None,
        method: str,
        lookup: DictionaryLookup,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        # Choosing another method swaps in its targets (HTMX fetches this page for it).
        self.fields["method"].widget.attrs.update(
            {
                "hx-get": "",
                "hx-trigger": "change",
                "hx-target": "#targets",
                "hx-select": "#targets",
                "hx-swap": "outerHTML",
            }
        )
        self.category = target_category(method)
        members = User.objects.filter(pk__in=[m.pk for m in eligible_members(team)]).order_by(
            "last_name", "first_name", "username"
        )
        current = (
            {target.value: target.user_id for target in rule.targets.all()}
            if rule is not None and rule.method == method
            else {}
        )
        for code, label in lookup.choices(self.category) if self.category else []:
            self.fields[TARGET_PREFIX + code] = forms.ModelChoiceField(
                label=label,
                queryset=members,
                required=False,
                empty_label=_("In turn (round robin)"),
                initial=current.get(code),
                widget=forms.Select(attrs={"class": "form-select form-select-sm"}),
            )

    def target_fields(self) -> list[Any]:
        return [self[name] for name in self.fields if name.startswith(TARGET_PREFIX)]

    def targets(self) -> dict[str, User]:
        return {
            name.removeprefix(TARGET_PREFIX): user
            for name, user in self.cleaned_data.items()
            if name.startswith(TARGET_PREFIX) and user is not None
        }


class PublicLeadForm(forms.Form):
    customer_name = forms.CharField(label=_("Company or your name"), max_length=200)
    contact_name = forms.CharField(label=_("Contact person"), max_length=50, required=False)
    contact_phone = forms.CharField(label=_("Phone"), max_length=30, required=False)
    contact_email = forms.CharField(label=_("E-mail"), max_length=254, required=False)
    description = forms.CharField(
        label=_("How can we help?"), required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    # Hidden from people; bots fill every field they find.
    website = forms.CharField(
        required=False, widget=forms.TextInput(attrs={"tabindex": "-1", "autocomplete": "off"})
    )
