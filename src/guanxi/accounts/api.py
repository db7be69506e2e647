"""Accounts API: who am I, tokens, teams and users."""

from datetime import datetime
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status
from ninja.errors import AuthenticationError
from ninja.pagination import paginate

from guanxi.accounts import selectors, services, sessions, twofactor
from guanxi.accounts.filters import UserFilterSet
from guanxi.accounts.models import Team, User
from guanxi.accounts.signin import SignInLocked, second_factor, sign_in
from guanxi.api.auth import session_auth
from guanxi.api.errors import problem
from guanxi.api.filters import query_schema
from guanxi.api.pagination import PageNumberPagination, apply_ordering
from guanxi.core.errors import field_error, require_perm
from guanxi.core.roles import Role, data_scope

router = Router(tags=["accounts"])
auth_router = Router(tags=["auth"])


class TeamRef(Schema):
    id: int
    name: str


class UserRef(Schema):
    id: int
    username: str
    display_name: str


class UserOut(Schema):
    id: int
    username: str
    display_name: str
    first_name: str
    last_name: str
    email: str
    mobile: str
    role: str
    team: TeamRef | None
    is_active: bool
    language: str
    date_joined: datetime
    last_login: datetime | None


class MeOut(UserOut):
    data_scope: str
    permissions: list[str]


class MeIn(Schema):
    language: str


class TeamOut(Schema):
    id: int
    name: str
    supervisor: UserRef | None
    member_count: int = 0
    created_at: datetime


class TeamIn(Schema):
    name: str = Field(..., min_length=1, max_length=100)
    supervisor: int | None = None


class TeamPatch(Schema):
    name: str | None = Field(None, min_length=1, max_length=100)
    supervisor: int | None = None


class UserIn(Schema):
    username: str = Field(..., min_length=1, max_length=150)
    password: str
    role: Role = Role.ACCOUNT_MANAGER
    team: int | None = None
    email: str = ""
    first_name: str = Field("", max_length=150)
    last_name: str = Field("", max_length=150)
    mobile: str = Field("", max_length=20)


class UserPatch(Schema):
    role: Role | None = None
    team: int | None = None
    is_active: bool | None = None
    email: str | None = None
    first_name: str | None = Field(None, max_length=150)
    last_name: str | None = Field(None, max_length=150)
    mobile: str | None = Field(None, max_length=20)


class PasswordIn(Schema):
    password: str


class TokenIn(Schema):
    name: str = Field(..., min_length=1, max_length=100)
    username: str | None = None
    password: str | None = None
    otp: str | None = Field(
        None,
        description="With username and password, when two-factor sign-in is on: the app's "
        "current 6-digit code or a recovery code",
    )
    expires_at: datetime | None = None


class TokenOut(Schema):
    id: int
    name: str
    hint: str
    status: str
    created_at: datetime
    expires_at: datetime | None
    last_used_at: datetime | None
    revoked_at: datetime | None


class TokenCreatedOut(TokenOut):
    token: str


UserFilters = query_schema(
    "UserFilters",
    UserFilterSet,
    ordering=(
        str | None,
        Field(
            None,
            description="username, last_name, role, team, date_joined or last_login; - descends",
        ),
    ),
)


USER_ORDERING = {
    "username": "username",
    "last_name": "last_name",
    "role": "role",
    "team": "team__name",
    "date_joined": "date_joined",
    "last_login": "last_login",
}


def _team_or_error(team_id: int | None, field: str = "team") -> Team | None:
    if team_id is None:
        return None
    team = Team.objects.filter(pk=team_id).first()
    if team is None:
        raise field_error(field, _("No team has the id %(id)s.") % {"id": team_id})
    return team


def _user_or_error(user_id: int | None, field: str) -> User | None:
    if user_id is None:
        return None
    user = User.objects.filter(pk=user_id).first()
    if user is None:
        raise field_error(field, _("No user has the id %(id)s.") % {"id": user_id})
    return user


def _me(user: User) -> dict:
    return {
        **UserOut.from_orm(user).dict(),
        "data_scope": str(data_scope(user)),
        "permissions": sorted(user.get_all_permissions()),
    }


