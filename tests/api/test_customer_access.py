"""Every customer endpoint as the wrong user: someone else's customer is 404, a role without
the permission is 403, and nothing changes."""

import json

import pytest
from django.utils import timezone

from guanxi.customers.models import Contact, Customer
from tests.conftest import Book, People, bearer_for
from tests.factories import ContactFactory, InteractionFactory

pytestmark = pytest.mark.django_db

FORBIDDEN, MISSING = 403, 404


@pytest.fixture
def records(book: Book) -> dict[str, int]:
    contact = ContactFactory(customer=book.east, name="张三", is_primary=True)
    interaction = InteractionFactory(
        customer=book.east, occurred_at=timezone.now(), channel="phone", summary="回访"
    )
    return {
        "east": book.east.pk,
        "east2": book.east2.pk,
        "contact": contact.pk,
        "interaction": interaction.pk,
    }


NOW = "2026-11-20T10:00:00+08:00"
# (method, path, body, status for rep_west [other team's rep], status for the executive)
CASES = [
    ("get", "/customers/{east}", None, MISSING, 200),
    ("get", "/customers/{east}/360", None, MISSING, 200),
    ("get", "/customers/{east}/duplicates", None, MISSING, 200),
    ("get", "/customers/{east}/contacts", None, MISSING, 200),
    ("get", "/customers/{east}/interactions", None, MISSING, 200),
    ("patch", "/customers/{east}", {"name": "改名"}, MISSING, FORBIDDEN),
    ("delete", "/customers/{east}", None, MISSING, FORBIDDEN),
    ("post", "/customers/{east}/restore", {}, MISSING, FORBIDDEN),
    ("post", "/customers/{east}/merge", {"source": "{east2}"}, MISSING, FORBIDDEN),
    (
        "post",
        "/customers/reassign",
        {"customers": ["{east}"], "account_manager": "{rep_west}"},
        FORBIDDEN,
        FORBIDDEN,
    ),
    ("post", "/customers/{east}/contacts", {"name": "李四"}, MISSING, FORBIDDEN),
    ("patch", "/contacts/{contact}", {"title": "经理"}, MISSING, FORBIDDEN),
    ("delete", "/contacts/{contact}", None, MISSING, FORBIDDEN),
    (
        "post",
        "/customers/{east}/interactions",
        {"occurred_at": NOW, "channel": "phone", "summary": "x"},
        MISSING,
        FORBIDDEN,
    ),
    ("patch", "/interactions/{interaction}", {"summary": "y"}, MISSING, FORBIDDEN),
    ("delete", "/interactions/{interaction}", None, MISSING, FORBIDDEN),
]


def _fill(value, ids: dict[str, int]):  # type: ignore[no-untyped-def]
    if isinstance(value, str) and value.startswith("{") and value.endswith("}"):
        return ids[value[1:-1]]
    if isinstance(value, list):
        return [_fill(v, ids) for v in value]
    if isinstance(value, dict):
        return {k: _fill(v, ids) for k, v in value.items()}
    return value


@pytest.mark.parametrize(("method", "path", "body", "as_rep_west", "as_executive"), CASES)
def test_the_wrong_user_changes_nothing(  # type: ignore[no-untyped-def]
    people: People, records, method, path, body, as_rep_west, as_executive
) -> None:
    ids = {**records, "rep_west": people.rep_west.pk}
    url = "/api/v1" + path.format(**ids)
    before = list(Customer.objects.order_by("pk").values()), Contact.objects.count()
    for user, expected in ((people.rep_west, as_rep_west), (people.executive, as_executive)):
        client = bearer_for(user)
        call = getattr(client, method)
        if body is None:
            response = call(url)
        else:
            response = call(url, json.dumps(_fill(body, ids)), content_type="application/json")
        assert response.status_code == expected, (user.username, response.content[:200])
    assert (list(Customer.objects.order_by("pk").values()), Contact.objects.count()) == before
