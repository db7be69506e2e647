"""A fixed-window counter in the cache, for public forms that anyone can post to."""

from django.core.cache import cache
from django.http import HttpRequest


class RateLimited(Exception):
    """Too many submissions from one address."""


def within_limit(key: str, *, limit: int, window: int) -> bool:
    """Count one more hit on ``key``; False once more than ``limit`` fall in ``window`` s."""
    key = f"ratelimit:{key}"
    cache.add(key, 0, window)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, window)
        count = 1
    return count <= limit


def client_address(request: HttpRequest) -> str:
    """The visitor's address, the key public forms count submissions by."""
    return request.META.get("REMOTE_ADDR", "") or "unknown"
