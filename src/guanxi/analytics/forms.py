import datetime as dt
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from guanxi.accounts.models import User
from guanxi.accounts.selectors import colleagues
from guanxi.analytics.models import AnalyticsSettings, LifecycleStrategy
from guanxi.analytics.reports import ReportFilters
from guanxi.core.dates import Period
from guanxi.core.forms import DateInput, ModelForm, dictionary_choices
from guanxi.core.roles import Role
from guanxi.customers.selectors import manager_choices

FIRST_YEAR = 2000


class ReportFilterForm(forms.Form):
    """A year, or a period from–to (which wins when given); a region; an account manager."""

    year = forms.TypedChoiceField(label=_("Year"), coerce=int, required=False)
    start = forms.DateField(label=_("From"), required=False, widget=DateInput)
    end = forms.DateField(label=_("To"), required=False, widget=DateInput)
    region = forms.ChoiceField(label=_("Region"), required=False)
    manager = forms.ModelChoiceField(
        label=_("Account manager"),
        queryset=User.objects.none(),
        required=False,
        empty_label=_("All managers"),
    )

    def __init__(self, *args: Any, actor: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        this_year = timezone.localdate().year
        self.fields["year"].choices = [  # type: ignore[attr-defined]
            (year, str(year)) for year in range(this_year, this_year - 6, -1)
        ]
        self.fields["region"].choices = dictionary_choices("region", _("All regions"))  # type: ignore[attr-defined]
        self.fields["manager"].queryset = manager_choices(actor=actor)  # type: ignore[attr-defined]

    def clean_year(self) -> int:
        year = self.cleaned_data.get("year")
        return year or timezone.localdate().year

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("start"), data.get("end")
        if bool(start) != bool(end):
            raise ValidationError(_("Give both dates of the period, or neither."))
        if start and end:
            if end < start:
                self.add_error("end", _("The period ends before it starts."))
            elif (end - start).days > 366 * 5:
                self.add_error("end", _("A period can be at most five years long."))
            elif start.year < FIRST_YEAR:
                self.add_error("start", _("Choose a date from the year 2000 on."))
        return data

    def filters(self) -> ReportFilters:
        data = self.cleaned_data
        manager = data.get("manager")
        region: str = data.get("region") or ""
        manager_id: int | None = manager.pk if manager else None
        if data.get("start") and data.get("end"):
            return ReportFilters(Period(data["start"], data["end"]), region, manager_id)
        year = data.get("year") or timezone.localdate().year
        return ReportFilters.for_year(year, region=region, manager=manager_id)


class RetentionMeasureForm(forms.Form):
    measure_date = forms.DateField(label=_("Date"), widget=DateInput, initial=timezone.localdate)
    description = forms.CharField(
        label=_("Measure"), widget=forms.Textarea(attrs={"rows": 2}), max_length=2000
    )


class ChurnConfirmForm(forms.Form):
    reason = forms.ChoiceField(label=_("Churn reason"))
    notes = forms.CharField(
        label=_("Notes"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["reason"].choices = dictionary_choices("churn_reason", "—")  # type: ignore[attr-defined]


class TaskForm(forms.Form):
    title = forms.CharField(label=_("Task"), max_length=200)
    assignee = forms.ModelChoiceField(
        label=_("Assignee"), queryset=User.objects.none(), required=False
    )
    due_date = forms.DateField(label=_("Due"), required=False, widget=DateInput)

    def __init__(self, *args: Any, actor: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["assignee"].queryset = colleagues(actor).exclude(  # type: ignore[attr-defined]
            role=Role.EXECUTIVE
        )
        self.fields["due_date"].initial = timezone.localdate() + dt.timedelta(days=7)


class PlanCloseForm(forms.Form):
    outcome = forms.CharField(label=_("Outcome"), widget=forms.Textarea(attrs={"rows": 2}))


class AnalyticsSettingsForm(forms.ModelForm):
    class Meta:
        model = AnalyticsSettings
        fields = [
            "churn_months",
            "high_value_spend",
            "medium_value_spend",
            "clv_horizon_weeks",
            "monthly_discount_rate",
            "lifecycle_new_months",
            "lifecycle_growth_percent",
            "lifecycle_decline_percent",
        ]


class LifecycleStrategyForm(ModelForm):
    class Meta:
        model = LifecycleStrategy
        fields = ["strategy_zh", "strategy_en"]
        widgets = {
            "strategy_zh": forms.Textarea(attrs={"rows": 4}),
            "strategy_en": forms.Textarea(attrs={"rows": 4}),
        }
