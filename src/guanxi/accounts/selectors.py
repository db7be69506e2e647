"""Every read of users, teams and tokens, scoped to what the acting user may see."""

from collections.abc import Mapping
from typing import Any

from django.db.models import Count, QuerySet
from django.http import Http404
from django.utils.translation import gettext as _

from guanxi.accounts.filters import UserFilterSet
from guanxi.accounts.models import ApiToken, Team, User
from guanxi.core.errors import field_error
from guanxi.core.filters import filtered
from guanxi.core.roles import DataScope, data_scope, scope_queryset


def visible_users(actor: User) -> QuerySet[User]:
    """The people ``actor`` may see: themselves, their team, or everyone, by their scope."""
    return scope_queryset(
        User.objects.select_related("team"), actor, owner_field="pk", team_field="team"
    )


def colleagues(actor: User) -> QuerySet[User]:
    """The active people ``actor`` may see, by name: whom they may give work to."""
    return (
        visible_users(actor).filter(is_active=True).order_by("last_name", "first_name", "username")
    )


def person_for(*, actor: User, pk: int, field: str) -> User:
    """The person with ``pk`` that a request names in ``field``, if ``actor`` may see them;
    refused as unknown otherwise (whether they exist elsewhere is not told)."""
    user = visible_users(actor).filter(pk=pk).first()
    if user is None:
        raise field_error(field, _("No user has the id %(id)s.") % {"id": pk})
    return user


def user_filters(*, actor: User, data: Mapping[str, Any] | None = None) -> UserFilterSet:
    """The user list's FilterSet for ``actor``, over the people they may see."""
    return UserFilterSet(data, actor=actor, queryset=visible_users(actor))


def user_list(*, actor: User, filters: Mapping[str, Any] | None = None) -> QuerySet[User]:
    return filtered(user_filters(actor=actor, data=filters))


def user_get(*, actor: User, pk: int) -> User:
    """The user with ``pk`` if ``actor`` may see them; 404 otherwise (existence is not leaked)."""
    user = visible_users(actor).filter(pk=pk).first()
    if user is None:
        raise Http404(_("No such user."))
    return user


def team_list(*, actor: User) -> QuerySet[Team]:
    teams = Team.objects.select_related("supervisor").annotate(member_count=Count("members"))
    if data_scope(actor) is DataScope.ALL:
        return teams
    if not actor.is_authenticated or not actor.team_id:
        return teams.none()
    return teams.filter(pk=actor.team_id)


def team_get(*, actor: User, pk: int) -> Team:
    team = team_list(actor=actor).filter(pk=pk).first()
    if team is None:
        raise Http404(_("No such team."))
    return team


def api_token_list(*, actor: User) -> QuerySet[ApiToken]:
    return ApiToken.objects.filter(user=actor)


def api_token_get(*, actor: User, pk: int) -> ApiToken:
    token = api_token_list(actor=actor).filter(pk=pk).first()
    if token is None:
        raise Http404(_("No such token."))
    return token
