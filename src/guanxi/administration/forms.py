"""The data dictionary's item form and the data-subject request forms."""

from django import forms
from django.utils.translation import gettext_lazy as _

from guanxi.core.models import DictItem


class DictItemForm(forms.ModelForm):
    class Meta:
        model = DictItem
        fields = ["code", "label_zh", "label_en", "order", "active"]


class ForgetForm(forms.Form):
    mode = forms.ChoiceField(
        label=_("What to do"),
        choices=[
            ("anonymise", _("Anonymise: keep the records, blank the person's data")),
            ("erase", _("Erase: delete contacts, interactions and consents; anonymise the rest")),
        ],
        widget=forms.RadioSelect,
        initial="anonymise",
    )
    reason = forms.CharField(
        label=_("Reason"),
        max_length=500,
        help_text=_("For example: the person's request of 2026-12-01 by e-mail."),
        error_messages={"required": _("Say why, for example the person's request and its date.")},
    )
