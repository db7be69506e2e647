"""The five roles and the data scope each one has.

This is the one place that decides which records a user may see: every selector in every app
filters through :func:`scope_queryset`.
"""

from enum import StrEnum
from typing import Any, Protocol, TypeVar

from django.db import models
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

M = TypeVar("M", bound=models.Model)


class Person(Protocol):
    """What the scope rules read of a user (``accounts.User`` is one; core knows no app)."""

    pk: Any
    role: str
    team_id: int | None
    is_active: bool

    @property
    def is_authenticated(self) -> bool: ...


class Role(models.TextChoices):
    ADMINISTRATOR = "administrator", _("Administrator")
    SALES_SUPERVISOR = "sales_supervisor", _("Sales supervisor")
    ACCOUNT_MANAGER = "account_manager", _("Account manager")
    SERVICE_STAFF = "service_staff", _("Service staff")
    EXECUTIVE = "executive", _("Executive")


class DataScope(StrEnum):
    OWN = "own"
    TEAM = "team"
    ALL = "all"


ROLE_SCOPES: dict[str, DataScope] = {
    Role.ADMINISTRATOR: DataScope.ALL,
    Role.EXECUTIVE: DataScope.ALL,
    Role.SALES_SUPERVISOR: DataScope.TEAM,
    Role.SERVICE_STAFF: DataScope.TEAM,
    Role.ACCOUNT_MANAGER: DataScope.OWN,
}

# Executives see everything but change nothing.
READ_ONLY_ROLES = frozenset({Role.EXECUTIVE})
# The service desk answers whoever calls, so service staff read every customer and its orders
# (their own work — requests, activities — stays in their team's scope).
CUSTOMER_SCOPES: dict[str, DataScope] = {Role.SERVICE_STAFF: DataScope.ALL}


def data_scope(user: Person | Any) -> DataScope:
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return DataScope.OWN
    return ROLE_SCOPES.get(user.role, DataScope.OWN)


def customer_scope(user: Person | Any) -> DataScope:
    """The scope over customers and their orders, which is wider than ``data_scope`` for some."""
    scope = data_scope(user)
    if scope is DataScope.ALL or not getattr(user, "is_authenticated", False):
        return scope
    return CUSTOMER_SCOPES.get(user.role, scope)


def scope_queryset(
    queryset: QuerySet[M],
    user: Person,
    *,
    owner_field: str,
    team_field: str | None = None,
    scope: DataScope | None = None,
) -> QuerySet[M]:
    """Narrow ``queryset`` to the rows ``user`` may see, judged by the user in ``owner_field``.

    ``own``: rows the user owns. ``team``: rows owned by anyone in the user's team (a user with
    no team falls back to ``own``). ``all``: every row. ``team_field`` names the row's team
    when it is not the owner's (for users themselves: ``team``). ``scope`` overrides the role's
    data scope (``customer_scope`` for customer records).
    """
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return queryset.none()
    scope = scope or data_scope(user)
    if scope is DataScope.ALL:
        return queryset
    mine = Q(**{owner_field: user.pk})
    if scope is DataScope.TEAM and user.team_id:
        team_lookup = f"{team_field or owner_field + '__team'}_id"
        return queryset.filter(mine | Q(**{team_lookup: user.team_id}))
    return queryset.filter(mine)


def can_write(user: Person) -> bool:
    return bool(user.is_authenticated and user.is_active and user.role not in READ_ONLY_ROLES)
