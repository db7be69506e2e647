import django_tables2 as tables
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from guanxi.sales.models import Opportunity

STATUS_BADGES = {
    "unassigned": "text-bg-warning",
    "assigned": "text-bg-info",
    "developing": "text-bg-primary",
    "success": "text-bg-success",
    "failed": "text-bg-secondary",
}


class OpportunityTable(tables.Table):
    number = tables.Column(verbose_name=_("Number"), linkify=True)
    customer_name = tables.Column(verbose_name=_("Customer name"))
    summary = tables.Column(verbose_name=_("Summary"), orderable=False)
    stage = tables.Column(verbose_name=_("Stage"), orderable=False)
    status = tables.Column(verbose_name=_("Status"))
    assignee = tables.Column(verbose_name=_("Assigned to"), orderable=False, default="—")
    amount = tables.Column(verbose_name=_("Amount"), attrs={"td": {"class": "text-end"}})
    probability = tables.Column(verbose_name=_("Probability"), attrs={"td": {"class": "text-end"}})
    expected_close = tables.DateColumn(verbose_name=_("Expected close"), format="Y-m-d")

    class Meta:
        model = Opportunity
        fields = [
            "number",
            "customer_name",
            "summary",
            "stage",
            "status",
            "assignee",
            "amount",
            "probability",
            "expected_close",
        ]
        attrs = {"class": "table table-hover align-middle text-nowrap", "id": "opportunity-table"}
        empty_text = _("No opportunities match.")

    def render_status(self, record: Opportunity) -> str:
        return format_html(
            '<span class="badge {}">{}</span>',
            STATUS_BADGES.get(record.status, "text-bg-light"),
            record.get_status_display(),
        )

    def render_amount(self, value: object) -> str:
        return f"¥{value:,.2f}"

    def render_probability(self, value: object) -> str:
        return f"{value}%"

    def render_summary(self, value: str) -> str:
        return value if len(value) <= 40 else value[:39] + "…"
