"""E-mail to request: the poller reads a real IMAP conversation with a server on loopback."""

from email.message import EmailMessage
from typing import Any

import pytest
from django.core import mail

from guanxi.service.mailbox import poll_mailbox
from guanxi.service.models import RequestAttachment, RequestComment, ServiceRequest
from guanxi.service.services import service_request_pause
from tests.conftest import Book, People
from tests.factories import ContactFactory
from tests.service.imap_server import Mailbox

pytestmark = pytest.mark.django_db


def message(
    sender: str, subject: str, body: str, message_id: str, attachment: bytes | None = None
) -> bytes:
    email = EmailMessage()
    email["From"] = sender
    email["To"] = "service@example.com"
    email["Subject"] = subject
    email["Message-ID"] = message_id
    email.set_content(body)
    if attachment is not None:
        email.add_attachment(attachment, maintype="application", subtype="pdf", filename="发票.pdf")
    return email.as_bytes()


def test_a_new_message_becomes_a_request_and_is_acknowledged(
    people: People, book: Book, mailbox: Mailbox, django_capture_on_commit_callbacks: Any
) -> None:
    ContactFactory(customer=book.east, name="王芳", email="wangfang@huaxin.example")
    mailbox.messages.append(
        message(
            "王芳 <WangFang@huaxin.example>",
            "打印机无法连接",
            "从昨天开始打印机就连不上了。",
            "<m1@huaxin.example>",
            attachment=b"%PDF-1.4",
        )
    )
    with django_capture_on_commit_callbacks(execute=True):
        result = poll_mailbox()
    assert (result.created, result.replies, result.skipped) == (1, 0, 0)
    request = ServiceRequest.objects.get()
    assert (request.channel, request.summary, request.details) == (
        "email",
        "打印机无法连接",
        "从昨天开始打印机就连不上了。",
    )
    assert (request.customer, request.contact.name) == (book.east, "王芳")
    assert (request.requester_name, request.requester_email) == ("王芳", "wangfang@huaxin.example")
    assert request.first_response_due is not None
    assert RequestAttachment.objects.get(request=request).name == "发票.pdf"
    assert mailbox.seen == {1}
    assert [m.subject for m in mail.outbox] == [f"Re: [{request.number}] 打印机无法连接"]
    assert mail.outbox[0].to == ["wangfang@huaxin.example"]
    assert mail.outbox[0].extra_headers["In-Reply-To"] == "<m1@huaxin.example>"


def test_a_reply_joins_its_request_and_ends_the_wait(
    people: People, book: Book, mailbox: Mailbox
) -> None:
    mailbox.messages.append(
        message("李四 <lisi@example.com>", "发票问题", "请开发票", "<m1@example.com>")
    )
    poll_mailbox()
    request = ServiceRequest.objects.get()
    request.assignee = people.service_east
    request.status = "assigned"
    request.save()
    service_request_pause(actor=people.service_east, request=request)
    mailbox.messages.append(
        message(
            "lisi@example.com",
            f"Re: [{request.number}] 发票问题",
            "营业执照已附上",
            "<m2@example.com>",
        )
    )
    # A stranger quoting the number does not get into the request.
    mailbox.messages.append(
        message("spam@bad.example", f"[{request.number}]", "点击链接", "<m3@bad.example>")
    )
    result = poll_mailbox()
    assert (result.created, result.replies) == (1, 1)
    comment = RequestComment.objects.get(request=request)
    assert (comment.kind, comment.body) == ("customer", "营业执照已附上")
    request.refresh_from_db()
    assert request.paused_at is None
    assert ServiceRequest.objects.count() == 2


def test_a_message_is_taken_once(people: People, mailbox: Mailbox) -> None:
    raw = message("a@example.com", "你好", "问个问题", "<same@example.com>")
    mailbox.messages.append(raw)
    poll_mailbox()
    mailbox.messages.append(raw)  # the same message again (another folder, a resend)
    mailbox.seen.clear()  # and nothing marked seen: the poller must still not repeat it
    result = poll_mailbox()
    assert (result.created, result.skipped) == (0, 2)
    assert ServiceRequest.objects.count() == 1


def test_without_a_mailbox_nothing_happens(settings: Any) -> None:
    settings.IMAP_HOST = ""
    assert poll_mailbox().created == 0


def test_a_wrong_password_fails_loudly(settings: Any, mailbox: Mailbox) -> None:
    import imaplib

    settings.IMAP_PASSWORD = "wrong"
    with pytest.raises(imaplib.IMAP4.error, match="AUTHENTICATIONFAILED"):
        poll_mailbox()
