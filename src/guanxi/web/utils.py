"""Small helpers the server-rendered views share."""

from collections.abc import Callable
from functools import wraps
from typing import TYPE_CHECKING, Any, TypeVar

from django import forms
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse

if TYPE_CHECKING:
    from guanxi.accounts.models import User

T = TypeVar("T")


class AuthedRequest(HttpRequest):
    """A request that ``require`` has let through: its user is signed in."""

    user: "User"  # type: ignore[assignment]


def require(perm: str | None = None) -> Callable:
    """Sign-in required (redirect to the login page), then ``perm`` required (403)."""

    def decorator(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if perm and not request.user.has_perm(perm):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return wrapper

    return decorator


def run_service(form: forms.BaseForm, call: Callable[[], T]) -> T | None:
    """Call a service; show its validation errors on the form's fields instead of raising."""
    try:
        return call()
    except ValidationError as error:
        if hasattr(error, "error_dict"):
            for field, messages in error.message_dict.items():
                form.add_error(field if field in form.fields else None, messages)
        else:
            form.add_error(None, error)
        return None
