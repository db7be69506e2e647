"""Permissions come from the user's role: a group named by the role code."""

from typing import Any

from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import Permission

from guanxi.core.roles import Role


class RoleBackend(ModelBackend):
    """``ModelBackend`` whose group permissions are those of the user's role group.

    Administrators hold every permission, so a module added later needs no data migration
    to let them in.
    """

    def _get_group_permissions(self, user_obj: Any) -> Any:
        return Permission.objects.filter(group__name=user_obj.role)

    def has_perm(self, user_obj: Any, perm: str, obj: Any = None) -> bool:
        if user_obj.is_active and getattr(user_obj, "role", None) == Role.ADMINISTRATOR:
            return True
        return super().has_perm(user_obj, perm, obj)
