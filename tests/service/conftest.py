"""A frozen clock on a Tuesday morning in Shanghai, and a helper to log requests."""

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.core.cache import cache

from tests.conftest import People, bearer_for, post
from tests.service.imap_server import ImapServer, Mailbox

SHANGHAI = ZoneInfo("Asia/Shanghai")
# Tuesday 1 September 2026, 10:00 in Shanghai: a working morning.
TUESDAY_10 = datetime(2026, 9, 1, 10, 0, tzinfo=SHANGHAI)


def at(*args: int) -> datetime:
    return datetime(*args, tzinfo=SHANGHAI)


@pytest.fixture(autouse=True)
def fresh_cache() -> None:
    """Dashboards are cached a minute, and ids repeat between tests on SQLite."""
    cache.clear()


@pytest.fixture
def clock(time_machine: Any) -> Any:
    """The frozen clock; ``clock.move_to(at(...))`` moves it."""
    time_machine.move_to(TUESDAY_10, tick=False)
    return time_machine


def log_request(people: People, customer_id: int | None, **changes: Any) -> dict[str, Any]:
    body = {
        "type": "inquiry",
        "summary": "发票抬头怎么修改",
        "request": "客户想把发票抬头改成新公司名称。",
        "channel": "hotline",
        "customer": customer_id,
        **changes,
    }
    response = post(bearer_for(people.service_east), "/api/v1/service-requests", body)
    assert response.status_code == 201, response.content
    return response.json()


@pytest.fixture
def mailbox(settings: Any) -> Any:
    """A real IMAP server on loopback, and the poller's settings pointed at it."""
    box = Mailbox()
    with ImapServer(box) as server:
        settings.IMAP_HOST = "127.0.0.1"
        settings.IMAP_PORT = server.port
        settings.IMAP_SSL = False
        settings.IMAP_USER = box.user
        settings.IMAP_PASSWORD = box.password
        settings.IMAP_FOLDER = "INBOX"
        yield box
