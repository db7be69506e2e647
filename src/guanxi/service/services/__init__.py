"""Every write in the service desk goes through one of these services."""

from guanxi.core.ratelimit import RateLimited
from guanxi.service.services.callbacks import callback_complete, update_customer_satisfaction
from guanxi.service.services.requests import (
    attachment_add,
    service_request_archive,
    service_request_assign,
    service_request_comment,
    service_request_create,
    service_request_feedback,
    service_request_handle,
    service_request_pause,
    service_request_reply_resend,
    service_request_resume,
    service_request_update,
)
from guanxi.service.services.setup import (
    business_calendar_save,
    calendar_day_delete,
    calendar_day_save,
    intake_form_save,
    intake_submit,
    service_settings_save,
    sla_policy_save,
)
from guanxi.service.services.sla import sla_sweep

__all__ = [
    "RateLimited",
    "attachment_add",
    "business_calendar_save",
    "calendar_day_delete",
    "calendar_day_save",
    "callback_complete",
    "intake_form_save",
    "intake_submit",
    "service_request_archive",
    "service_request_assign",
    "service_request_comment",
    "service_request_create",
    "service_request_feedback",
    "service_request_handle",
    "service_request_pause",
    "service_request_reply_resend",
    "service_request_resume",
    "service_request_update",
    "service_settings_save",
    "sla_policy_save",
    "sla_sweep",
    "update_customer_satisfaction",
]
