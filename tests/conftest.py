"""Personas every test can use: two sales teams, and one user of each role.

Team East: supervisor ``sup_east``, reps ``rep_east`` and ``rep_east2``, service ``service_east``.
Team West: supervisor ``sup_west``, rep ``rep_west``. No team: ``admin``, ``executive``.
"""

import json
import socket
from dataclasses import dataclass
from email import message_from_bytes, policy
from email.message import EmailMessage
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from django.test import Client, override_settings

from guanxi.accounts.models import Team, User
from guanxi.accounts.services import api_token_create
from guanxi.core.roles import Role
from guanxi.customers.models import Customer
from tests.factories import CustomerFactory, TeamFactory, UserFactory


@dataclass
class People:
    east: Team
    west: Team
    admin: User
    executive: User
    sup_east: User
    rep_east: User
    rep_east2: User
    service_east: User
    sup_west: User
    rep_west: User

    def by_name(self, name: str) -> User:
        return getattr(self, name)


ROLE_PERSONAS = ["admin", "executive", "sup_east", "rep_east", "service_east"]


@pytest.fixture(autouse=True)
def empty_cache() -> None:
    """Each test starts with an empty cache: no sign-in failures, progress or figures left by
    another test."""
    from django.core.cache import cache

    cache.clear()


@pytest.fixture
def people(db: None) -> People:
    east = TeamFactory(name="华东销售部")
    west = TeamFactory(name="华南销售部")
    sup_east = UserFactory(username="sup_east", role=Role.SALES_SUPERVISOR, team=east)
    sup_west = UserFactory(username="sup_west", role=Role.SALES_SUPERVISOR, team=west)
    east.supervisor = sup_east
    east.save()
    west.supervisor = sup_west
    west.save()
    return People(
        east=east,
        west=west,
        admin=UserFactory(username="admin", role=Role.ADMINISTRATOR, last_name="", first_name=""),
        executive=UserFactory(username="executive", role=Role.EXECUTIVE),
        sup_east=sup_east,
        rep_east=UserFactory(username="rep_east", role=Role.ACCOUNT_MANAGER, team=east),
        rep_east2=UserFactory(username="rep_east2", role=Role.ACCOUNT_MANAGER, team=east),
        service_east=UserFactory(username="service_east", role=Role.SERVICE_STAFF, team=east),
        sup_west=sup_west,
        rep_west=UserFactory(username="rep_west", role=Role.ACCOUNT_MANAGER, team=west),
    )


@dataclass
class Book:
    """Customers in three books: rep_east's, rep_east2's (same team) and rep_west's."""

    east: Customer
    east2: Customer
    west: Customer


@pytest.fixture
def book(people: People) -> Book:
    return Book(
        east=CustomerFactory(
            name="北京华信科技有限公司", account_manager=people.rep_east, phone="010-88886666"
        ),
        east2=CustomerFactory(name="上海宏达贸易有限公司", account_manager=people.rep_east2),
        west=CustomerFactory(name="广州恒通物流有限公司", account_manager=people.rep_west),
    )


def post(client: Client, url: str, body: Any) -> Any:
    """A JSON body POSTed, as an API client sends it."""
    return client.post(url, json.dumps(body), content_type="application/json")


def patch(client: Client, url: str, body: Any) -> Any:
    """A JSON body PATCHed, as an API client sends it."""
    return client.patch(url, json.dumps(body), content_type="application/json")


def client_for(user: User | None, language: str = "en") -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE=language)
    if user is not None:
        client.force_login(user)
    return client


def bearer_for(user: User, language: str = "en") -> Client:
    _, raw = api_token_create(user=user, name="tests")
    return Client(HTTP_AUTHORIZATION=f"Bearer {raw}", HTTP_ACCEPT_LANGUAGE=language)


class Inbox:
    """What the SMTP server on loopback received: (recipients, raw message) pairs."""

    def __init__(self) -> None:
        self.messages: list[tuple[list[str], str]] = []
        self.raw: list[bytes] = []

    async def handle_DATA(self, server, session, envelope):  # type: ignore[no-untyped-def]
        self.messages.append((envelope.rcpt_tos, envelope.content.decode("utf8", "replace")))
        self.raw.append(envelope.content)
        return "250 OK"

    def emails(self) -> list[EmailMessage]:
        """The messages received, parsed: headers decoded, ``get_content()`` for the text."""
        return [
            message_from_bytes(raw, policy=policy.default)  # type: ignore[misc]
            for raw in self.raw
        ]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture
def smtp():  # type: ignore[no-untyped-def]
    """A real SMTP server on a free loopback port, and Django's SMTP backend pointed at it."""
    inbox = Inbox()
    port = free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    with override_settings(
        EMAIL_BACKEND="django.core.mail.backends.smtp.EmailBackend",
        EMAIL_HOST="127.0.0.1",
        EMAIL_PORT=port,
    ):
        yield inbox
    controller.stop()
