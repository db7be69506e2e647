"""Callbacks (回访): the questionnaire's answers, and the customer's satisfaction they update."""

from datetime import timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Avg
from django.utils import timezone
from django.utils.translation import gettext as _

from guanxi.accounts.models import User
from guanxi.core import validators
from guanxi.core.audit import audit_update, snapshot
from guanxi.core.errors import field_error, require_perm, require_write
from guanxi.customers.models import Customer
from guanxi.service.models import Callback, mean_score
from guanxi.service.selectors import callback_for_update
from guanxi.service.services.requests import clean_score

# The customer's satisfaction is the mean callback score of this many days.
SATISFACTION_WINDOW = timedelta(days=365)


def satisfaction_code(average: float) -> str:
    """A mean score as the satisfaction dictionary's code, "1" to "5" (halves round up)."""
    return str(min(5, max(1, int(average + 0.5))))


def update_customer_satisfaction(customer: Customer, actor: User | None) -> str:
    """Set the customer's satisfaction (dictionary code "1"–"5") from recent callbacks."""
    since = timezone.now() - SATISFACTION_WINDOW
    average = Callback.objects.filter(
        customer=customer, status=Callback.Status.DONE, done_at__gte=since
    ).aggregate(value=Avg("score"))["value"]
    if average is None:
        return customer.satisfaction
    code = satisfaction_code(float(average))
    if code != customer.satisfaction:
        before = snapshot(customer, ["satisfaction"])
        customer.satisfaction = code
        customer.save(update_fields=["satisfaction", "updated_at"])
        audit_update(actor=actor, instance=customer, before=before)
    return code


@transaction.atomic
def callback_complete(
    *,
    actor: User,
    callback: Callback,
    reached: bool = True,
    attitude: Any = None,
    efficiency: Any = None,
    information: Any = None,
    resolved: bool | None = None,
    comment: str = "",
) -> Callback:
    """Record the call: the three core questions scored 1–5, or that nobody answered."""
    require_perm(actor, "service.change_callback")
    require_write(actor)
    locked = callback_for_update(actor=actor, pk=callback.pk)
    if locked.status != Callback.Status.PENDING:
        raise field_error("status", _("This callback was already recorded."))
    now = timezone.now()
    locked.comment = validators.clean_text(comment)
    locked.done_at, locked.done_by = now, actor
    if not reached:
        locked.status = Callback.Status.UNREACHABLE
        locked.save()
        return locked
    errors: dict[str, list[str]] = {}
    answers = {"attitude": attitude, "efficiency": efficiency, "information": information}
    for field, value in answers.items():
        try:
            setattr(locked, field, clean_score(field, value))
        except ValidationError as error:  # every field's problem at once
            errors.update(error.message_dict)
    if errors:
        raise ValidationError(errors)
    locked.resolved = resolved
    locked.score = mean_score(locked.attitude, locked.efficiency, locked.information)
    locked.status = Callback.Status.DONE
    locked.save()
    if locked.customer is not None:
        update_customer_satisfaction(locked.customer, actor)
    return locked
