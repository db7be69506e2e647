"""The analytics settings: churn months, value tiers, the CLV horizon and discount rate, the
lifecycle rule's thresholds."""

from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import transaction
from django.utils.translation import gettext as _

from guanxi.accounts.models import User
from guanxi.analytics.models import AnalyticsSettings
from guanxi.core.audit import audit_update, snapshot
from guanxi.core.errors import field_error, require_perm, require_write

FIELDS = (
    "churn_months",
    "high_value_spend",
    "medium_value_spend",
    "clv_horizon_weeks",
    "monthly_discount_rate",
    "lifecycle_new_months",
    "lifecycle_growth_percent",
    "lifecycle_decline_percent",
)


def _limits(name: str) -> tuple[int, int] | None:
    """A whole-number setting's bounds, as its model field's validators give them."""
    field = AnalyticsSettings._meta.get_field(name)
    bounds = {
        type(v): v.limit_value
        for v in field.validators  # type: ignore[union-attr]
        if isinstance(v, MinValueValidator | MaxValueValidator)
    }
    if MinValueValidator in bounds and MaxValueValidator in bounds:
        return int(bounds[MinValueValidator]), int(bounds[MaxValueValidator])
    return None


LIMITS = {name: limits for name in FIELDS if (limits := _limits(name))}


def _number(field: str, value: Any) -> Decimal:
    try:
        number = Decimal(str(value))
    except (InvalidOperation, ValueError):
        raise field_error(field, _("Enter a number.")) from None
    if not number.is_finite():
        raise field_error(field, _("Enter a number."))
    return number


@transaction.atomic
def analytics_settings_update(*, actor: User, **values: Any) -> AnalyticsSettings:
    require_perm(actor, "analytics.refresh_analytics")
    require_write(actor)
    config = AnalyticsSettings.objects.select_for_update().get(pk=AnalyticsSettings.load().pk)
    before = snapshot(config, FIELDS)
    errors: dict[str, list[str]] = {}
    for field, value in values.items():
        if field not in FIELDS or value is None:
            continue
        try:
            number = _number(field, value)
            if field in LIMITS:
                low, high = LIMITS[field]
                if number != int(number) or not low <= number <= high:
                    raise field_error(
                        field,
                        _("Choose a whole number from %(low)s to %(high)s.")
                        % {"low": low, "high": high},
                    )
                setattr(config, field, int(number))
                continue
            if field == "monthly_discount_rate" and not 0 <= number < 1:
                raise field_error(field, _("A monthly rate from 0 to below 1, e.g. 0.01."))
            if field != "monthly_discount_rate" and not 0 <= number < Decimal("1e12"):
                raise field_error(field, _("Enter an amount from 0 to below a trillion."))
            setattr(config, field, number)
        except ValidationError as error:
            errors.update(error.message_dict)
    if not errors and config.high_value_spend <= config.medium_value_spend:
        errors["high_value_spend"] = [_("High value must start above medium value.")]
    if errors:
        raise ValidationError(errors)
    config.save()
    audit_update(actor=actor, instance=config, before=before)
    return config
