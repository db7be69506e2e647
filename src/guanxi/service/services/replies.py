"""Replies e-mailed to the customer, in the request's thread, through the job queue.

A reply gets its Message-ID when it is written, so every attempt sends the same message and the
customer's answer (``In-Reply-To`` it) finds its way back to the request through the mailbox.
The worker tries four times, a minute apart; after the last failure the reply is marked *not
delivered*, its author is told, and it can be sent again from the request.
"""

from email.utils import make_msgid, parseaddr

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from huey.contrib.djhuey import db_task

from guanxi.core.errors import field_error
from guanxi.core.notifications import in_language_of, notify
from guanxi.service.models import RequestComment, ServiceRequest

Delivery = RequestComment.Delivery
# How many earlier messages of the thread a reply names in its References header.
REFERENCES_KEPT = 10


def reply_address(request: ServiceRequest) -> str:
    """Where a reply goes: whoever asked, else the contact, else the customer's own address."""
    contact = request.contact.email if request.contact_id else ""  # type: ignore[union-attr]
    customer = request.customer.email if request.customer_id else ""  # type: ignore[union-attr]
    return request.requester_email or contact or customer


def _domain() -> str:
    address = parseaddr(settings.DEFAULT_FROM_EMAIL)[1]
    return address.rpartition("@")[2] or "localhost"


def prepare_reply(comment: RequestComment, email: bool | None) -> None:
    """Mark a new reply for sending (before it is saved) when it is to be e-mailed.

    ``email`` True insists on sending (an error names the field when there is no address),
    False records the reply only (one given on the phone), None sends when there is an address.
    """
    if comment.kind != RequestComment.Kind.REPLY or email is False:
        return
    address = reply_address(comment.request)
    if not address:
        if email:
            raise field_error(
                "email",
                _("This request has no e-mail address to send the reply to."),
            )
        return
    comment.recipient = address
    comment.delivery = Delivery.QUEUED
    comment.message_id = make_msgid(domain=_domain())


def queue_reply(comment: RequestComment) -> None:
    """After the commit, hand a reply marked for sending to the worker."""
    if comment.delivery != Delivery.QUEUED:
        return
    language = translation.get_language() or settings.LANGUAGE_CODE
    transaction.on_commit(lambda: send_reply(comment.pk, language))


def _thread(comment: RequestComment) -> list[str]:
    """The Message-IDs before this reply, oldest first: the first e-mail and every message since."""
    request = comment.request
    earlier = (
        RequestComment.objects.filter(request=request, pk__lt=comment.pk)
        .exclude(message_id="")
        .exclude(delivery__in=[Delivery.QUEUED, Delivery.FAILED])
        .order_by("-pk")
        .values_list("message_id", flat=True)[:REFERENCES_KEPT]
    )
    ids = list(reversed(earlier))
    if request.email_message_id:
        ids.insert(0, request.email_message_id)
    return ids


def build_reply(comment: RequestComment, language: str) -> EmailMessage:
    request = comment.request
    thread = _thread(comment)
    headers = {"Message-ID": comment.message_id}
    if thread:
        headers["In-Reply-To"] = thread[-1]
        headers["References"] = " ".join(thread)
    if settings.SERVICE_REPLY_TO:
        headers["Reply-To"] = settings.SERVICE_REPLY_TO
    with translation.override(language):
        footer = _("Reply to this e-mail to answer us about request %(number)s.") % {
            "number": request.number
        }
    subject = f"[{request.number}] {request.summary}"
    return EmailMessage(
        subject=f"Re: {subject}" if request.email_message_id else subject,
        body=f"{comment.body}\n\n-- \n{footer}\n",
        to=[comment.recipient],
        headers=headers,
    )


def deliver_reply(comment_id: int, language: str, *, final: bool) -> str:
    """One attempt at sending; returns the delivery state. Raises on a failure that will be
    retried, so the queue tries again."""
    comment = (
        RequestComment.objects.select_related("request", "author").filter(pk=comment_id).first()
    )
    if comment is None or comment.delivery != Delivery.QUEUED:
        return comment.delivery if comment else ""
    try:
        build_reply(comment, language).send()
    except Exception as error:
        comment.delivery_error = (str(error) or error.__class__.__name__)[:300]
        if final:
            comment.delivery = Delivery.FAILED
        comment.save(update_fields=["delivery", "delivery_error"])
        if not final:
            raise
        _tell_author(comment)
        return str(comment.delivery)
    comment.delivery, comment.sent_at, comment.delivery_error = Delivery.SENT, timezone.now(), ""
    comment.save(update_fields=["delivery", "sent_at", "delivery_error"])
    return str(comment.delivery)


def _tell_author(comment: RequestComment) -> None:
    request = comment.request
    reader = comment.author or request.assignee
    if reader is None:
        return
    with in_language_of(reader):
        notify(
            user=reader,
            title=_("%(number)s: your reply could not be sent to %(address)s")
            % {"number": request.number, "address": comment.recipient},
            body=comment.delivery_error,
            url=request.get_absolute_url(),
        )


@db_task(retries=3, retry_delay=60, context=True)
def send_reply(comment_id: int, language: str, task: object = None) -> str:
    retries = getattr(task, "retries", 0)
    return deliver_reply(comment_id, language, final=not retries)
