"""Every list answers ``{"items": [...], "count": N, "count_capped": bool}`` and takes ``page``
and ``page_size`` (most also ``ordering``): one shape, whatever the list."""

from typing import Any

from django.conf import settings
from django.db.models import F, QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Schema
from ninja.pagination import PaginationBase

from guanxi.core.errors import field_error

# Beyond this a page's offset would not fit the database's integers (and no one pages so far).
MAX_PAGE = 1_000_000


class PageNumberPagination(PaginationBase):
    class Input(Schema):
        page: int = Field(1, ge=1, le=MAX_PAGE, description="Page number, from 1.")
        page_size: int = Field(
            settings.API_PAGE_SIZE,
            ge=1,
            le=settings.API_MAX_PAGE_SIZE,
            description=f"Items a page, at most {settings.API_MAX_PAGE_SIZE}.",
        )

    class Output(Schema):
        items: list[Any]
        count: int = Field(..., description="Matching items; exact unless count_capped.")
        count_capped: bool = Field(
            False, description="True when more items match than were counted (see count)."
        )

    # Counting every match of a broad search over millions of rows costs more than the page;
    # lists that can grow that large count up to this many (None: always exact).
    count_cap: int | None = None

    def paginate_queryset(
        self, queryset: QuerySet | list[Any], pagination: Input, request: HttpRequest, **params: Any
    ) -> dict[str, Any]:
        offset = (pagination.page - 1) * pagination.page_size
        count, capped = capped_count(queryset, self.count_cap)
        return {
            "items": list(queryset[offset : offset + pagination.page_size]),
            "count": count,
            "count_capped": capped,
        }


class CappedPageNumberPagination(PageNumberPagination):
    @property
    def count_cap(self) -> int | None:  # type: ignore[override]
        return int(settings.API_COUNT_CAP)


def capped_count(queryset: QuerySet | list[Any], cap: int | None) -> tuple[int, bool]:
    """The number of rows, counting no further than ``cap`` (and whether it stopped there)."""
    if isinstance(queryset, list):
        return len(queryset), False
    if cap is None:
        return queryset.count(), False
    # A sliced count is COUNT(*) over a LIMIT subquery: the scan stops at cap + 1 rows.
    count = queryset.order_by()[: cap + 1].count()
    return min(count, cap), count > cap


def apply_ordering(
    queryset: QuerySet,
    ordering: str | None,
    allowed: dict[str, str],
    default: str,
    nulls_last: frozenset[str] = frozenset(),
) -> QuerySet:
    """Order by a comma-separated list of public field names, each optionally with ``-``.

    ``allowed`` maps public names to model lookups, so only indexed sorts are offered. Names in
    ``nulls_last`` put empty values last either way (SQLite would put them first).
    """
    terms = [term.strip() for term in (ordering or default).split(",") if term.strip()]
    lookups: list[Any] = []
    for term in terms:
        name = term.removeprefix("-")
        if name not in allowed:
            raise field_error(
                "ordering",
                _("Cannot sort by “%(name)s”. Choose from: %(choices)s.")
                % {"name": name, "choices": ", ".join(sorted(allowed))},
            )
        if name in nulls_last:
            field = F(allowed[name])
            descending = term.startswith("-")
            lookups.append(
                field.desc(nulls_last=True) if descending else field.asc(nulls_last=True)
            )
        else:
            lookups.append(("-" if term.startswith("-") else "") + allowed[name])
    # A unique last key keeps pages stable when the sort key has ties.
    return queryset.order_by(*lookups, "pk")
