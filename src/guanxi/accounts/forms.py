from typing import Any

from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from guanxi.accounts.models import Team, User
from guanxi.accounts.signin import SignInLocked, sign_in
from guanxi.core.forms import DateInput
from guanxi.core.roles import Role


class UserCreateForm(forms.Form):
    username = forms.CharField(label=_("Username"), max_length=150)
    last_name = forms.CharField(label=_("Family name"), max_length=150, required=False)
    first_name = forms.CharField(label=_("Given name"), max_length=150, required=False)
    email = forms.EmailField(label=_("E-mail"), required=False)
    mobile = forms.CharField(label=_("Mobile"), max_length=20, required=False)
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices, initial=Role.ACCOUNT_MANAGER)
    team = forms.ModelChoiceField(
        label=_("Team"), queryset=Team.objects.all(), required=False, empty_label=_("No team")
    )
    password = forms.CharField(
        label=_("Initial password"),
        widget=forms.PasswordInput(render_value=True),
        help_text=_(
            "At least 8 characters of two kinds (letters, digits, symbols), not a common password."
        ),
    )


class UserEditForm(forms.ModelForm):
    class Meta:
        model = User
        fields = ["last_name", "first_name", "email", "mobile", "role", "team", "is_active"]
        labels = {"last_name": _("Family name"), "first_name": _("Given name")}

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["team"].empty_label = _("No team")  # type: ignore[attr-defined]


class SetPasswordForm(forms.Form):
    password = forms.CharField(label=_("New password"), widget=forms.PasswordInput)
    password_again = forms.CharField(label=_("New password again"), widget=forms.PasswordInput)

    def clean(self) -> dict:
        data = super().clean() or {}
        if data.get("password") and data.get("password") != data.get("password_again"):
            self.add_error("password_again", _("The two passwords differ."))
        return data


class TeamForm(forms.ModelForm):
    class Meta:
        model = Team
        fields = ["name", "supervisor"]

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        supervisor = self.fields["supervisor"]
        supervisor.queryset = User.objects.filter(is_active=True)  # type: ignore[attr-defined]
        supervisor.empty_label = _("No supervisor")  # type: ignore[attr-defined]


class ApiTokenForm(forms.Form):
    name = forms.CharField(
        label=_("Token name"),
        max_length=100,
        help_text=_("Say where the token will be used, such as “ERP sync”."),
    )
    expires_on = forms.DateField(
        label=_("Expires on"),
        required=False,
        widget=DateInput,
        help_text=_("Leave empty for a token that does not expire."),
    )


class SignInForm(AuthenticationForm):
    """Django's sign-in form, through the throttled sign-in (``accounts.signin``)."""

    def clean(self) -> dict[str, Any]:
        username = self.cleaned_data.get("username")
        password = self.cleaned_data.get("password")
        if username is not None and password:
            try:
                self.user_cache = sign_in(self.request, username, password)
            except SignInLocked as error:
                raise ValidationError(str(error), code="locked") from error
            if self.user_cache is None:
                raise self.get_invalid_login_error()
            self.confirm_login_allowed(self.user_cache)
        return self.cleaned_data


class CodeForm(forms.Form):
    """The second step of signing in, and every two-factor change: a code from the app."""

    code = forms.CharField(
        label=_("Verification code"),
        max_length=20,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "autofocus": True, "spellcheck": "false"}
        ),
        error_messages={"required": _("Enter the 6-digit code from your authenticator app.")},
    )


class TwoFactorPolicyForm(forms.Form):
    roles = forms.MultipleChoiceField(
        label=_("Roles that must use two-factor sign-in"),
        choices=Role.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
