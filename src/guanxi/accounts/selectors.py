"""Every read of users, teams and tokens, scoped to what the acting user may see."""

from django.db.models import Count, Q, QuerySet
from django.http import Http404
from django.utils.translation import gettext as _

from guanxi.accounts.models import ApiToken, Team, User
from guanxi.core.roles import DataScope, data_scope, scope_queryset


def user_list(
    *,
    actor: User,
    q: str = "",
    role: str = "",
    team_id: int | None = None,
    is_active: bool | None = None,
) -> QuerySet[User]:
    users = scope_queryset(
        User.objects.select_related("team"), actor, owner_field="pk", team_field="team"
    )
    if q:
        users = users.filter(
            Q(username__icontains=q)
            | Q(first_name__icontains=q)
            | Q(last_name__icontains=q)
            | Q(email__icontains=q)
            | Q(mobile__icontains=q)
        )
    if role:
        users = users.filter(role=role)
    if team_id is not None:
        users = users.filter(team_id=team_id)
    if is_active is not None:
        users = users.filter(is_active=is_active)
    return users


def user_get(*, actor: User, pk: int) -> User:
    """The user with ``pk`` if ``actor`` may see them; 404 otherwise (existence is not leaked)."""
    user = user_list(actor=actor).filter(pk=pk).first()
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
