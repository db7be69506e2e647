import logging
import time
from collections.abc import Callable

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
