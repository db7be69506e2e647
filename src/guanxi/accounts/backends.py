"""Permissions come from the user's role: the code table in ``accounts.permissions``."""

from typing import Any

from django.contrib.auth.backends import ModelBackend

from guanxi.accounts.permissions import ROLE_PERMISSIONS
from guanxi.core.roles import Role


class RoleBackend(ModelBackend):
    """``ModelBackend`` whose role permissions are the table's, not database groups.

    Administrators hold every permission, so a module added later needs nothing to let them
    in; permissions granted to one person (``user_permissions``) still count.
    """

    def get_group_permissions(self, user_obj: Any, obj: Any = None) -> set[str]:
        if not user_obj.is_active or user_obj.is_anonymous or obj is not None:
            return set()
        return set(ROLE_PERMISSIONS.get(getattr(user_obj, "role", ""), ()))

    def has_perm(self, user_obj: Any, perm: str, obj: Any = None) -> bool:
        if user_obj.is_active and getattr(user_obj, "role", None) == Role.ADMINISTRATOR:
            return True
        return super().has_perm(user_obj, perm, obj)
