"""E-mail to service request: poll an IMAP mailbox, turn each new message into a request.

A message that answers one of ours — its In-Reply-To or References name a reply we e-mailed,
or the request's first e-mail — or whose subject carries a request number ("[SR0000000042]",
as our acknowledgement's and replies' subjects do) is the customer answering that request: it
is added to it as the customer's comment and ends a wait on the customer. Any other message
becomes a new request in the service team's queue, linked to the customer whose contact (or
company) has the sender's address, and the sender gets an acknowledgement with the number. Each
message is taken once: its Message-ID is kept, and it is marked seen only after it is saved.
"""

import imaplib
import logging
import re
from dataclasses import dataclass
from email import message_from_bytes, policy
from email.message import EmailMessage
from email.utils import parseaddr

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.mail import EmailMessage as OutgoingMessage
from django.db import transaction
from django.db.models import Q
from django.utils.html import strip_tags
from django.utils.translation import gettext as _
from huey.contrib.djhuey import db_task

from guanxi.service.models import (
    RequestAttachment,
    RequestComment,
    ServiceRequest,
    ServiceSettings,
)
from guanxi.service.services.requests import customer_reply_add, service_request_create
from guanxi.service.services.setup import match_customer

log = logging.getLogger(__name__)
NUMBER = re.compile(r"\[(SR\d{10})\]")
MESSAGE_ID = re.compile(r"<[^<>\s]+>")


@dataclass
class PollResult:
    created: int = 0
    replies: int = 0
    skipped: int = 0


def _body(message: EmailMessage) -> str:
    part = message.get_body(preferencelist=("plain", "html"))
    if part is None:
        return ""
    text = part.get_content()
    if part.get_content_type() == "text/html":
        text = strip_tags(text)
    return text.strip()


def _attach(request: ServiceRequest, message: EmailMessage) -> None:
    for part in message.iter_attachments():
        content = part.get_payload(decode=True) or b""
        if not content or len(content) > settings.SERVICE_ATTACHMENT_MAX_BYTES:
            continue
        name = (part.get_filename() or "attachment")[-200:]
        RequestAttachment.objects.create(
            request=request, file=ContentFile(content, name=name), name=name, size=len(content)
        )


@transaction.atomic
def message_to_request(raw: bytes) -> str:
    """Take one message: "created", "reply" or "skipped" (already taken, or from ourselves)."""
    message = message_from_bytes(raw, policy=policy.default)
    assert isinstance(message, EmailMessage)
    message_id = str(message.get("Message-ID", "")).strip()[:250]
    if message_id and (
        ServiceRequest.objects.filter(email_message_id=message_id).exists()
        or RequestComment.objects.filter(message_id=message_id).exists()
    ):
        return "skipped"
    name, address = parseaddr(str(message.get("From", "")))
    address = address.lower()
    if not address or address == parseaddr(settings.DEFAULT_FROM_EMAIL)[1].lower():
        return "skipped"
    subject = str(message.get("Subject", "")).strip()
    body = _body(message)
    request = _answered_request(message, subject, address)
    if request is not None:
        customer_reply_add(request=request, body=body or subject, message_id=message_id)
        _attach(request, message)
        return "reply"
    customer, contact = match_customer("", address)
    desk = ServiceSettings.load()
    request = service_request_create(
        actor=None,
        customer=customer,
        contact=contact,
        team=desk.default_team,
        service_type="inquiry",
        channel=ServiceRequest.Channel.EMAIL,
        summary=subject[:200] or _("(no subject)"),
        details=body,
        requester_name=name[:100],
        requester_email=address,
    )
    ServiceRequest.objects.filter(pk=request.pk).update(email_message_id=message_id)
    _attach(request, message)
    transaction.on_commit(lambda: send_acknowledgement(request.pk))
    return "created"


def _answered_request(message: EmailMessage, subject: str, address: str) -> ServiceRequest | None:
    """The request this message answers, if the sender is one who may add to it."""
    # Only the person who asked (or the contact, or the customer on file) adds to a request.
    sender = (
        Q(requester_email__iexact=address)
        | Q(contact__email__iexact=address)
        | Q(customer__email__iexact=address)
    )
    ids = MESSAGE_ID.findall(f"{message.get('In-Reply-To', '')} {message.get('References', '')}")
    if ids:
        thread = Q(email_message_id__in=ids) | Q(
            comments__message_id__in=ids, comments__kind=RequestComment.Kind.REPLY
        )
        request = ServiceRequest.objects.filter(sender, thread).distinct().first()
        if request is not None:
            return request
    found = NUMBER.search(subject)
    if found:
        return ServiceRequest.objects.filter(sender, number=found.group(1)).first()
    return None


@db_task(retries=3, retry_delay=60)
def send_acknowledgement(request_id: int) -> None:
    """Tell the sender their request's number; replying keeps it in the subject."""
    request = ServiceRequest.objects.filter(pk=request_id).first()
    if request is None or not request.requester_email:
        return
    thread = {}
    if request.email_message_id:
        thread = {"In-Reply-To": request.email_message_id, "References": request.email_message_id}
    if settings.SERVICE_REPLY_TO:
        thread["Reply-To"] = settings.SERVICE_REPLY_TO
    OutgoingMessage(
        subject=f"Re: [{request.number}] {request.summary}",
        body=_(
            "We have your request and will answer within our service hours.\n\n"
            "Your request number is %(number)s. Reply to this e-mail to add to it."
        )
        % {"number": request.number},
        to=[request.requester_email],
        headers=thread,
    ).send()


def poll_mailbox() -> PollResult:
    """Read the unseen messages of the configured IMAP folder; mark each seen once taken."""
    result = PollResult()
    if not settings.IMAP_HOST:
        return result
    client_class = imaplib.IMAP4_SSL if settings.IMAP_SSL else imaplib.IMAP4
    with client_class(settings.IMAP_HOST, settings.IMAP_PORT) as client:
        client.login(settings.IMAP_USER, settings.IMAP_PASSWORD)
        client.select(settings.IMAP_FOLDER)
        _status, data = client.search(None, "UNSEEN")
        for number in data[0].split():
            _status, parts = client.fetch(number, "(RFC822)")
            raw = next(part[1] for part in parts if isinstance(part, tuple))
            try:
                outcome = message_to_request(raw)
            except Exception:  # one bad message must not stop the others
                log.exception("could not take message %s from the mailbox", number)
                continue
            client.store(number, "+FLAGS", "\\Seen")
            if outcome == "created":
                result.created += 1
            elif outcome == "reply":
                result.replies += 1
            else:
                result.skipped += 1
        client.logout()
    return result
