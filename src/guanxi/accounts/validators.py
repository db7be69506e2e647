"""Password rules beyond Django's own: every message comes from our catalogue."""

from typing import Any

from django.contrib.auth.hashers import check_password
from django.contrib.auth.password_validation import MinimumLengthValidator as DjangoMinimumLength
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import ngettext


class MinimumLengthValidator(DjangoMinimumLength):
    """Django's rule with a message our catalogue translates (Django 5.2's new wording isn't)."""

    def get_error_message(self) -> str:
        return ngettext(
            "This password is too short. It must contain at least %(count)d character.",
            "This password is too short. It must contain at least %(count)d characters.",
            self.min_length,
        ) % {"count": self.min_length}


class CharacterClassesValidator:
    """At least two kinds of character among letters, digits and symbols: “correct-horse” and
    “orange42” pass, “orangeorange” does not."""

    def validate(self, password: str, user: Any = None) -> None:
        if password.isdigit():
            return  # NumericPasswordValidator says so already.
        kinds = (
            any(ch.isalpha() for ch in password),
            any(ch.isdigit() for ch in password),
            any(not ch.isalnum() for ch in password),
        )
        if sum(kinds) < 2:
            raise ValidationError(
                _(
                    "Use at least two kinds of character: letters, digits and symbols "
                    "(such as - or !)."
                ),
                code="password_too_simple",
            )

    def get_help_text(self) -> str:
        return _("Use at least two kinds of character: letters, digits and symbols.")


class PasswordHistoryValidator:
    """A new password may not be the current one or one of the ``remember`` before it."""

    def __init__(self, remember: int = 5) -> None:
        self.remember = remember

    def _earlier(self, user: Any) -> list[str]:
        if user is None or not getattr(user, "pk", None) or self.remember <= 0:
            return []
        from guanxi.accounts.models import PasswordHistory, User

        current = User.objects.filter(pk=user.pk).values_list("password", flat=True).first()
        kept = PasswordHistory.objects.filter(user_id=user.pk).values_list("password", flat=True)
        # The current password is usually the newest kept one too: check each hash once.
        return [h for h in dict.fromkeys([current, *kept[: self.remember]]) if h]

    def validate(self, password: str, user: Any = None) -> None:
        if any(check_password(password, earlier) for earlier in self._earlier(user)):
            raise ValidationError(
                ngettext(
                    "Choose a password you have not used before (your last %(count)d is kept).",
                    "Choose a password you have not used before (your last %(count)d are kept).",
                    self.remember,
                )
                % {"count": self.remember},
                code="password_reused",
            )

    def password_changed(self, password: str, user: Any = None) -> None:
        """Called by Django after a new password is saved: keep its hash, drop the oldest."""
        if user is None or not user.pk or self.remember <= 0:
            return
        from guanxi.accounts.models import PasswordHistory

        PasswordHistory.objects.create(user_id=user.pk, password=user.password)
        stale = PasswordHistory.objects.filter(user_id=user.pk).values_list("pk", flat=True)[
            self.remember :
        ]
        PasswordHistory.objects.filter(pk__in=list(stale)).delete()

    def get_help_text(self) -> str:
        return _("You cannot reuse a recent password.")
