"""Shared models: the audit trail, the data dictionary and the worker heartbeat."""

from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _


class TimestampedModel(models.Model):
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        abstract = True


class SettingModel(models.Model):
    """A set-up row an administrator edits: who changed it last, and when."""

    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("updated by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        abstract = True


class BilingualLabelMixin:
    """Picks ``label_zh`` or ``label_en`` by the active language."""

    label_en: str
    label_zh: str

    @property
    def label(self) -> str:
        language = get_language() or ""
        if language.startswith("zh"):
            return self.label_zh or self.label_en
        return self.label_en or self.label_zh


class AuditEntry(models.Model):
    """One change to one record: who, when, what, and each field's value before and after."""

    class Action(models.TextChoices):
        CREATE = "create", _("Created")
        UPDATE = "update", _("Changed")
        DELETE = "delete", _("Deleted")

    at = models.DateTimeField(_("time"), default=timezone.now, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("changed by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    action = models.CharField(_("action"), max_length=10, choices=Action.choices)
    # App label and model name ("accounts.user"): stable across content-type renumbering.
    model = models.CharField(_("record type"), max_length=100)
    object_id = models.CharField(_("record id"), max_length=64)
    object_repr = models.CharField(_("record"), max_length=200)
    changes = models.JSONField(_("changes"), default=dict)

    class Meta:
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit entries")
        ordering = ["-at", "-id"]
        indexes = [
            models.Index(fields=["model", "object_id", "-at"], name="audit_record_idx"),
            models.Index(fields=["actor", "-at"], name="audit_actor_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.action} {self.model}#{self.object_id}"

    def change_rows(self) -> list[tuple[str, Any, Any]]:
        return [(field, values[0], values[1]) for field, values in self.changes.items()]


class AccessEntry(models.Model):
    """Who saw what (PIPL/GDPR): one customer, contact or 360 page opened, masked personal data
    revealed (``detail`` names the fields), or one export, with the time and the address.
    Kept ``ACCESS_LOG_DAYS`` days."""

    class Action(models.TextChoices):
        VIEW = "view", _("Viewed")
        REVEAL = "reveal", _("Revealed personal data")
        EXPORT = "export", _("Exported")

    at = models.DateTimeField(_("time"), default=timezone.now)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("seen by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    action = models.CharField(_("action"), max_length=10, choices=Action.choices)
    model = models.CharField(_("record type"), max_length=100)
    object_id = models.CharField(_("record id"), max_length=64, blank=True)
    object_repr = models.CharField(_("record"), max_length=200, blank=True)
    rows = models.PositiveIntegerField(_("rows"), null=True, blank=True)
    detail = models.CharField(_("detail"), max_length=500, blank=True)
    address = models.CharField(_("address"), max_length=64, blank=True)

    class Meta:
        verbose_name = _("access entry")
        verbose_name_plural = _("access entries")
        ordering = ["-at", "-id"]
        permissions = [("view_personal_data", "Can see personal data unmasked")]
        indexes = [
            models.Index(fields=["at"], name="access_at_idx"),
            models.Index(fields=["actor", "at"], name="access_actor_idx"),
            models.Index(fields=["model", "object_id", "at"], name="access_record_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.actor_id} {self.action} {self.model}:{self.object_id}"


class DictCategory(BilingualLabelMixin, models.Model):
    """A list of values users pick from: customer levels, regions, industries…"""

    code = models.SlugField(_("code"), max_length=50, unique=True)
    label_en = models.CharField(_("English label"), max_length=100)
    label_zh = models.CharField(_("Chinese label"), max_length=100)
    order = models.PositiveIntegerField(_("order"), default=0)
    editable = models.BooleanField(
        _("editable"), default=True, help_text=_("Whether items may be added to this category.")
    )

    class Meta:
        verbose_name = _("dictionary category")
        verbose_name_plural = _("dictionary categories")
        ordering = ["order", "code"]

    def __str__(self) -> str:
        return self.label


class DictItem(BilingualLabelMixin, models.Model):
    category = models.ForeignKey(
        DictCategory, verbose_name=_("category"), on_delete=models.CASCADE, related_name="items"
    )
    code = models.SlugField(_("code"), max_length=50)
    label_en = models.CharField(_("English label"), max_length=100)
    label_zh = models.CharField(_("Chinese label"), max_length=100)
    order = models.PositiveIntegerField(_("order"), default=0)
    active = models.BooleanField(_("active"), default=True)
    editable = models.BooleanField(
        _("editable"), default=True, help_text=_("Protected items cannot be changed or deleted.")
    )

    class Meta:
        verbose_name = _("dictionary item")
        verbose_name_plural = _("dictionary items")
        ordering = ["category", "order", "code"]
        constraints = [
            models.UniqueConstraint(fields=["category", "code"], name="dictitem_unique_code")
        ]

    def __str__(self) -> str:
        return self.label


class WorkerHeartbeat(models.Model):
    """The last time a job worker ran its periodic heartbeat; read by ``/healthz``."""

    name = models.CharField(max_length=100, unique=True)
    beat_at = models.DateTimeField()

    class Meta:
        verbose_name = _("worker heartbeat")
        verbose_name_plural = _("worker heartbeats")

    def __str__(self) -> str:
        return f"{self.name} {self.beat_at:%Y-%m-%d %H:%M:%S}"


class Sequence(models.Model):
    """A named counter for generated record numbers (customer codes, order numbers)."""

    name = models.CharField(max_length=50, primary_key=True)
    last = models.BigIntegerField(default=0)

    class Meta:
        verbose_name = _("number sequence")
        verbose_name_plural = _("number sequences")

    def __str__(self) -> str:
        return f"{self.name}={self.last}"


class Notification(models.Model):
    """A message for one user in the app (the bell in the menu); e-mail is sent beside it."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="notifications",
    )
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("body"), blank=True)
    url = models.CharField(_("link"), max_length=300, blank=True)
    # What raised it ("activity:12:reminder"), so a job that runs twice notifies once.
    key = models.CharField(_("key"), max_length=100, blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["user", "read_at", "created_at"], name="notification_user_idx"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "key"],
                condition=~models.Q(key=""),
                name="notification_once_per_key",
            )
        ]

    def __str__(self) -> str:
        return self.title


class PrivacyRequest(models.Model):
    """A data-subject request carried out (PIPL/GDPR): one person's records exported,
    anonymised or erased. It names the record it started from and how many records of each
    kind it touched, never the person's data, so it survives the erasure it records."""

    class Action(models.TextChoices):
        EXPORT = "export", _("Exported")
        ANONYMISE = "anonymise", _("Anonymised")
        ERASE = "erase", _("Erased")

    at = models.DateTimeField(_("time"), default=timezone.now)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    action = models.CharField(_("action"), max_length=10, choices=Action.choices)
    subject_model = models.CharField(_("record type"), max_length=100)
    subject_id = models.CharField(_("record id"), max_length=64)
    reason = models.CharField(_("reason"), max_length=500, blank=True)
    counts = models.JSONField(_("records"), default=dict)

    class Meta:
        verbose_name = _("privacy request")
        verbose_name_plural = _("privacy requests")
        ordering = ["-at", "-id"]
        permissions = [
            ("manage_personal_data", "Can find, export, anonymise and erase a person's data")
        ]
        indexes = [models.Index(fields=["at"], name="privacyrequest_at_idx")]

    def __str__(self) -> str:
        return f"{self.action} {self.subject_model}:{self.subject_id}"