@router.get("/me", response=MeOut, summary="The signed-in user")
def me(request: HttpRequest) -> dict:
    return _me(request.auth)  # type: ignore[attr-defined]


@router.patch("/me", response=MeOut, summary="Change your own language")
def me_update(request: HttpRequest, payload: MeIn) -> dict:
    user = services.user_set_language(user=request.auth, language=payload.language)  # type: ignore[attr-defined]
    return _me(user)


class SessionOut(Schema):
    id: int
    address: str
    user_agent: str
    created_at: datetime
    last_seen_at: datetime


@router.get(
    "/me/sessions", response=list[SessionOut], summary="The browsers signed in to your account"
)
def my_sessions(request: HttpRequest) -> Any:
    return list(sessions.session_list(actor=request.auth))  # type: ignore[attr-defined]


@router.delete(
    "/me/sessions/{session_id}", response={204: None}, summary="Sign one of your browsers out"
)
def my_session_revoke(request: HttpRequest, session_id: int) -> Status:
    sessions.session_revoke(actor=request.auth, pk=session_id)  # type: ignore[attr-defined]
    return Status(204, None)


# --- Two-factor sign-in --------------------------------------------------------------------


class TwoFactorOut(Schema):
    enabled: bool
    required: bool = Field(..., description="Whether your role must use two-factor sign-in")
    recovery_codes_left: int


class TwoFactorSecretOut(Schema):
    secret: str = Field(..., description="The key to type into an authenticator app")
    otpauth_url: str = Field(..., description="The same key as the otpauth:// link a QR holds")


class CodeIn(Schema):
    code: str = Field(..., description="The app's current 6-digit code")


class RecoveryCodesOut(Schema):
    recovery_codes: list[str] = Field(..., description="Single-use codes, shown this once")


def _two_factor(user: User) -> dict:
    return {
        "enabled": twofactor.is_enrolled(user),
        "required": twofactor.is_required(user),
        "recovery_codes_left": twofactor.recovery_codes_left(user),
    }


@router.get("/me/two-factor", response=TwoFactorOut, summary="Your two-factor sign-in")
def my_two_factor(request: HttpRequest) -> dict:
    return _two_factor(request.auth)  # type: ignore[attr-defined]


@router.post(
    "/me/two-factor",
    response={201: TwoFactorSecretOut},
    summary="Start setting up two-factor sign-in: a new secret for your app",
)
def my_two_factor_start(request: HttpRequest) -> Status:
    device = twofactor.enrol_start(user=request.auth)  # type: ignore[attr-defined]
    return Status(201, {"secret": twofactor.secret(device), "otpauth_url": device.config_url})


@router.post(
    "/me/two-factor/confirm",
    response=RecoveryCodesOut,
    summary="Turn two-factor sign-in on with the app's first code",
)
def my_two_factor_confirm(request: HttpRequest, payload: CodeIn) -> dict:
    codes = twofactor.enrol_confirm(user=request.auth, code=payload.code)  # type: ignore[attr-defined]
    return {"recovery_codes": codes}


@router.post(
    "/me/two-factor/recovery-codes",
    response=RecoveryCodesOut,
    summary="Replace your recovery codes with ten new ones",
)
def my_recovery_codes(request: HttpRequest, payload: CodeIn) -> dict:
    codes = twofactor.recovery_codes_renew(user=request.auth, code=payload.code)  # type: ignore[attr-defined]
    return {"recovery_codes": codes}


@router.post("/me/two-factor/disable", response={204: None}, summary="Turn two-factor sign-in off")
def my_two_factor_disable(request: HttpRequest, payload: CodeIn) -> Status:
    twofactor.disable(user=request.auth, code=payload.code)  # type: ignore[attr-defined]
    return Status(204, None)


class TwoFactorRoleOut(Schema):
    role: str
    label: str
    required: bool
    users: int = Field(..., description="Active users with this role")
    enrolled: int = Field(..., description="Of them, how many have set up two-factor sign-in")


class TwoFactorPolicyIn(Schema):
    required_roles: list[str] = Field(
        ..., description="The roles that must use two-factor sign-in; the others need not"
    )


