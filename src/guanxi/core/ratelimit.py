"""A fixed-window counter in the cache, for public forms that anyone can post to."""

from django.core.cache import cache


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
