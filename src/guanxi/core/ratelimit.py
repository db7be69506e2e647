"""Counters in the cache: a fixed window for public forms that anyone can post to, and the
count behind the sign-in lock (``accounts.signin``)."""

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest


class RateLimited(Exception):
    """Too many submissions from one address."""


def count_hit(key: str, *, window: int) -> int:
    """Count one more hit on ``key`` in a window of ``window`` seconds; the count so far."""
    cache.add(key, 0, window)
    try:
        return int(cache.incr(key))
    except ValueError:  # expired between add and incr
        cache.set(key, 1, window)
        return 1


def within_limit(key: str, *, limit: int, window: int) -> bool:
    """Count one more hit on ``key``; False once more than ``limit`` fall in ``window`` s."""
    return count_hit(f"ratelimit:{key}", window=window) <= limit


def client_address(request: HttpRequest | None) -> str:
    """The client's address: the peer's, or — when the peer is a proxy listed in
    ``TRUSTED_PROXIES`` — the nearest address before the trusted proxies in X-Forwarded-For."""
    meta = request.META if request is not None else {}
    peer = str(meta.get("REMOTE_ADDR") or "unknown")
    trusted = set(settings.TRUSTED_PROXIES)
    if peer not in trusted:
        return peer
    forwarded = [part.strip() for part in str(meta.get("HTTP_X_FORWARDED_FOR", "")).split(",")]
    for address in reversed([part for part in forwarded if part]):
        if address not in trusted:
            return address
    return peer
