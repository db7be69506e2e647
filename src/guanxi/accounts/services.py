"""Every write to users, teams and API tokens. Each runs in one transaction and is audited."""

import secrets
from datetime import datetime
from typing import Any

from django.conf import settings
from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from guanxi.accounts import signin
from guanxi.accounts.models import ApiToken, Team, User
from guanxi.core.audit import audit_create, audit_note, audit_update, snapshot
from guanxi.core.errors import field_error, require_perm
from guanxi.core.roles import Role

MANAGE_USERS = "accounts.manage_users"
USER_FIELDS = (
    "email",
    "first_name",
    "last_name",
    "mobile",
    "role",
    "team",
    "is_active",
    "language",
)


def _validate_password(password: str, user: User) -> None:
    try:
        password_validation.validate_password(password, user)
    except ValidationError as error:
        raise ValidationError({"password": error.messages}) from error


def _validate_user(user: User, *, exclude: list[str] | None = None) -> None:
    """Model validation (field lengths, choices, e-mail, unique username) as field errors."""
    user.full_clean(exclude=[*(exclude or []), "password"])


@transaction.atomic
def user_create(
    *,
    actor: User | None,
    username: str,
    password: str,
    role: str = Role.ACCOUNT_MANAGER,
    team: Team | None = None,
    email: str = "",
    first_name: str = "",
    last_name: str = "",
    mobile: str = "",
) -> User:
    """Create a user; ``actor`` None means the console (``guanxi createadmin``)."""
    if actor is not None:
        require_perm(actor, MANAGE_USERS)
    user = User(
        username=username.strip(),
        role=role,
        team=team,
        email=email.strip(),
        first_name=first_name.strip(),
        last_name=last_name.strip(),
        mobile=mobile.strip(),
    )
    errors: dict[str, list[str]] = {}
    try:
        _validate_user(user)
    except ValidationError as error:
        errors.update(error.message_dict)
    if not password:
        errors.setdefault("password", []).append(_("This field is required."))
    else:
        try:
            _validate_password(password, user)
        except ValidationError as error:
            errors.update(error.message_dict)
    if errors:
        raise ValidationError(errors)
    user.set_password(password)
    user.save()
    audit_create(actor=actor, instance=user)
    return user


@transaction.atomic
def user_update(*, actor: User, user: User, **changes: Any) -> User:
    """Change a user's profile, role, team or active flag (administrators only)."""
    require_perm(actor, MANAGE_USERS)
    unknown = set(changes) - set(USER_FIELDS)
    if unknown:
        raise TypeError(f"user_update() got unknown fields: {sorted(unknown)}")
    if user.pk == actor.pk:
        if changes.get("is_active") is False:
            raise field_error("is_active", _("You cannot deactivate your own account."))
        if "role" in changes and changes["role"] != Role.ADMINISTRATOR:
            raise field_error("role", _("You cannot remove your own administrator role."))
    before = snapshot(user)
    for name, value in changes.items():
        setattr(user, name, value.strip() if isinstance(value, str) else value)
    _validate_user(user)
    user.save()
    audit_update(actor=actor, instance=user, before=before)
    return user


@transaction.atomic
def user_reset_password(*, actor: User, user: User, password: str) -> User:
    """Set a new password for another user (administrators) or oneself."""
    if user.pk != actor.pk:
        require_perm(actor, MANAGE_USERS)
    _validate_password(password, user)
    user.set_password(password)
    user.save(update_fields=["password"])
    audit_note(actor=actor, instance=user, field="password", before="••••", after=_("reset"))
    return user


def user_unlock(*, actor: User, user: User) -> None:
    """Lift the sign-in lock that wrong passwords put on ``user`` (administrators)."""
    require_perm(actor, MANAGE_USERS)
    signin.unlock(user.username)
    audit_note(actor=actor, instance=user, field="sign-in", before=_("locked"), after=_("unlocked"))


def user_set_language(*, user: User, language: str) -> User:
    if language not in dict(settings.LANGUAGES):
        raise field_error("language", _("Choose one of the offered languages."))
    if user.language != language:
        before = snapshot(user, ["language"])
        user.language = language
        user.save(update_fields=["language"])
        audit_update(actor=user, instance=user, before=before)
    return user


def _apply_supervisor(actor: User, team: Team) -> None:
    """A supervisor works inside the team they lead, so team-scoped data includes it."""
    supervisor = team.supervisor
    if supervisor is not None and supervisor.team_id != team.pk:
        before = snapshot(supervisor, ["team"])
        supervisor.team = team
        supervisor.save(update_fields=["team"])
        audit_update(actor=actor, instance=supervisor, before=before)


def _validate_team(team: Team) -> None:
    team.full_clean()
    if team.supervisor is not None and not team.supervisor.is_active:
        raise field_error("supervisor", _("The supervisor must be an active user."))


@transaction.atomic
def team_create(*, actor: User, name: str, supervisor: User | None = None) -> Team:
    require_perm(actor, MANAGE_USERS)
    team = Team(name=name.strip(), supervisor=supervisor)
    _validate_team(team)
    team.save()
    audit_create(actor=actor, instance=team)
    _apply_supervisor(actor, team)
    return team


@transaction.atomic
def team_update(*, actor: User, team: Team, name: str, supervisor: User | None) -> Team:
    require_perm(actor, MANAGE_USERS)
    before = snapshot(team)
    team.name = name.strip()
    team.supervisor = supervisor
    _validate_team(team)
    team.save()
    audit_update(actor=actor, instance=team, before=before)
    _apply_supervisor(actor, team)
    return team


@transaction.atomic
def api_token_create(
    *, user: User, name: str, expires_at: datetime | None = None
) -> tuple[ApiToken, str]:
    """Create a token for ``user``; the plain token is returned here and never again."""
    name = name.strip()
    if not name:
        raise field_error("name", _("This field is required."))
    if len(name) > 100:
        raise field_error("name", _("Use at most 100 characters."))
    if expires_at is not None and expires_at <= timezone.now():
        raise field_error("expires_at", _("The expiry must be in the future."))
    raw = ApiToken.PREFIX + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        user=user, name=name, hint=raw[:10], key_hash=ApiToken.hash(raw), expires_at=expires_at
    )
    audit_create(actor=user, instance=token)
    return token, raw


@transaction.atomic
def api_token_revoke(*, actor: User, token: ApiToken) -> ApiToken:
    if token.user_id != actor.pk:
        require_perm(actor, MANAGE_USERS)
    if token.revoked_at is None:
        before = snapshot(token)
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
        audit_update(actor=actor, instance=token, before=before)
    return token


def api_token_authenticate(raw: str) -> User | None:
    """The active user a usable token belongs to, or None."""
    if not raw.startswith(ApiToken.PREFIX):
        return None
    token = (
        ApiToken.objects.select_related("user")
        .filter(key_hash=ApiToken.hash(raw), revoked_at__isnull=True)
        .first()
    )
    if token is None or token.is_expired or not token.user.is_active:
        return None
    now = timezone.now()
    # Write "last used" at most once a minute, so a busy client does not write on every call.
    if token.last_used_at is None or (now - token.last_used_at).total_seconds() > 60:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user
