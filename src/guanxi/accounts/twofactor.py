"""Two-factor sign-in: a time-based code (TOTP, RFC 6238) from an authenticator app, or one
of ten single-use recovery codes.

The devices are django-otp's (``TOTPDevice``, ``StaticDevice``); this module owns the rules:
enrolment is confirmed with a first code, recovery codes are shown once, turning it off needs
a code and is refused where the user's role requires it (``TwoFactorPolicy``, set by an
administrator), and an administrator may reset a user who lost their phone. Every change is
in the user's audit trail. A wrong code counts as a failed sign-in (``accounts.signin``), so
codes are throttled and locked out exactly as passwords are.

A signed-in browser carries ``SESSION_KEY``: ``VERIFIED`` once a code was given (at sign-in or
enrolment), ``NEEDED`` while its role requires a second factor the user has not set up — the
middleware then keeps it on the set-up page.
"""

import base64
from typing import Any

import segno
from django.core.cache import cache
from django.db import transaction
from django.db.models import Count, Q
from django.http import HttpRequest
from django.utils.translation import gettext as _
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from guanxi.accounts.models import TwoFactorPolicy, User
from guanxi.core.audit import audit_note
from guanxi.core.errors import field_error, require_perm
from guanxi.core.roles import Role

MANAGE_USERS = "accounts.manage_users"
RECOVERY_CODES = 10
DEVICE_NAME = "authenticator"
SESSION_KEY = "guanxi_2fa"
VERIFIED = "verified"
NEEDED = "needed"
POLICY_CACHE_KEY = "twofactor:required-roles"


def invalid_code_message() -> str:
    return _(
        "This code is not valid. Enter the 6-digit code your authenticator app shows now, "
        "or one of your recovery codes."
    )


def _normalise(code: str) -> str:
    return "".join(code.split()).replace("-", "").lower()


def totp_device(user: User, *, confirmed: bool = True) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=confirmed).first()


def is_enrolled(user: User) -> bool:
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def required_roles() -> frozenset[str]:
    """The roles that must use two-factor sign-in (cached; changed only by ``policy_set``)."""
    roles = cache.get(POLICY_CACHE_KEY)
    if roles is None:
        roles = frozenset(
            TwoFactorPolicy.objects.filter(required=True).values_list("role", flat=True)
        )
        cache.set(POLICY_CACHE_KEY, roles, None)
    return frozenset(roles)


def is_required(user: User) -> bool:
    return user.role in required_roles()


def recovery_codes_left(user: User) -> int:
    return StaticToken.objects.filter(device__user=user, device__confirmed=True).count()


def secret(device: TOTPDevice) -> str:
    """The key as authenticator apps take it typed in: base32, in groups of four."""
    key = base64.b32encode(device.bin_key).decode().rstrip("=")
    return " ".join(key[i : i + 4] for i in range(0, len(key), 4))


def qr_svg(device: TOTPDevice) -> str:
    """The enrolment QR code as inline SVG (no script, no external image)."""
    return str(segno.make(device.config_url, error="m").svg_inline(scale=4, border=2))


def _audit(actor: User | None, user: User, before: str, after: str) -> None:
    audit_note(actor=actor, instance=user, field="two-factor", before=before, after=after)


def _new_recovery_codes(user: User) -> list[str]:
    StaticDevice.objects.filter(user=user).delete()
    device = StaticDevice.objects.create(user=user, name="recovery", confirmed=True)
    codes = [StaticToken.random_token() for _n in range(RECOVERY_CODES)]
    StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in codes)
    return [f"{code[:4]}-{code[4:]}" for code in codes]


def check_code(user: User, code: str, *, recovery: bool = True) -> str | None:
    """``"totp"`` or ``"recovery"`` when ``code`` is good (a recovery code is used up), else
    None. The devices are locked while they are checked, so one code cannot be used twice."""
    code = _normalise(code)
    if not code:
        return None
    with transaction.atomic():
        device = TOTPDevice.objects.select_for_update().filter(user=user, confirmed=True).first()
        if device is not None and code.isdigit() and device.verify_token(code):
            return "totp"
        if recovery and not code.isdigit():
            for static in StaticDevice.objects.select_for_update().filter(user=user):
                if static.verify_token(code):
                    return "recovery"
    return None


def _require_code(user: User, code: str, *, recovery: bool = True) -> str:
    if not _normalise(code):
        raise field_error("code", _("Enter the 6-digit code from your authenticator app."))
    used = check_code(user, code, recovery=recovery)
    if used is None:
        raise field_error("code", invalid_code_message())
    return used


