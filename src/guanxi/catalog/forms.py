from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from guanxi.catalog.models import Product, Warehouse
from guanxi.core.forms import active_filter_field


class ProductFilterForm(forms.Form):
    q = forms.CharField(
        label=_("Search"),
        required=False,
        widget=forms.TextInput(attrs={"placeholder": _("Code, name or model"), "type": "search"}),
    )
    active = active_filter_field()

    def selector_filters(self) -> dict[str, Any]:
        data = self.cleaned_data if self.is_valid() else {}
        return {"q": data.get("q", ""), "active": data.get("active")}


class ProductForm(forms.ModelForm):
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

    def validate_unique(self) -> None:
        """Uniqueness is the service's to check, with its own message."""


class WarehouseForm(forms.ModelForm):
    class Meta:
        model = Warehouse
        fields = ["code", "name", "address"]

    def validate_unique(self) -> None:
        """Uniqueness is the service's to check, with its own message."""


class StockFilterForm(forms.Form):
    q = forms.CharField(
        label=_("Search"),
        required=False,
        widget=forms.TextInput(
            attrs={"placeholder": _("Product or bin location"), "type": "search"}
        ),
    )
    warehouse = forms.ModelChoiceField(
        label=_("Warehouse"),
        queryset=Warehouse.objects.all(),
        required=False,
        empty_label=_("All warehouses"),
    )
    location = forms.CharField(label=_("Bin location starts with"), required=False)
    below = forms.DecimalField(label=_("Quantity below"), required=False, min_value=0)

    def selector_filters(self) -> dict[str, Any]:
        data = self.cleaned_data if self.is_valid() else {}
        warehouse = data.get("warehouse")
        below = data.get("below")
        return {
            "q": data.get("q", ""),
            "warehouse_id": warehouse.pk if warehouse else None,
            "location": data.get("location", ""),
            "below": float(below) if below is not None else None,
        }


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
