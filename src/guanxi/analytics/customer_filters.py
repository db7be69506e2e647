"""The analytics' filters on the customer list: RFM segment, value tier, churn risk."""

import django_filters
from django.utils.translation import gettext_lazy as _

from guanxi.analytics.models import CustomerScore
from guanxi.customers.filters import register_filter


def register() -> None:
    for name, label, choices, empty in (
        ("segment", _("RFM segment"), CustomerScore.Segment.choices, _("All segments")),
        ("value_tier", _("Value tier"), CustomerScore.ValueTier.choices, _("All tiers")),
    ):
        register_filter(
            name,
            django_filters.ChoiceFilter(
                label=label, field_name=f"score__{name}", choices=choices, empty_label=empty
            ),
        )
    register_filter(
        "churn_risk_min",
        django_filters.NumberFilter(
            label=_("Churn risk at least"),
            field_name="score__churn_risk",
            lookup_expr="gte",
            min_value=0,
            max_value=100,
            error_messages={
                "min_value": _("Churn risk runs from 0 to 100."),
                "max_value": _("Churn risk runs from 0 to 100."),
            },
        ),
    )
