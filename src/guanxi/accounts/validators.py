from django.contrib.auth.password_validation import MinimumLengthValidator as DjangoMinimumLength
from django.utils.translation import ngettext


class MinimumLengthValidator(DjangoMinimumLength):
    """Django's rule with a message our catalogue translates (Django 5.2's new wording isn't)."""

    def get_error_message(self) -> str:
        return ngettext(
            "This password is too short. It must contain at least %(count)d character.",
            "This password is too short. It must contain at least %(count)d characters.",
            self.min_length,
        ) % {"count": self.min_length}
