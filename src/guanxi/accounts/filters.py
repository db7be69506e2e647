from django import forms
from django.utils.translation import gettext_lazy as _

from guanxi.accounts.models import Team
from guanxi.core.forms import active_filter_field
from guanxi.core.roles import Role


class UserFilterForm(forms.Form):
    """The user-list filter fields; the filtering itself is ``selectors.user_list``."""

    q = forms.CharField(
        label=_("Search"),
        required=False,
        widget=forms.TextInput(attrs={"placeholder": _("Name, username, e-mail or mobile")}),
    )
    role = forms.ChoiceField(
        label=_("Role"), required=False, choices=[("", _("All roles")), *Role.choices]
    )
    team = forms.ModelChoiceField(
        label=_("Team"), queryset=Team.objects.all(), required=False, empty_label=_("All teams")
    )
    is_active = active_filter_field()

    def selector_filters(self) -> dict:
        data = self.cleaned_data if self.is_valid() else {}
        team = data.get("team")
        return {
            "q": data.get("q", ""),
            "role": data.get("role", ""),
            "team_id": team.pk if team else None,
            "is_active": data.get("is_active"),
        }
