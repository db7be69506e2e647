from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from guanxi.catalog.models import Product, Warehouse
from guanxi.core.forms import ModelForm


class ProductForm(ModelForm):
    class Meta:
        model = Product
        fields = ["code", "name", "model", "grade", "unit", "price", "active", "notes"]
        widgets = {"notes": forms.Textarea(attrs={"rows": 3})}
        help_texts = {"code": _("Leave empty to number it automatically.")}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["code"].required = False
        if self.instance.pk:
            self.fields["code"].disabled = True


class WarehouseForm(forms.ModelForm):
    class Meta:
        model = Warehouse
        fields = ["code", "name", "address"]

    def validate_unique(self) -> None:
        """Uniqueness is the service's to check, with its own message."""


class StockAdjustForm(forms.Form):
    product = forms.ModelChoiceField(
        label=_("Product"), queryset=Product.objects.filter(active=True)
    )
    warehouse = forms.ModelChoiceField(label=_("Warehouse"), queryset=Warehouse.objects.all())
    location = forms.CharField(label=_("Bin location"), required=False, max_length=50)
    delta = forms.DecimalField(
        label=_("Change"),
        decimal_places=2,
        help_text=_("Positive to receive stock, negative to issue it."),
    )
    reason = forms.CharField(label=_("Reason"), required=False, max_length=200)
    notes = forms.CharField(
        label=_("Notes on this bin location"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Leave empty to keep the current notes."),
    )

    def service_values(self) -> dict[str, Any]:
        values = dict(self.cleaned_data)
        if not values.get("notes"):
            values.pop("notes", None)
        return values
