from django.urls import include, path

from guanxi.api.main import api
from guanxi.core.views import healthz

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("api/v1/", api.urls),
    path("", include("guanxi.web.urls")),
]
