"""Helpers that services use to refuse a request in one consistent way."""

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext as _

from guanxi.core.roles import can_write


def require_perm(actor: Any, perm: str) -> None:
    if not actor.has_perm(perm):
        raise PermissionDenied(_("You do not have permission to do this."))


def require_write(actor: Any) -> None:
    if not can_write(actor):
        raise PermissionDenied(_("Your role can view this data but not change it."))


def field_error(field: str, message: str) -> ValidationError:
    return ValidationError({field: [message]})
