"""The analytics' filters on the customer list: RFM segment, value tier, churn risk."""

import django_filters
from django.utils.translation import gettext_lazy as _

from guanxi.analytics.models import CustomerScore
from guanxi.customers.filters import register_filter


def register() -> None:
    register_filter(
        "segment",
        django_filters.ChoiceFilter(
            label=_("RFM segment"),
            field_name="score__segment",
            choices=CustomerScore.Segment.choices,
            empty_label=_("All segments"),
        ),
    )
    register_filter(
        "value_tier",
        django_filters.ChoiceFilter(
            label=_("Value tier"),
            field_name="score__value_tier",
            choices=CustomerScore.ValueTier.choices,
            empty_label=_("All tiers"),
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
