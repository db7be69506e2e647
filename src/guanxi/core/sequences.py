"""Generated record numbers: a block of numbers per call, so bulk imports take one row lock."""

from django.db import transaction
from django.db.models import F

from guanxi.core.models import Sequence


def next_numbers(name: str, count: int = 1) -> range:
    """Reserve ``count`` consecutive numbers of the sequence ``name`` (created at 0)."""
    with transaction.atomic():
        Sequence.objects.get_or_create(name=name)
        Sequence.objects.filter(name=name).update(last=F("last") + count)
        last = Sequence.objects.get(name=name).last
    return range(last - count + 1, last + 1)


def bump_to(name: str, at_least: int) -> None:
    """Move the sequence past numbers that were given explicitly (imported codes)."""
    with transaction.atomic():
        Sequence.objects.get_or_create(name=name)
        Sequence.objects.filter(name=name, last__lt=at_least).update(last=at_least)
