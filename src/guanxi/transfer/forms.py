from django import forms
from django.utils.translation import gettext_lazy as _

from guanxi.transfer.kinds import KINDS


class ImportForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("What the file holds"),
        choices=[(name, kind.label) for name, kind in KINDS.items()],
    )
    file = forms.FileField(
        label=_("File"),
        help_text=_("CSV (UTF-8 or GB18030) or Excel .xlsx; the first row names the columns."),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.xlsx"}),
    )
    dry_run = forms.BooleanField(
        label=_("Dry run: check the file and count, but change nothing"), required=False
    )
    skip_bad_rows = forms.BooleanField(
        label=_("Skip bad rows and import the rest"),
        required=False,
        help_text=_("Otherwise one bad row means nothing is imported."),
    )
    create_missing_customers = forms.BooleanField(
        label=_("Orders: create customers whose code is unknown"), required=False
    )
