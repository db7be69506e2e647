from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from guanxi.catalog.models import Product
from guanxi.core.forms import DateInput
from guanxi.orders.models import Order


class OrderForm(forms.Form):
    customer_code = forms.CharField(label=_("Customer code"), max_length=32)
    order_date = forms.DateField(
        label=_("Order date"), widget=DateInput, initial=timezone.localdate
    )
    status = forms.ChoiceField(label=_("Status"), choices=Order.Status.choices, initial="confirmed")
    delivery_address = forms.CharField(label=_("Delivery address"), required=False, max_length=300)
    notes = forms.CharField(
        label=_("Notes"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class LineForm(forms.Form):
    product = forms.ModelChoiceField(
        label=_("Product"),
        queryset=Product.objects.filter(active=True),
        required=False,
        empty_label="—",
    )
    description = forms.CharField(label=_("Description"), required=False, max_length=200)
    quantity = forms.DecimalField(label=_("Quantity"), decimal_places=2, required=False)
    unit_price = forms.DecimalField(label=_("Unit price"), decimal_places=2, required=False)

    def is_blank(self) -> bool:
        data: dict[str, Any] = getattr(self, "cleaned_data", {})
        return not any(data.get(name) not in (None, "") for name in self.fields)


LineFormSet = forms.formset_factory(LineForm, extra=1, max_num=100)
