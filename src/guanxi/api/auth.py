"""API authentication: personal tokens (``Authorization: Bearer``) or the browser session."""

from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django.utils import translation
from django.utils.translation import gettext as _
from ninja.security import APIKeyCookie, HttpBearer
from ninja.utils import check_csrf

from guanxi.accounts.services import api_token_authenticate


class BearerTokenAuth(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> Any:
        user = api_token_authenticate(token)
        if user is not None and user.language:
            translation.activate(user.language)
        return user


class SessionAuth(APIKeyCookie):
    """The browser session; unsafe methods must carry the CSRF token, as in the web UI."""

    param_name = settings.SESSION_COOKIE_NAME

    def _get_key(self, request: HttpRequest) -> str | None:
        return request.COOKIES.get(self.param_name)

    def authenticate(self, request: HttpRequest, key: str | None) -> Any:
        if not request.user.is_authenticated:
            return None
        exempt = getattr(request, "_ninja_csrf_exempt", False)
        if not exempt and check_csrf(request) is not None:
            raise PermissionDenied(
                _("The CSRF token is missing or wrong. Reload the page, or use a bearer token.")
            )
        return request.user


bearer_auth = BearerTokenAuth()
session_auth = SessionAuth()
DEFAULT_AUTH = [bearer_auth, session_auth]
