"""In-app notifications, each also sent by e-mail through the job queue."""

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from huey.contrib.djhuey import db_task

from guanxi.core.models import Notification


@contextmanager
def in_language_of(user: Any) -> Iterator[None]:
    """Write a notification in its reader's language, not the language of whoever caused it."""
    with translation.override(getattr(user, "language", "") or settings.LANGUAGE_CODE):
        yield


def notify(*, user: Any, title: str, body: str = "", url: str = "", key: str = "") -> bool:
    """Tell ``user``; with a ``key`` the same event is told once however often a job runs it.

    Returns whether a new notification was made. The e-mail leaves after the commit.
    """
    try:
        with transaction.atomic():
            notification = Notification.objects.create(
                user=user, title=title[:200], body=body, url=url[:300], key=key[:100]
            )
    except IntegrityError:
        return False
    if getattr(user, "email", ""):
        transaction.on_commit(lambda: send_notification_email(notification.pk))
    return True


@db_task(retries=3, retry_delay=60)
def send_notification_email(notification_id: int) -> None:
    notification = Notification.objects.select_related("user").filter(pk=notification_id).first()
    if notification is None or not notification.user.email:
        return
    link = f"{settings.SITE_URL}{notification.url}" if notification.url else ""
    send_mail(
        subject=notification.title,
        message="\n\n".join(part for part in (notification.body, link) if part),
        from_email=None,
        recipient_list=[notification.user.email],
    )


def mark_read(*, user: Any, ids: list[int] | None = None) -> int:
    """Mark the user's notifications read (all of them without ``ids``)."""
    unread = Notification.objects.filter(user=user, read_at__isnull=True)
    if ids is not None:
        unread = unread.filter(pk__in=ids)
    return unread.update(read_at=timezone.now())