@router.get(
    "/security/two-factor",
    response=list[TwoFactorRoleOut],
    summary="Which roles must use two-factor sign-in (administrators)",
)
def two_factor_policy(request: HttpRequest) -> list:
    require_perm(request.auth, services.MANAGE_USERS)  # type: ignore[attr-defined]
    return twofactor.policy_table()


@router.put(
    "/security/two-factor",
    response=list[TwoFactorRoleOut],
    summary="Require two-factor sign-in for these roles (administrators)",
)
def two_factor_policy_set(request: HttpRequest, payload: TwoFactorPolicyIn) -> list:
    twofactor.policy_set(actor=request.auth, roles=payload.required_roles)  # type: ignore[attr-defined]
    return twofactor.policy_table()


# --- Tokens ---------------------------------------------------------------------------------


def _locked(error: SignInLocked) -> HttpResponse:
    refused = problem(
        429,
        str(error),
        kind="signin-locked",
        errors=[{"field": "username", "message": str(error)}],
    )
    refused["Retry-After"] = str(error.seconds)
    return refused


def _second_factor_refusal(request: HttpRequest, user: User, otp: str | None) -> Any:
    """None when the user may have a token; else the 401, 403 or 429 that says why not."""
    if twofactor.is_enrolled(user):
        if not (otp or "").strip():
            message = _("Enter the 6-digit code from your authenticator app.")
            return problem(
                401, message, kind="otp-required", errors=[{"field": "otp", "message": message}]
            )
        try:
            used = second_factor(request, user, otp or "")
        except SignInLocked as error:
            return _locked(error)
        if used is None:
            message = twofactor.invalid_code_message()
            return problem(
                401, message, kind="otp-invalid", errors=[{"field": "otp", "message": message}]
            )
    elif twofactor.is_required(user):
        message = _(
            "Your role requires two-factor sign-in. Set it up under Two-factor sign-in on "
            "your account menu before creating API tokens."
        )
        return problem(
            403,
            message,
            kind="otp-enrolment-required",
            errors=[{"field": "otp", "message": message}],
        )
    return None


@auth_router.post(
    "/tokens",
    response={201: TokenCreatedOut},
    auth=None,
    summary="Create a personal API token (shown once)",
)
def token_create(request: HttpRequest, payload: TokenIn) -> Any:
    """Send ``username`` and ``password``, or call with a signed-in session and its CSRF token."""
    if payload.username is not None or payload.password is not None:
        try:
            user = sign_in(request, payload.username or "", payload.password or "")
        except SignInLocked as error:
            return _locked(error)
        if user is None:
            raise AuthenticationError()
        refused = _second_factor_refusal(request, user, payload.otp)
        if refused is not None:
            return refused
    else:
        user = session_auth(request)
        if user is None:
            raise AuthenticationError()
    token, raw = services.api_token_create(
        user=user, name=payload.name, expires_at=payload.expires_at
    )
    return Status(201, {**TokenOut.from_orm(token).dict(), "token": raw})


@auth_router.get("/tokens", response=list[TokenOut], summary="Your API tokens")
@paginate(PageNumberPagination)
def token_list(request: HttpRequest) -> list:
    return list(selectors.api_token_list(actor=request.auth))  # type: ignore[attr-defined]


@auth_router.delete("/tokens/{token_id}", response={204: None}, summary="Revoke a token")
def token_revoke(request: HttpRequest, token_id: int) -> Status:
    token = selectors.api_token_get(actor=request.auth, pk=token_id)  # type: ignore[attr-defined]
    services.api_token_revoke(actor=request.auth, token=token)  # type: ignore[attr-defined]
    return Status(204, None)


# --- Teams ----------------------------------------------------------------------------------


@router.get("/teams", response=list[TeamOut], summary="Teams you may see")
@paginate(PageNumberPagination)
def team_list(request: HttpRequest, ordering: str | None = None) -> object:
    teams = selectors.team_list(actor=request.auth)  # type: ignore[attr-defined]
    return apply_ordering(
        teams, ordering, {"name": "name", "created_at": "created_at"}, default="name"
    )


@router.get("/teams/{team_id}", response=TeamOut, summary="One team")
def team_detail(request: HttpRequest, team_id: int) -> Team:
    return selectors.team_get(actor=request.auth, pk=team_id)  # type: ignore[attr-defined]


