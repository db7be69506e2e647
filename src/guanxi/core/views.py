"""The health check (the data dictionary and audit pages are in ``guanxi.administration``)."""

from django.http import HttpRequest, JsonResponse
from django.views.decorators.http import require_GET

from guanxi.core.health import health


@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    """200 while the database answers (the load balancer's question); 503 when it does not."""
    report = health()
    return JsonResponse(report, status=200 if report["database"]["ok"] else 503)
