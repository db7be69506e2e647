"""Where a user is signed in: each browser session is recorded at sign-in, its last activity
kept (at most every five minutes), and the user may sign any of them out."""

from datetime import timedelta
from importlib import import_module
from typing import Any

from django.conf import settings
from django.contrib.auth.signals import user_logged_in, user_logged_out
from django.db.models import QuerySet
from django.dispatch import receiver
from django.http import Http404, HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from guanxi.accounts import twofactor
from guanxi.accounts.models import User, UserSession
from guanxi.core.ratelimit import client_address

SEEN_KEY = "guanxi_seen_at"
TOUCH_EVERY = timedelta(minutes=5)


@receiver(user_logged_in)
def _signed_in(sender: Any, request: HttpRequest | None, user: User, **kwargs: Any) -> None:
    session = getattr(request, "session", None)
    if request is None or session is None or not session.session_key:
        return
    UserSession.objects.update_or_create(
        session_key=session.session_key,
        defaults={
            "user": user,
            "address": client_address(request),
            "user_agent": request.META.get("HTTP_USER_AGENT", "")[:200],
            "last_seen_at": timezone.now(),
        },
    )
    session[SEEN_KEY] = timezone.now().timestamp()
    twofactor.session_mark(request, user, verified=False)


@receiver(user_logged_out)
def _signed_out(sender: Any, request: HttpRequest | None, **kwargs: Any) -> None:
    key = getattr(getattr(request, "session", None), "session_key", None)
    if key:
        UserSession.objects.filter(session_key=key).delete()


def touch(request: HttpRequest) -> None:
    """Note the session's activity, at most every ``TOUCH_EVERY`` (one small update)."""
    session = request.session
    now = timezone.now()
    seen = session.get(SEEN_KEY)
    if seen is not None and now.timestamp() - seen < TOUCH_EVERY.total_seconds():
        return
    session[SEEN_KEY] = now.timestamp()
    if session.get(twofactor.SESSION_KEY) != twofactor.VERIFIED:
        # A role's policy may have changed since sign-in, or the user set it up elsewhere.
        twofactor.session_mark(request, request.user, verified=False)  # type: ignore[arg-type]
    if session.session_key:
        UserSession.objects.filter(session_key=session.session_key).update(last_seen_at=now)


def session_list(*, actor: User) -> QuerySet[UserSession]:
    """The actor's own signed-in browsers, most recently active first."""
    return UserSession.objects.filter(user=actor)


def session_revoke(*, actor: User, pk: int) -> UserSession:
    """Sign one of the actor's browsers out: its session is deleted, so its next request goes
    to the sign-in page."""
    found = session_list(actor=actor).filter(pk=pk).first()
    if found is None:
        raise Http404(_("No such session."))
    store = import_module(settings.SESSION_ENGINE).SessionStore
    store(session_key=found.session_key).delete()
    found.delete()
    return found
