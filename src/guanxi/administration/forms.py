"""The data dictionary's item form."""

from django import forms

from guanxi.core.models import DictItem


class DictItemForm(forms.ModelForm):
    class Meta:
        model = DictItem
        fields = ["code", "label_zh", "label_en", "order", "active"]
