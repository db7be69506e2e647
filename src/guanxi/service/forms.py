from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from guanxi.accounts.models import Team, User
from guanxi.core.forms import (
    DateInput,
    DateTimeInput,
    ModelForm,
    dictionary_choices,
)
from guanxi.core.roles import Role
from guanxi.service.models import (
    REQUEST_FIELDS,
    CalendarDay,
    Priority,
    RequestComment,
    ServiceRequest,
    ServiceSettings,
    SlaPolicy,
)
from guanxi.service.selectors import assignable

SR = ServiceRequest
WEEKDAYS = [
    (0, _("Monday")),
    (1, _("Tuesday")),
    (2, _("Wednesday")),
    (3, _("Thursday")),
    (4, _("Friday")),
    (5, _("Saturday")),
    (6, _("Sunday")),
]


class RequestForm(ModelForm):
    customer = forms.IntegerField(required=False, widget=forms.HiddenInput)
    contact = forms.IntegerField(required=False, widget=forms.HiddenInput)
    assignee = forms.ModelChoiceField(
        label=pgettext_lazy("service", "Assign to"),
        required=False,
        queryset=User.objects.none(),
        empty_label=_("Nobody yet (team queue)"),
    )

    class Meta:
        model = ServiceRequest
        fields = list(REQUEST_FIELDS)
        widgets = {"details": forms.Textarea(attrs={"rows": 4}), "received_at": DateTimeInput}
        help_texts = {
            "requester_name": _("For someone not on file yet."),
            "received_at": _("Leave empty for now; the SLA clock starts here."),
        }

    def __init__(self, *args: Any, actor: User, editing: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["received_at"].required = False
        self.fields["received_at"].initial = None
        self.fields["assignee"].queryset = assignable(actor)  # type: ignore[attr-defined]
        if editing:
            for name in ("received_at", "assignee", "requester_name", "requester_phone"):
                del self.fields[name]
            del self.fields["requester_email"]


class AssignForm(forms.Form):
    assignee = forms.ModelChoiceField(
        label=pgettext_lazy("service", "Assign to"), queryset=User.objects.none()
    )

    def __init__(self, *args: Any, actor: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["assignee"].queryset = assignable(actor)  # type: ignore[attr-defined]


class CommentForm(ModelForm):
    """A note or a reply; a reply is e-mailed to ``address`` unless *E-mail it* is unticked."""

    email = forms.BooleanField(label=_("E-mail it to the customer"), required=False, initial=True)

    class Meta:
        model = RequestComment
        fields = ["kind", "body"]
        widgets = {"body": forms.Textarea(attrs={"rows": 3})}
        labels = {"kind": _("Kind"), "body": _("Comment")}

    def __init__(self, *args: Any, address: str = "", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = RequestComment.Kind.choices  # type: ignore[attr-defined]
        self.fields["kind"].initial = RequestComment.Kind.REPLY
        self.address = address
        if address:
            self.fields["email"].label = _("E-mail it to %(address)s") % {"address": address}
        else:
            del self.fields["email"]

    def service_values(self) -> dict[str, Any]:
        values = dict(self.cleaned_data)
        # No address: the reply is recorded only; unticked: it was given another way.
        values["email"] = values.get("email") if self.address else None
        return values


class HandleForm(forms.Form):
    result = forms.CharField(label=_("What was done"), widget=forms.Textarea(attrs={"rows": 3}))


class FeedbackForm(forms.Form):
    satisfaction = forms.TypedChoiceField(
        label=_("Satisfaction"),
        coerce=int,
        choices=[(n, str(n)) for n in range(5, 0, -1)],
        widget=forms.RadioSelect,
    )
    note = forms.CharField(
        label=_("What the customer said"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class ArchiveForm(forms.Form):
    root_cause = forms.CharField(
        label=_("Root cause"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    corrective_action = forms.CharField(
        label=_("Corrective action"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    follow_up = forms.CharField(
        label=_("Follow-up"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    review = forms.CharField(
        label=_("Review (复盘)"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class AttachmentForm(forms.Form):
    file = forms.FileField(label=_("File"))


class CallbackForm(forms.Form):
    reached = forms.TypedChoiceField(
        label=_("Reached the customer"),
        coerce=lambda value: value == "yes",
        choices=[("yes", _("Yes")), ("no", _("No, nobody answered"))],
        initial="yes",
        widget=forms.RadioSelect,
    )
    attitude = forms.TypedChoiceField(
        label=_("Service attitude and professionalism"),
        coerce=int,
        required=False,
        empty_value=None,
        choices=[("", "—"), *[(n, str(n)) for n in range(5, 0, -1)]],
    )
    efficiency = forms.TypedChoiceField(
        label=_("Problem-solving efficiency"),
        coerce=int,
        required=False,
        empty_value=None,
        choices=[("", "—"), *[(n, str(n)) for n in range(5, 0, -1)]],
    )
    information = forms.TypedChoiceField(
        label=_("Completeness of information"),
        coerce=int,
        required=False,
        empty_value=None,
        choices=[("", "—"), *[(n, str(n)) for n in range(5, 0, -1)]],
    )
    resolved = forms.NullBooleanField(
        label=_("Was the problem solved?"),
        required=False,
        widget=forms.Select(choices=[("", "—"), ("true", _("Yes")), ("false", _("No"))]),
    )
    comment = forms.CharField(
        label=_("What the customer said"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )


class PolicyForm(forms.ModelForm):
    service_type = forms.ChoiceField(label=_("Service type"), required=False)
    customer_level = forms.ChoiceField(label=_("Customer level"), required=False)

    class Meta:
        model = SlaPolicy
        fields = [
            "name",
            "rank",
            "service_type",
            "priority",
            "customer_level",
            "first_response_minutes",
            "resolution_minutes",
            "calendar",
            "warn_percent",
            "escalate_after_minutes",
            "next_level",
            "active",
        ]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["service_type"].choices = dictionary_choices("service_type", _("Any type"))  # type: ignore[attr-defined]
        self.fields["customer_level"].choices = dictionary_choices(  # type: ignore[attr-defined]
            "customer_level", _("Any level")
        )
        self.fields["priority"].choices = [("", _("Any priority")), *Priority.choices]  # type: ignore[attr-defined]
        self.fields["next_level"].queryset = User.objects.filter(is_active=True).exclude(  # type: ignore[attr-defined]
            role=Role.ACCOUNT_MANAGER
        )


class CalendarForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=100)
    time_zone = forms.CharField(label=_("Time zone"), max_length=50, initial="Asia/Shanghai")
    working_hours = forms.CharField(
        label=_("Working hours"),
        initial="09:00-12:00, 13:00-18:00",
        help_text=_("Stretches of a working day, such as 09:00-12:00, 13:00-18:00."),
    )
    days_off = forms.TypedMultipleChoiceField(
        label=_("Weekly days off"),
        coerce=int,
        required=False,
        choices=WEEKDAYS,
        widget=forms.CheckboxSelectMultiple,
        initial=[5, 6],
    )
    is_default = forms.BooleanField(label=_("Default calendar"), required=False)


class CalendarDayForm(forms.Form):
    date = forms.DateField(label=_("Date"), widget=DateInput)
    kind = forms.ChoiceField(label=_("Kind"), choices=CalendarDay.Kind.choices)
    name = forms.CharField(label=_("Name"), required=False, max_length=100)


class SettingsForm(forms.ModelForm):
    class Meta:
        model = ServiceSettings
        fields = ["callback_percent", "callback_after_days", "default_team"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["default_team"].queryset = Team.objects.order_by("name")  # type: ignore[attr-defined]


class IntakeFormForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=100)
    team = forms.ModelChoiceField(label=_("Team"), queryset=Team.objects.order_by("name"))
    service_type = forms.ChoiceField(label=_("Default type"))
    active = forms.BooleanField(label=_("Active"), required=False, initial=True)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["service_type"].choices = dictionary_choices("service_type", "—")[1:]  # type: ignore[attr-defined]


class PublicRequestForm(forms.Form):
    requester_name = forms.CharField(label=_("Your name"), max_length=100)
    requester_phone = forms.CharField(label=_("Phone"), required=False, max_length=30)
    requester_email = forms.EmailField(label=_("E-mail"), required=False)
    service_type = forms.ChoiceField(label=_("What is it about?"))
    summary = forms.CharField(label=_("Subject"), max_length=200)
    details = forms.CharField(
        label=_("Tell us more"), required=False, widget=forms.Textarea(attrs={"rows": 5})
    )
    # A field people never see: bots fill it in.
    website = forms.CharField(
        required=False, widget=forms.TextInput(attrs={"tabindex": "-1", "autocomplete": "off"})
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["service_type"].choices = dictionary_choices("service_type", "—")[1:]  # type: ignore[attr-defined]
