from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _


class UserLanguageMiddleware:
    """A signed-in user's chosen language wins over the browser's; both follow LocaleMiddleware."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        language = getattr(user, "language", "") if user and user.is_authenticated else ""
        if language:
            translation.activate(language)
            request.LANGUAGE_CODE = language  # type: ignore[attr-defined]
        return self.get_response(request)


class SessionSeenMiddleware:
    """Keeps each signed-in browser's last activity for the user's list of sessions."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and hasattr(request, "session"):
            from guanxi.accounts.sessions import touch

            touch(request)
        return self.get_response(request)


class TwoFactorRequiredMiddleware:
    """A browser whose role requires two-factor sign-in that its user has not set up yet
    (``twofactor.NEEDED``) may open only the set-up page until it is done."""

    ALLOWED = (
        "/account/two-factor/",
        "/logout/",
        "/language/",
        "/static/",
        "/api/v1/me/two-factor",
    )

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        from guanxi.accounts import twofactor

        session = getattr(request, "session", None)
        if (
            session is not None
            and session.get(twofactor.SESSION_KEY) == twofactor.NEEDED
            and not request.path.startswith(self.ALLOWED)
        ):
            message = _("Your role requires two-factor sign-in. Set it up to go on using Guanxi.")
            if request.path.startswith("/api/"):
                from guanxi.api.errors import problem

                return problem(403, str(message), kind="otp-enrolment-required")
            target = reverse("two-factor")
            if request.headers.get("HX-Request"):
                return HttpResponse(status=204, headers={"HX-Redirect": target})
            return redirect(target)
        return self.get_response(request)
