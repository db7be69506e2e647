from typing import Any

import django_tables2 as tables
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from guanxi.core.dictionary import DictionaryLookup
from guanxi.customers.models import Customer
from guanxi.customers.selectors import communications_this_month, monthly_targets

STATUS_BADGES: dict[str, str] = {
    Customer.Status.NORMAL: "text-bg-success",
    Customer.Status.CHURN_WARNING: "text-bg-warning",
    Customer.Status.CHURNED: "text-bg-secondary",
}


def _by_score(queryset: Any, field: str, descending: bool) -> Any:
    sign = "-" if descending else ""
    return queryset.filter(**{f"{field}__isnull": False}).order_by(f"{sign}{field}", "pk")


class CustomerTable(tables.Table):
    select = tables.CheckBoxColumn(
        accessor="pk",
        attrs={
            "th__input": {"data-select-all": "customers"},
            "input": {"form": "bulk", "name": "customers"},
        },
    )
    code = tables.Column(verbose_name=_("Code"))
    name = tables.Column(verbose_name=_("Name"), linkify=True)
    level = tables.Column(verbose_name=_("Level"))
    region = tables.Column(verbose_name=_("Region"), orderable=False)
    account_manager = tables.Column(
        verbose_name=_("Account manager"), order_by=("account_manager__username",)
    )
    status = tables.Column(verbose_name=_("Status"), orderable=False)
    communications = tables.Column(
        verbose_name=_("Contacts this month"), accessor="pk", orderable=False
    )
    churn_risk = tables.Column(
        verbose_name=_("Churn risk"), accessor="score__churn_risk", default="—"
    )
    clv = tables.Column(verbose_name=_("CLV"), accessor="score__clv", default="—")
    created_at = tables.DateTimeColumn(verbose_name=_("Created"), format="Y-m-d")

    class Meta:
        model = Customer
        fields = [
            "select",
            "code",
            "name",
            "level",
            "region",
            "account_manager",
            "status",
            "communications",
            "churn_risk",
            "clv",
            "created_at",
        ]
        attrs = {"class": "table table-hover align-middle text-nowrap", "id": "customer-table"}
        empty_text = _("No customers match.")

    def __init__(self, *args: Any, lookup: DictionaryLookup, selectable: bool, **kwargs: Any):
        if not selectable:
            kwargs["exclude"] = ["select"]
        super().__init__(*args, **kwargs)
        self.lookup = lookup
        self._communications: dict[int, int] | None = None
        self._targets: dict[str, int] = {}

    def render_level(self, value: str) -> str:
        return self.lookup.label("customer_level", value)

    def render_region(self, value: str) -> str:
        return self.lookup.label("region", value)

    def render_account_manager(self, value: Any) -> str:
        return value.display_name

    def render_status(self, record: Customer) -> str:
        return format_html(
            '<span class="badge {}">{}</span>',
            STATUS_BADGES.get(record.status, "text-bg-light"),
            record.get_status_display(),
        )

    def render_churn_risk(self, value: int) -> str:
        badge = "text-bg-danger" if value >= 70 else "text-bg-warning" if value >= 40 else ""
        return format_html('<span class="badge {}">{}</span>', badge or "text-bg-light", value)

    def render_clv(self, value: Any) -> str:
        return f"¥{value:,.0f}"

    # Sorting by a score lists the scored customers (as the API does): the score's index
    # answers the page instead of a sort of every customer.
    def order_churn_risk(self, queryset: Any, is_descending: bool) -> tuple[Any, bool]:
        return _by_score(queryset, "score__churn_risk", is_descending), True

    def order_clv(self, queryset: Any, is_descending: bool) -> tuple[Any, bool]:
        return _by_score(queryset, "score__clv", is_descending), True

    def render_communications(self, value: int, record: Customer) -> str:
        if self._communications is None:
            # One query for the rows on this page and one for the targets, not one per row.
            ids = [row.record.pk for row in self.paginated_rows]
            self._communications = communications_this_month(ids)
            self._targets = monthly_targets()
        count = self._communications.get(value, 0)
        target = self._targets[record.level]
        if not target:  # no target for this level
            return format_html('<span class="badge text-bg-light">{}</span>', count)
        badge = "text-bg-success" if count >= target else "text-bg-light"
        return format_html('<span class="badge {}">{} / {}</span>', badge, count, target)
