"""Paging for lists that can hold millions of rows."""

from django.conf import settings
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.utils.functional import cached_property

from guanxi.api.pagination import capped_count


class CappedPaginator(Paginator):
    """Counts no further than ``API_COUNT_CAP`` rows; ``capped`` tells when it stopped there.

    Works under django-tables2, whose rows wrap the queryset.
    """

    capped = False

    @cached_property
    def count(self) -> int:
        queryset = getattr(getattr(self.object_list, "data", None), "data", self.object_list)
        if isinstance(queryset, QuerySet):
            count, self.capped = capped_count(queryset, settings.API_COUNT_CAP)
            return count
        return super().count