@transaction.atomic
def enrol_start(*, user: User) -> TOTPDevice:
    """A new secret for the user's app, not yet in use until ``enrol_confirm``."""
    if is_enrolled(user):
        raise field_error("code", _("Two-factor sign-in is already on for your account."))
    TOTPDevice.objects.filter(user=user, confirmed=False).delete()
    return TOTPDevice.objects.create(user=user, name=DEVICE_NAME, confirmed=False)


@transaction.atomic
def enrol_confirm(*, user: User, code: str) -> list[str]:
    """Turn two-factor sign-in on with the first code the app shows; returns the recovery
    codes, which are shown this once."""
    device = TOTPDevice.objects.select_for_update().filter(user=user, confirmed=False).last()
    if device is None:
        if is_enrolled(user):
            raise field_error("code", _("Two-factor sign-in is already on for your account."))
        raise field_error("code", _("Start the set-up first: a new secret is needed."))
    code = _normalise(code)
    if not code:
        raise field_error("code", _("Enter the 6-digit code from your authenticator app."))
    if not (code.isdigit() and device.verify_token(code)):
        raise field_error(
            "code",
            _(
                "This code does not match. Check that your phone's clock is right and enter "
                "the code the app shows now."
            ),
        )
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    codes = _new_recovery_codes(user)
    _audit(user, user, _("off"), _("on"))
    return codes


@transaction.atomic
def recovery_codes_renew(*, user: User, code: str) -> list[str]:
    """Ten new recovery codes in place of the old ones, confirmed with a current app code."""
    if not is_enrolled(user):
        raise field_error("code", _("Two-factor sign-in is not on for your account."))
    _require_code(user, code, recovery=False)
    codes = _new_recovery_codes(user)
    _audit(user, user, _("on"), _("new recovery codes"))
    return codes


@transaction.atomic
def disable(*, user: User, code: str) -> None:
    """Turn two-factor sign-in off (a current code proves it is the owner)."""
    if not is_enrolled(user):
        raise field_error("code", _("Two-factor sign-in is not on for your account."))
    if is_required(user):
        raise field_error(
            "code", _("Your role requires two-factor sign-in, so it cannot be turned off.")
        )
    _require_code(user, code)
    _remove_devices(user)
    _audit(user, user, _("on"), _("off"))


def _remove_devices(user: User) -> None:
    TOTPDevice.objects.filter(user=user).delete()
    StaticDevice.objects.filter(user=user).delete()


@transaction.atomic
def reset(*, actor: User, user: User) -> None:
    """An administrator removes a user's second factor (a lost phone); the user sets it up
    again at their next sign-in if their role requires it."""
    require_perm(actor, MANAGE_USERS)
    if not TOTPDevice.objects.filter(user=user).exists():
        raise field_error(
            "user", _("%(name)s has no two-factor sign-in to reset.") % {"name": user}
        )
    _remove_devices(user)
    _audit(actor, user, _("on"), _("reset by an administrator"))


@transaction.atomic
def policy_set(*, actor: User, roles: list[str]) -> frozenset[str]:
    """Require two-factor sign-in for exactly ``roles``."""
    require_perm(actor, MANAGE_USERS)
    unknown = sorted(set(roles) - set(Role.values))
    if unknown:
        raise field_error("roles", _("Unknown role: %(roles)s.") % {"roles": ", ".join(unknown)})
    for role in Role.values:
        policy = TwoFactorPolicy.objects.select_for_update().filter(role=role).first()
        wanted = role in roles
        if (policy.required if policy is not None else False) == wanted:
            continue
        policy = policy or TwoFactorPolicy(role=role)
        policy.required = wanted
        policy.updated_by = actor
        policy.save()
        audit_note(actor=actor, instance=policy, field="required", before=not wanted, after=wanted)
    cache.delete(POLICY_CACHE_KEY)
    return required_roles()


def policy_table() -> list[dict[str, Any]]:
    """Each role with whether it must use two-factor sign-in and how many of its active users
    have set it up."""
    required = required_roles()
    counts: dict[str, Any] = {
        row["role"]: row
        for row in User.objects.filter(is_active=True)
        .values("role")
        .annotate(
            users=Count("id", distinct=True),
            enrolled=Count("id", filter=Q(totpdevice__confirmed=True), distinct=True),
        )
    }
    return [
        {
            "role": role.value,
            "label": str(role.label),
            "required": role.value in required,
            "users": counts.get(role.value, {}).get("users", 0),
            "enrolled": counts.get(role.value, {}).get("enrolled", 0),
        }
        for role in Role
    ]


def session_mark(request: HttpRequest, user: User, *, verified: bool) -> None:
    """Note on the browser's session whether it gave a second factor, or must set one up."""
    if verified:
        request.session[SESSION_KEY] = VERIFIED
    elif is_required(user) and not is_enrolled(user):
        request.session[SESSION_KEY] = NEEDED
    else:
        request.session.pop(SESSION_KEY, None)
