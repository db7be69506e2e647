"""Signing in with a password, throttled: the sign-in page and ``POST /api/v1/auth/tokens``
both come here.

After ``SIGNIN_ACCOUNT_FAILURES`` wrong passwords for one account (from anywhere) the account
is locked for ``SIGNIN_LOCK_MINUTES``; after ``SIGNIN_ADDRESS_FAILURES`` from one address (for
any accounts) the address is. Failures are counted over the same number of minutes. A locked
sign-in is refused before the password is checked, so guessing gains nothing while it lasts.
The counts live in the cache (Redis in production), shared by every process.
"""

import hashlib
import math
import time

from django.conf import settings
from django.contrib.auth import authenticate
from django.core.cache import cache
from django.http import HttpRequest
from django.utils.translation import ngettext

from guanxi.accounts.models import User
from guanxi.core.ratelimit import client_address, count_hit


class SignInLocked(Exception):
    """Too many failures: refused for ``seconds`` more."""

    def __init__(self, seconds: int, *, account: bool) -> None:
        self.seconds = max(1, seconds)
        self.account = account
        minutes = math.ceil(self.seconds / 60)
        if account:
            message = ngettext(
                "Too many wrong passwords for this account. Try again in %(minutes)s minute.",
                "Too many wrong passwords for this account. Try again in %(minutes)s minutes.",
                minutes,
            )
        else:
            message = ngettext(
                "Too many failed sign-ins from your address. Try again in %(minutes)s minute.",
                "Too many failed sign-ins from your address. Try again in %(minutes)s minutes.",
                minutes,
            )
        super().__init__(message % {"minutes": minutes})


def _key(kind: str, value: str) -> str:
    digest = hashlib.sha256(value.strip().lower().encode()).hexdigest()[:32]
    return f"signin:{kind}:{digest}"


def _limits() -> tuple[int, int, int]:
    return (
        settings.SIGNIN_ACCOUNT_FAILURES,
        settings.SIGNIN_ADDRESS_FAILURES,
        settings.SIGNIN_LOCK_MINUTES * 60,
    )


def _check_locks(username: str, address: str) -> None:
    now = time.time()
    for kind, value in (("account", username), ("address", address)):
        until = cache.get(_key(f"{kind}-lock", value))
        if until is not None and until > now:
            raise SignInLocked(math.ceil(until - now), account=kind == "account")


def _count_failure(username: str, address: str) -> None:
    account_limit, address_limit, lock_seconds = _limits()
    for kind, value, limit in (
        ("account", username, account_limit),
        ("address", address, address_limit),
    ):
        counter = _key(f"{kind}-failures", value)
        if count_hit(counter, window=lock_seconds) >= limit:
            cache.set(_key(f"{kind}-lock", value), time.time() + lock_seconds, lock_seconds)
            cache.delete(counter)


def sign_in(request: HttpRequest | None, username: str, password: str) -> User | None:
    """The user these credentials belong to, or None; ``SignInLocked`` while the account or
    the address is locked (the attempt that reaches a limit is refused with the lock)."""
    address = client_address(request)
    _check_locks(username, address)
    user = authenticate(request, username=username, password=password)
    if user is None:
        _count_failure(username, address)
        _check_locks(username, address)
        return None
    cache.delete(_key("account-failures", username))
    return user  # type: ignore[return-value]


def second_factor(request: HttpRequest | None, user: User, code: str) -> str | None:
    """Check the code a user with two-factor sign-in gives after their password: ``"totp"``,
    ``"recovery"`` or None. Throttled and locked like a wrong password."""
    from guanxi.accounts.twofactor import check_code

    address = client_address(request)
    _check_locks(user.username, address)
    used = check_code(user, code)
    if used is None:
        _count_failure(user.username, address)
        _check_locks(user.username, address)
        return None
    cache.delete(_key("account-failures", user.username))
    return used


def unlock(username: str) -> None:
    """Lift an account's lock (an administrator, after checking with its owner)."""
    cache.delete_many([_key("account-lock", username), _key("account-failures", username)])


def locked_for(username: str) -> int:
    """Seconds the account stays locked (0: it is not)."""
    until = cache.get(_key("account-lock", username))
    return max(0, math.ceil(until - time.time())) if until else 0