@router.post("/teams", response={201: TeamOut}, summary="Create a team (administrators)")
def team_create(request: HttpRequest, payload: TeamIn) -> Status:
    actor = request.auth  # type: ignore[attr-defined]
    require_perm(actor, services.MANAGE_USERS)
    supervisor = _user_or_error(payload.supervisor, "supervisor")
    team = services.team_create(actor=actor, name=payload.name, supervisor=supervisor)
    return Status(201, selectors.team_get(actor=actor, pk=team.pk))


@router.patch(
    "/teams/{team_id}", response=TeamOut, summary="Rename a team or change its supervisor"
)
def team_update(request: HttpRequest, team_id: int, payload: TeamPatch) -> Team:
    actor = request.auth  # type: ignore[attr-defined]
    team = selectors.team_get(actor=actor, pk=team_id)
    require_perm(actor, services.MANAGE_USERS)
    fields = payload.dict(exclude_unset=True)
    supervisor = (
        _user_or_error(fields["supervisor"], "supervisor")
        if "supervisor" in fields
        else team.supervisor
    )
    services.team_update(
        actor=actor, team=team, name=fields.get("name") or team.name, supervisor=supervisor
    )
    return selectors.team_get(actor=actor, pk=team.pk)


# --- Users ----------------------------------------------------------------------------------


@router.get("/users", response=list[UserOut], summary="Users you may see")
@paginate(PageNumberPagination)
def user_list(request: HttpRequest, filters: Query[UserFilters]) -> object:  # type: ignore[valid-type]
    values = filters.dict(exclude={"ordering"})  # type: ignore[attr-defined]
    users = selectors.user_list(actor=request.auth, filters=values)  # type: ignore[attr-defined]
    ordering = filters.ordering  # type: ignore[attr-defined]
    return apply_ordering(users, ordering, USER_ORDERING, default="username")


@router.get("/users/{user_id}", response=UserOut, summary="One user")
def user_detail(request: HttpRequest, user_id: int) -> User:
    return selectors.user_get(actor=request.auth, pk=user_id)  # type: ignore[attr-defined]


@router.post("/users", response={201: UserOut}, summary="Create a user (administrators)")
def user_create(request: HttpRequest, payload: UserIn) -> Status:
    actor = request.auth  # type: ignore[attr-defined]
    require_perm(actor, services.MANAGE_USERS)
    user = services.user_create(
        actor=actor,
        username=payload.username,
        password=payload.password,
        role=payload.role,
        team=_team_or_error(payload.team),
        email=payload.email,
        first_name=payload.first_name,
        last_name=payload.last_name,
        mobile=payload.mobile,
    )
    return Status(201, user)


@router.patch("/users/{user_id}", response=UserOut, summary="Change a user (administrators)")
def user_update(request: HttpRequest, user_id: int, payload: UserPatch) -> User:
    actor = request.auth  # type: ignore[attr-defined]
    user = selectors.user_get(actor=actor, pk=user_id)
    require_perm(actor, services.MANAGE_USERS)
    changes = payload.dict(exclude_unset=True)
    if "team" in changes:
        changes["team"] = _team_or_error(changes["team"])
    for name in ("role", "is_active"):
        if name in changes and changes[name] is None:
            raise field_error(name, _("This field may not be null."))
    return services.user_update(actor=actor, user=user, **changes)


@router.post("/users/{user_id}/password", response={204: None}, summary="Reset a user's password")
def user_reset_password(request: HttpRequest, user_id: int, payload: PasswordIn) -> Status:
    actor = request.auth  # type: ignore[attr-defined]
    user = selectors.user_get(actor=actor, pk=user_id)
    services.user_reset_password(actor=actor, user=user, password=payload.password)
    return Status(204, None)


@router.delete(
    "/users/{user_id}/two-factor",
    response={204: None},
    summary="Reset a user's two-factor sign-in, for a lost phone (administrators)",
)
def user_two_factor_reset(request: HttpRequest, user_id: int) -> Status:
    actor = request.auth  # type: ignore[attr-defined]
    user = selectors.user_get(actor=actor, pk=user_id)
    twofactor.reset(actor=actor, user=user)
    return Status(204, None)
