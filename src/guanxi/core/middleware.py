import logging
import time
from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse

logger = logging.getLogger("guanxi.request")


class RequestLogMiddleware:
    """One log line a request: method, path, status, duration and who asked."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        started = time.perf_counter()
        response = self.get_response(request)
        duration_ms = (time.perf_counter() - started) * 1000
        user = getattr(request, "auth", None) or getattr(request, "user", None)
        who = getattr(user, "username", "") or "-"
        logger.info(
            "%s %s %s %.1fms user=%s",
            request.method,
            request.get_full_path(),
            response.status_code,
            duration_ms,
            who,
        )
        return response


class SecurityHeadersMiddleware:
    """A strict Content-Security-Policy (scripts from this site only — no inline script, no
    eval) and a Permissions-Policy that turns off the browser features Guanxi never uses, on
    every response. The API's interactive documentation, which Django Ninja renders with an
    inline script, gets its own policy."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if request.path.startswith(settings.API_DOCS_PATH):
            policy = settings.CONTENT_SECURITY_POLICY_API_DOCS
        else:
            policy = settings.CONTENT_SECURITY_POLICY
        response.headers.setdefault("Content-Security-Policy", policy)
        response.headers.setdefault("Permissions-Policy", settings.PERMISSIONS_POLICY)
        return response
