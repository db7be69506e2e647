from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from guanxi.core.models import WorkerHeartbeat
from guanxi.core.tasks import heartbeat

pytestmark = pytest.mark.django_db


def test_it_reports_a_missing_worker() -> None:
    response = Client().get("/healthz")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "degraded"
    assert body["database"] == {"ok": True, "vendor": body["database"]["vendor"]}
    assert body["worker"] == {"ok": False, "last_heartbeat": None, "age_seconds": None}


def test_the_heartbeat_job_makes_it_healthy() -> None:
    heartbeat()  # jobs run inline in tests (GUANXI_JOBS_IMMEDIATE)
    body = Client().get("/healthz").json()
    assert body["status"] == "ok"
    assert body["worker"]["ok"] is True
    assert body["queue"]["ok"] is True


def test_a_stale_heartbeat_is_reported() -> None:
    WorkerHeartbeat.objects.create(name="old", beat_at=timezone.now() - timedelta(minutes=10))
    body = Client().get("/healthz").json()
    assert body["worker"]["ok"] is False
    assert body["worker"]["age_seconds"] >= 600


def test_it_only_answers_get() -> None:
    assert Client().post("/healthz").status_code == 405
