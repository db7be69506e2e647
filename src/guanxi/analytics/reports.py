"""The SPEC's four reports (统计报表): contribution, composition, service, churn.

Each report reads in the viewer's data scope, takes the same filters (a year or a period, a
region, an account manager), and gives a table (a queryset or a list of rows, paginated by the
page and streamed whole by the export) and the data for its chart.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import connection, transaction
from django.db.models import Avg, Count, Q, QuerySet, Sum
from django.db.models.functions import TruncMonth
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from guanxi.accounts.models import User
from guanxi.analytics.models import ChurnWarning
from guanxi.analytics.selectors import visible_churn_warnings
from guanxi.core.dates import Period
from guanxi.core.dictionary import DictionaryLookup
from guanxi.core.errors import require_perm
from guanxi.customers.models import Customer
from guanxi.customers.selectors import visible_customers
from guanxi.orders.models import Order
from guanxi.orders.selectors import order_list
from guanxi.service.selectors import visible_requests

CENT = Decimal("0.01")


@dataclass
class ReportFilters:
    period: Period
    region: str = ""
    manager: int | None = None

    @classmethod
    def for_year(cls, year: int, **values: Any) -> ReportFilters:
        return cls(Period(dt.date(year, 1, 1), dt.date(year, 12, 31)), **values)

    def customer_q(self, prefix: str = "") -> Q:
        """The region and manager filters on a customer reached through ``prefix``."""
        q = Q()
        if self.region:
            q &= Q(**{f"{prefix}region": self.region})
        if self.manager is not None:
            q &= Q(**{f"{prefix}account_manager_id": self.manager})
        return q


@dataclass
class Column:
    key: str
    label: str | Promise
    numeric: bool = False


@dataclass
class ReportResult:
    rows: Any  # a list of rows, or _Rows: a queryset read a page (or a chunk) at a time
    # The chart's data, or a function giving it (called after the page is read, so a chart of
    # the first rows reuses them).
    chart: dict[str, Any] | Callable[[], dict[str, Any]]
    totals: dict[str, Any] | Callable[[], dict[str, Any]] = field(default_factory=dict)

    def chart_data(self) -> dict[str, Any]:
        return self.chart() if callable(self.chart) else self.chart

    def totals_data(self) -> dict[str, Any]:
        return self.totals() if callable(self.totals) else self.totals


@dataclass
class Report:
    key: str
    title: str | Promise
    description: str | Promise
    permission: str
    columns: list[Column]
    run: Callable[[User, ReportFilters], ReportResult]

    def export_rows(self, result: ReportResult) -> Iterable[list[Any]]:
        for row in result.rows:
            yield [_plain(row.get(column.key)) for column in self.columns]


def _plain(value: Any) -> Any:
    return value.isoformat() if isinstance(value, dt.datetime | dt.date) else value


# --- Customer contribution (贡献分析) -----------------------------------------------------------


def contribution(actor: User, f: ReportFilters) -> ReportResult:
    """Order amount per customer in the period, largest first, with each one's share.

    Orders are grouped by customer id alone (one pass); the names, regions and managers are
    read for the rows shown or exported only.
    """

    orders = order_list(actor=actor).filter(
        f.customer_q("customer__"),
        status__in=Order.SALE_STATUSES,
        order_date__gte=f.period.start,
        order_date__lte=f.period.end,
    )
    grouped = (
        orders.order_by().values("customer_id").annotate(orders=Count("pk"), amount=Sum("total"))
    )
    lookup = DictionaryLookup()
    rows = _RankedRows(grouped.order_by("-amount", "customer_id"), grouped)

    def enrich(batch: list[dict[str, Any]]) -> list[dict[str, Any]]:
        customers = (
            Customer.objects.filter(pk__in=[row["customer_id"] for row in batch])
            .select_related("account_manager")
            .in_bulk()
        )
        whole = rows.totals()["amount"]
        return [
            _contribution_row(row, customers[row["customer_id"]], whole, lookup) for row in batch
        ]

    rows.enrich = enrich

    def chart() -> dict[str, Any]:
        top = rows[0:10]
        return {
            "categories": [row["name"] for row in top],
            "amounts": [float(row["amount"]) for row in top],
            "shares": [row["share"] for row in top],
        }

    return ReportResult(rows=rows, chart=chart, totals=rows.totals)


def _contribution_row(
    row: dict[str, Any], customer: Customer, whole: Decimal, lookup: DictionaryLookup
) -> dict[str, Any]:
    manager = customer.account_manager
    return {
        "customer_id": customer.pk,
        "code": customer.code,
        "name": customer.name,
        "region": lookup.label("region", customer.region),
        "manager": manager.display_name if manager else "",
        "orders": row["orders"],
        "amount": Decimal(row["amount"]).quantize(CENT),
        "share": round(float(row["amount"] / whole * 100), 2) if whole else 0.0,
    }


class _Rows:
    """A queryset read a page (or an export chunk) at a time, each batch turned into report rows
    by ``enrich`` with one more query at most; every page read is kept (the first one also
    feeds the chart)."""

    def __init__(
        self, queryset: QuerySet, enrich: Callable[[list[Any]], list[dict[str, Any]]]
    ) -> None:
        self.queryset = queryset
        self.enrich = enrich
        self._count: int | None = None
        self._reads: list[tuple[int, list[dict[str, Any]]]] = []

    def count(self) -> int:
        if self._count is None:
            self._count = self.queryset.count()
        return self._count

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, index: slice) -> list[dict[str, Any]]:
        start, stop = index.start or 0, index.stop
        for first, kept in self._reads:
            if first <= start and stop is not None and stop <= first + len(kept):
                return kept[start - first : stop - first]
        rows = self._fetch(start, stop)
        self._reads.append((start, rows))
        return rows

    def _fetch(self, start: int, stop: int | None) -> list[dict[str, Any]]:
        return self.enrich(list(self.queryset[start:stop]))

    def __iter__(self) -> Iterator[dict[str, Any]]:
        batch: list[Any] = []
        for row in self.queryset.iterator(chunk_size=2000):
            batch.append(row)
            if len(batch) == 2000:
                yield from self.enrich(batch)
                batch = []
        if batch:
            yield from self.enrich(batch)


class _RankedRows(_Rows):
    """Customers' grouped orders, largest amount first, each page read in one pass over the
    orders that also counts and sums every group (window functions over the groups): the
    paginator's count and the report's totals cost no pass of their own."""

    # The page most views ask for first; a different one costs a second pass.
    PROBE = 50

    def __init__(self, ordered: QuerySet, grouped: QuerySet) -> None:
        super().__init__(ordered, lambda batch: batch)
        self.grouped = grouped
        self._totals: dict[str, Any] | None = None

    def count(self) -> int:
        if self._count is None:
            self[0 : self.PROBE]
        return self._count or 0

    def totals(self) -> dict[str, Any]:
        if self._totals is None:
            self.count()
        assert self._totals is not None
        return self._totals

    def _fetch(self, start: int, stop: int | None) -> list[dict[str, Any]]:
        sql, params = self.grouped.query.sql_with_params()
        limit = max(0, (stop if stop is not None else start + self.PROBE) - start)
        with transaction.atomic(), connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                # Compiling this query costs PostgreSQL's JIT about a second; it saves nothing.
                cursor.execute("SET LOCAL jit = off")
            cursor.execute(
                f"""SELECT g.customer_id, g.orders, g.amount, COUNT(*) OVER (),
                           SUM(g.orders) OVER (), SUM(g.amount) OVER ()
                    FROM ({sql}) g ORDER BY g.amount DESC, g.customer_id
                    LIMIT {int(limit)} OFFSET {int(start)}""",
                params,
            )
            found = cursor.fetchall()
        if found:
            self._count = found[0][3]
            self._totals = {
                "amount": Decimal(found[0][5]).quantize(CENT),
                "orders": int(found[0][4]),
                "customers": found[0][3],
            }
        elif self._totals is None:  # nothing here (no orders, or past the last page)
            sums = self.grouped.aggregate(
                customers=Count("customer_id"), orders=Sum("orders"), amount=Sum("amount")
            )
            self._count = sums["customers"]
            self._totals = {
                "amount": Decimal(sums["amount"] or 0).quantize(CENT),
                "orders": int(sums["orders"] or 0),
                "customers": sums["customers"],
            }
        return self.enrich(
            [{"customer_id": row[0], "orders": row[1], "amount": row[2]} for row in found]
        )


# --- Customer composition (构成分析) ------------------------------------------------------------

COMPOSITION = [
    ("level", "customer_level", gettext_lazy("Level")),
    ("credit_rating", "credit_rating", gettext_lazy("Credit rating")),
    ("satisfaction", "satisfaction", gettext_lazy("Satisfaction")),
]


def composition(actor: User, f: ReportFilters) -> ReportResult:
    """Customers on the books at the end of the period, counted by level, credit, satisfaction."""
    customers = visible_customers(actor).filter(
        f.customer_q(), archived_at__isnull=True, created_at__lt=f.period.end_at
    )
    lookup = DictionaryLookup()
    rows: list[dict[str, Any]] = []
    chart: dict[str, Any] = {"groups": []}
    total = customers.count()
    for field_name, category, label in COMPOSITION:
        counts = {
            row[field_name]: row["n"]
            for row in customers.order_by().values(field_name).annotate(n=Count("pk"))
        }
        group = []
        for code, item_label in [*lookup.choices(category), ("", _("Not set"))]:
            count = counts.pop(code, 0)
            if count:
                group.append({"name": str(item_label), "value": count})
        for code, count in counts.items():  # codes no longer in the dictionary
            group.append({"name": code, "value": count})
        for item in group:
            rows.append(
                {
                    "dimension": str(label),
                    "value": item["name"],
                    "customers": item["value"],
                    "share": round(item["value"] / total * 100, 1) if total else 0.0,
                }
            )
        chart["groups"].append({"title": str(label), "data": group})
    return ReportResult(rows=rows, chart=chart, totals={"customers": total})


# --- Service analysis (服务分析) ----------------------------------------------------------------


def service(actor: User, f: ReportFilters) -> ReportResult:
    """Requests received in the period by month and type, with complaints and satisfaction."""

    requests = visible_requests(actor).filter(
        f.customer_q("customer__"),
        received_at__gte=f.period.start_at,
        received_at__lt=f.period.end_at,
    )
    lookup = DictionaryLookup()
    grouped = (
        requests.annotate(month=TruncMonth("received_at", tzinfo=timezone.get_current_timezone()))
        .values("month", "service_type")
        .annotate(
            requests=Count("pk"),
            closed=Count("pk", filter=Q(status__in=["handled", "archived"])),
            first_response=Avg("first_response_minutes"),
            satisfaction=Avg("satisfaction"),
        )
        .order_by("month", "service_type")
    )
    rows = [
        {
            "month": row["month"].strftime("%Y-%m"),
            "type": lookup.label("service_type", row["service_type"]),
            "requests": row["requests"],
            "closed": row["closed"],
            "first_response_hours": round(row["first_response"] / 60, 1)
            if row["first_response"] is not None
            else None,
            "satisfaction": round(float(row["satisfaction"]), 2)
            if row["satisfaction"] is not None
            else None,
        }
        for row in grouped
    ]
    months = sorted({row["month"] for row in rows})
    types = sorted({row["type"] for row in rows})
    counts = {(row["month"], row["type"]): row["requests"] for row in rows}
    return ReportResult(
        rows=rows,
        chart={
            "months": months,
            "series": [
                {"name": kind, "data": [counts.get((month, kind), 0) for month in months]}
                for kind in types
            ],
        },
        totals={"requests": sum(row["requests"] for row in rows)},
    )


# --- Churn analysis (流失分析) ------------------------------------------------------------------


def churn(actor: User, f: ReportFilters) -> ReportResult:
    """Churn confirmed in the period: customer, manager, reason; by reason and by year."""
    confirmed = visible_churn_warnings(actor).filter(
        f.customer_q("customer__"), status=ChurnWarning.Status.CHURNED
    )
    in_period = confirmed.filter(closed_at__gte=f.period.start_at, closed_at__lt=f.period.end_at)
    lookup = DictionaryLookup()
    listed = in_period.select_related("customer__account_manager").order_by("-closed_at", "-id")

    def convert(warning: ChurnWarning) -> dict[str, Any]:
        customer, manager = warning.customer, warning.customer.account_manager
        return {
            "customer_id": customer.pk,
            "code": customer.code,
            "name": customer.name,
            "region": lookup.label("region", customer.region),
            "manager": manager.display_name if manager else "",
            "reason": lookup.label("churn_reason", warning.reason),
            "last_order_date": warning.last_order_date,
            "confirmed": timezone.localdate(warning.closed_at),
            "won_back": timezone.localdate(warning.won_back_at) if warning.won_back_at else None,
        }

    reasons = [
        {"name": lookup.label("churn_reason", row["reason"]), "value": row["n"]}
        for row in in_period.order_by().values("reason").annotate(n=Count("pk")).order_by("-n")
    ]
    years = [
        {"year": row["closed_at__year"], "churned": row["n"]}
        for row in confirmed.order_by()
        .values("closed_at__year")
        .annotate(n=Count("pk"))
        .order_by("closed_at__year")
    ]
    return ReportResult(
        rows=_Rows(listed, lambda batch: [convert(row) for row in batch]),
        chart={"reasons": reasons, "years": years},
        totals={"churned": sum(item["value"] for item in reasons)},
    )


REPORTS = {
    report.key: report
    for report in [
        Report(
            "contribution",
            gettext_lazy("Customer contribution"),
            gettext_lazy("Order amount by customer in the period, largest first (贡献分析)."),
            "orders.view_order",
            [
                Column("code", gettext_lazy("Code")),
                Column("name", gettext_lazy("Customer")),
                Column("region", gettext_lazy("Region")),
                Column("manager", gettext_lazy("Account manager")),
                Column("orders", gettext_lazy("Orders"), numeric=True),
                Column("amount", gettext_lazy("Amount"), numeric=True),
                Column("share", gettext_lazy("Share %"), numeric=True),
            ],
            contribution,
        ),
        Report(
            "composition",
            gettext_lazy("Customer composition"),
            gettext_lazy(
                "Customers at the end of the period by level, credit rating and satisfaction "
                "(构成分析)."
            ),
            "customers.view_customer",
            [
                Column("dimension", gettext_lazy("By")),
                Column("value", gettext_lazy("Value")),
                Column("customers", gettext_lazy("Customers"), numeric=True),
                Column("share", gettext_lazy("Share %"), numeric=True),
            ],
            composition,
        ),
        Report(
            "service",
            gettext_lazy("Service analysis"),
            gettext_lazy("Service requests by month and type (服务分析)."),
            "service.view_servicerequest",
            [
                Column("month", gettext_lazy("Month")),
                Column("type", gettext_lazy("Type")),
                Column("requests", gettext_lazy("Requests"), numeric=True),
                Column("closed", gettext_lazy("Handled"), numeric=True),
                Column("first_response_hours", gettext_lazy("First response (h)"), numeric=True),
                Column("satisfaction", gettext_lazy("Satisfaction"), numeric=True),
            ],
            service,
        ),
        Report(
            "churn",
            gettext_lazy("Churn analysis"),
            gettext_lazy(
                "Customers whose churn was confirmed in the period, with the reason (流失分析)."
            ),
            "analytics.view_churnwarning",
            [
                Column("code", gettext_lazy("Code")),
                Column("name", gettext_lazy("Customer")),
                Column("region", gettext_lazy("Region")),
                Column("manager", gettext_lazy("Account manager")),
                Column("reason", gettext_lazy("Reason")),
                Column("last_order_date", gettext_lazy("Last order")),
                Column("confirmed", gettext_lazy("Churn confirmed")),
                Column("won_back", gettext_lazy("Won back")),
            ],
            churn,
        ),
    ]
}


def run_report(*, actor: User, key: str, filters: ReportFilters) -> tuple[Report, ReportResult]:
    """The report named ``key`` for ``actor``; 404-like KeyError for an unknown name."""
    report = REPORTS[key]
    require_perm(actor, "analytics.view_reports")
    if not actor.has_perm(report.permission):
        raise PermissionDenied(_("You may not see this report."))
    return report, report.run(actor, filters)
