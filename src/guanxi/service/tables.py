import django_tables2 as tables
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from guanxi.core.dictionary import DictionaryLookup
from guanxi.service.models import Callback, ServiceRequest

STATUS_BADGES = {
    "created": "text-bg-warning",
    "assigned": "text-bg-info",
    "handled": "text-bg-primary",
    "archived": "text-bg-secondary",
}
SLA_BADGES = {
    "on_track": "text-bg-success",
    "at_risk": "text-bg-warning",
    "breached": "text-bg-danger",
    "paused": "text-bg-secondary",
}
PRIORITY_BADGES = {"urgent": "text-bg-danger", "high": "text-bg-warning"}


def sla_badge(state: str) -> str:
    return format_html(
        '<span class="badge {}" data-sla="{}">{}</span>',
        SLA_BADGES.get(state, "text-bg-light"),
        state,
        ServiceRequest.SlaState(state).label,
    )


class RequestTable(tables.Table):
    number = tables.Column(verbose_name=_("Number"), linkify=True)
    summary = tables.Column(verbose_name=_("Summary"), orderable=False)
    customer = tables.Column(verbose_name=_("Customer"), orderable=False, default="—")
    service_type = tables.Column(verbose_name=_("Type"))
    priority = tables.Column(verbose_name=_("Priority"))
    status = tables.Column(verbose_name=_("Status"))
    sla = tables.Column(verbose_name=_("SLA"), orderable=False, empty_values=())
    next_due_at = tables.Column(verbose_name=_("Due"), empty_values=())
    assignee = tables.Column(verbose_name=_("Assigned to"), orderable=False, default="—")
    received_at = tables.DateTimeColumn(verbose_name=_("Received"), format="Y-m-d H:i")

    class Meta:
        model = ServiceRequest
        # The clock first: it is what a queue is worked by (and what a phone shows).
        fields = [
            "number",
            "sla",
            "next_due_at",
            "summary",
            "customer",
            "service_type",
            "priority",
            "status",
            "assignee",
            "received_at",
        ]
        sequence = fields
        attrs = {"class": "table table-hover align-middle text-nowrap", "id": "request-table"}
        empty_text = _("No service requests match.")

    def __init__(self, *args, **kwargs) -> None:  # type: ignore[no-untyped-def]
        super().__init__(*args, **kwargs)
        self.lookup = DictionaryLookup()

    def render_summary(self, value: str) -> str:
        return value if len(value) <= 36 else value[:35] + "…"

    def render_customer(self, record: ServiceRequest) -> str:
        if record.customer is None:
            return record.requester_name or "—"
        name = record.customer.name
        return name if len(name) <= 18 else name[:17] + "…"

    def render_service_type(self, value: str) -> str:
        return self.lookup.label("service_type", value)

    def render_priority(self, record: ServiceRequest) -> str:
        return format_html(
            '<span class="badge {}">{}</span>',
            PRIORITY_BADGES.get(record.priority, "text-bg-light"),
            record.get_priority_display(),
        )

    def render_status(self, record: ServiceRequest) -> str:
        return format_html(
            '<span class="badge {}">{}</span>',
            STATUS_BADGES.get(record.status, "text-bg-light"),
            record.get_status_display(),
        )

    def render_sla(self, record: ServiceRequest) -> str:
        return sla_badge(getattr(record, "sla", None) or record.sla_state())

    def render_next_due_at(self, record: ServiceRequest) -> str:
        if record.next_due_at is None:
            return "—"
        due = timezone.localtime(record.next_due_at)
        return due.strftime("%m-%d %H:%M")


CALLBACK_BADGES = {"pending": "text-bg-warning", "done": "text-bg-success"}


class CallbackTable(tables.Table):
    due_date = tables.DateColumn(verbose_name=_("Due"), format="Y-m-d")
    request = tables.Column(verbose_name=_("Request"), orderable=False)
    customer = tables.Column(verbose_name=_("Customer"), orderable=False, empty_values=())
    assignee = tables.Column(verbose_name=_("Assigned to"), orderable=False, default="—")
    status = tables.Column(verbose_name=_("Status"))
    score = tables.Column(verbose_name=_("Score"), attrs={"td": {"class": "text-end"}})
    action = tables.Column(verbose_name="", orderable=False, empty_values=())

    class Meta:
        attrs = {"class": "table table-hover align-middle text-nowrap", "id": "callback-table"}
        empty_text = _("No callbacks here.")

    def __init__(self, *args, may_call: bool = False, **kwargs) -> None:  # type: ignore[no-untyped-def]
        super().__init__(*args, **kwargs)
        self.may_call = may_call

    def render_request(self, record: Callback) -> str:
        summary = record.request.summary
        return format_html(
            '<a href="{}">{}</a> <span class="text-body-secondary">{}</span>',
            record.request.get_absolute_url(),
            record.request.number,
            summary if len(summary) <= 30 else summary[:29] + "…",
        )

    def render_customer(self, record: Callback) -> str:
        name = record.customer.name if record.customer else record.request.requester_name
        return (name or "—")[:20]

    def render_assignee(self, value: object) -> str:
        return getattr(value, "display_name", str(value))

    def render_status(self, record: Callback) -> str:
        return format_html(
            '<span class="badge {}">{}</span>',
            CALLBACK_BADGES.get(record.status, "text-bg-secondary"),
            record.get_status_display(),
        )

    def render_action(self, record: Callback) -> str:
        if record.status != Callback.Status.PENDING or not self.may_call:
            return ""
        return format_html(
            '<a class="btn btn-sm btn-outline-primary" href="{}">{}</a>',
            record.get_absolute_url(),
            _("Call back"),
        )
