"""Every write in sales goes through one of these services."""

from guanxi.sales.services.activities import (
    activity_complete,
    activity_create,
    activity_delete,
    activity_update,
    calendar_feed_create,
    calendar_feed_revoke,
    send_due_reminders,
)
from guanxi.sales.services.assignment import apply_assignment_rule, assignment_rule_save
from guanxi.sales.services.leads import RateLimited, lead_form_save, lead_submit
from guanxi.sales.services.opportunities import (
    StaleOpportunity,
    opportunity_assign,
    opportunity_create,
    opportunity_fail,
    opportunity_move,
    opportunity_succeed,
    opportunity_update,
    plan_step_create,
    plan_step_update,
)

__all__ = [
    "RateLimited",
    "StaleOpportunity",
    "activity_complete",
    "activity_create",
    "activity_delete",
    "activity_update",
    "apply_assignment_rule",
    "assignment_rule_save",
    "calendar_feed_create",
    "calendar_feed_revoke",
    "lead_form_save",
    "lead_submit",
    "opportunity_assign",
    "opportunity_create",
    "opportunity_fail",
    "opportunity_move",
    "opportunity_succeed",
    "opportunity_update",
    "plan_step_create",
    "plan_step_update",
    "send_due_reminders",
]
