"""Lists answer ``{"items": [...], "count": N}`` and take ``page``, ``page_size``, ``ordering``."""

from typing import Any

from django.conf import settings
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Schema
from ninja.pagination import PaginationBase

from guanxi.core.errors import field_error


class PageNumberPagination(PaginationBase):
    class Input(Schema):
        page: int = Field(1, ge=1, description="Page number, from 1.")
        page_size: int = Field(
            settings.API_PAGE_SIZE,
            ge=1,
            le=settings.API_MAX_PAGE_SIZE,
            description=f"Items a page, at most {settings.API_MAX_PAGE_SIZE}.",
        )

    class Output(Schema):
        items: list[Any]
        count: int

    def paginate_queryset(
        self, queryset: QuerySet, pagination: Input, request: HttpRequest, **params: Any
    ) -> dict[str, Any]:
        offset = (pagination.page - 1) * pagination.page_size
        return {
            "items": list(queryset[offset : offset + pagination.page_size]),
            "count": self._items_count(queryset),
        }


def apply_ordering(
    queryset: QuerySet, ordering: str | None, allowed: dict[str, str], default: str
) -> QuerySet:
    """Order by a comma-separated list of public field names, each optionally with ``-``.

    ``allowed`` maps public names to model lookups, so only indexed sorts are offered.
    """
    terms = [term.strip() for term in (ordering or default).split(",") if term.strip()]
    lookups = []
    for term in terms:
        name = term.removeprefix("-")
        if name not in allowed:
            raise field_error(
                "ordering",
                _("Cannot sort by “%(name)s”. Choose from: %(choices)s.")
                % {"name": name, "choices": ", ".join(sorted(allowed))},
            )
        lookups.append(("-" if term.startswith("-") else "") + allowed[name])
    # A unique last key keeps pages stable when the sort key has ties.
    return queryset.order_by(*lookups, "pk")
