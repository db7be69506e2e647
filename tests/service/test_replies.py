"""Replies to the customer leave by e-mail (a real SMTP server on loopback), in the request's
thread, through the job queue; the customer's answer comes back through the IMAP intake."""

from email.message import EmailMessage
from typing import Any

import pytest
from django.utils import translation

from guanxi.core.models import Notification
from guanxi.service import services
from guanxi.service.mailbox import poll_mailbox
from guanxi.service.models import RequestComment, ServiceRequest
from guanxi.service.services.replies import deliver_reply, reply_address
from guanxi.service.services.requests import customer_reply_add
from tests.conftest import Book, Inbox, People, bearer_for, client_for, free_port, post
from tests.factories import ContactFactory, ServiceRequestFactory
from tests.service.imap_server import Mailbox

pytestmark = pytest.mark.django_db
URL = "/api/v1/service-requests"


@pytest.fixture
def emailed(people: People, book: Book) -> ServiceRequest:
    """A request that came in by e-mail from 李四, assigned to service_east."""
    return ServiceRequestFactory(
        customer=book.east,
        team=people.east,
        assignee=people.service_east,
        status="assigned",
        channel="email",
        summary="发票问题",
        requester_name="李四",
        requester_email="lisi@huaxin.example",
        email_message_id="<first@huaxin.example>",
    )


def reply(people: People, request: ServiceRequest, body: str = "发票已重开。", **kw: Any) -> Any:
    return services.service_request_comment(
        actor=people.service_east, request=request, body=body, kind="reply", **kw
    )


def answer(subject: str, body: str, message_id: str, in_reply_to: str = "") -> bytes:
    email = EmailMessage()
    email["From"] = "李四 <LiSi@huaxin.example>"
    email["To"] = "service@example.com"
    email["Subject"] = subject
    email["Message-ID"] = message_id
    if in_reply_to:
        email["In-Reply-To"] = in_reply_to
        email["References"] = f"<first@huaxin.example> {in_reply_to}"
    email.set_content(body)
    return email.as_bytes()


class TestSending:
    def test_a_reply_leaves_in_the_requests_thread(
        self,
        people: People,
        emailed: ServiceRequest,
        smtp: Inbox,
        django_capture_on_commit_callbacks: Any,
    ) -> None:
        with translation.override("zh-hans"), django_capture_on_commit_callbacks(execute=True):
            comment = reply(people, emailed)
        comment.refresh_from_db()
        assert (comment.delivery, comment.recipient, comment.delivery_error) == (
            "sent",
            "lisi@huaxin.example",
            "",
        )
        assert comment.sent_at is not None
        [sent] = smtp.emails()
        assert smtp.messages[0][0] == ["lisi@huaxin.example"]
        assert sent["Subject"] == f"Re: [{emailed.number}] 发票问题"
        assert sent["Message-ID"] == comment.message_id
        assert comment.message_id.endswith("@localhost>")
        assert sent["In-Reply-To"] == "<first@huaxin.example>"
        assert sent["References"] == "<first@huaxin.example>"
        assert sent.get_content().replace("\r\n", "\n") == (
            f"发票已重开。\n\n-- \n回复此邮件即可就请求 {emailed.number} 答复我们。\n"
        )
        emailed.refresh_from_db()
        assert emailed.first_response_at is not None

    def test_the_second_reply_names_the_whole_thread(
        self,
        people: People,
        emailed: ServiceRequest,
        smtp: Inbox,
        django_capture_on_commit_callbacks: Any,
    ) -> None:
        with django_capture_on_commit_callbacks(execute=True):
            first = reply(people, emailed, "第一次答复")
        theirs = customer_reply_add(request=emailed, body="还有问题", message_id="<q2@huaxin>")
        with django_capture_on_commit_callbacks(execute=True):
            reply(people, emailed, "第二次答复")
        second = smtp.emails()[1]
        assert second["In-Reply-To"] == theirs.message_id
        assert second["References"] == f"<first@huaxin.example> {first.message_id} <q2@huaxin>"

    def test_the_footer_is_in_the_language_the_reply_was_written_in(
        self,
        people: People,
        emailed: ServiceRequest,
        smtp: Inbox,
        django_capture_on_commit_callbacks: Any,
    ) -> None:
        client = client_for(people.service_east, language="zh-hans")
        with django_capture_on_commit_callbacks(execute=True):
            client.post(
                f"/service/{emailed.pk}/comment/",
                {"kind": "reply", "body": "已处理", "email": "on"},
            )
        [sent] = smtp.emails()
        assert f"回复此邮件即可就请求 {emailed.number} 答复我们。" in sent.get_content()

    def test_unticked_or_without_an_address_the_reply_is_recorded_only(
        self, people: People, book: Book, emailed: ServiceRequest, smtp: Inbox
    ) -> None:
        by_phone = reply(people, emailed, "电话里已告知", email=False)
        assert (by_phone.delivery, by_phone.recipient, by_phone.message_id) == ("", "", "")
        nobody = ServiceRequestFactory(team=people.east, assignee=people.service_east)
        assert reply_address(nobody) == ""
        recorded = reply(people, nobody)
        assert recorded.delivery == ""
        assert smtp.messages == []

    def test_the_contact_or_the_customer_is_written_to_when_nobody_left_an_address(
        self, people: People, book: Book
    ) -> None:
        book.east.email = "info@huaxin.example"
        book.east.save()
        request = ServiceRequestFactory(customer=book.east, team=people.east)
        assert reply_address(request) == "info@huaxin.example"
        request.contact = ContactFactory(customer=book.east, email="wangfang@huaxin.example")
        assert reply_address(request) == "wangfang@huaxin.example"

    def test_insisting_on_e_mail_without_an_address_names_the_field(self, people: People) -> None:
        nobody = ServiceRequestFactory(team=people.east, assignee=people.service_east)
        response = post(
            bearer_for(people.service_east),
            f"{URL}/{nobody.pk}/comments",
            {"kind": "reply", "body": "好的", "email": True},
        )
        assert response.status_code == 422
        assert response.json()["errors"] == [
            {
                "field": "email",
                "message": "This request has no e-mail address to send the reply to.",
            }
        ]
        assert RequestComment.objects.count() == 0
        nobody.refresh_from_db()
        assert nobody.first_response_at is None

    def test_a_note_is_never_e_mailed(
        self,
        people: People,
        emailed: ServiceRequest,
        smtp: Inbox,
        django_capture_on_commit_callbacks: Any,
    ) -> None:
        with django_capture_on_commit_callbacks(execute=True):
            note = services.service_request_comment(
                actor=people.service_east, request=emailed, body="内部备注", email=True
            )
        assert note.delivery == ""
        assert smtp.messages == []


class TestFailures:
    @pytest.fixture
    def dead_smtp(self, settings: Any) -> None:
        settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
        settings.EMAIL_HOST = "127.0.0.1"
        settings.EMAIL_PORT = free_port()  # nothing listens there
        settings.EMAIL_TIMEOUT = 2

    def test_a_failed_attempt_is_retried_then_marked_not_delivered(
        self,
        people: People,
        emailed: ServiceRequest,
        dead_smtp: None,
        django_capture_on_commit_callbacks: Any,
    ) -> None:
        with django_capture_on_commit_callbacks(execute=True):
            comment = reply(people, emailed)  # the worker's first try fails
        comment.refresh_from_db()
        assert comment.delivery == "queued"
        assert "refused" in comment.delivery_error.lower()
        assert Notification.objects.filter(user=people.service_east).count() == 0
        # The last retry fails too.
        assert deliver_reply(comment.pk, "en", final=True) == "failed"
        comment.refresh_from_db()
        assert comment.delivery == "failed"
        note = Notification.objects.get(user=people.service_east)
        assert note.title == f"{emailed.number}：答复未能发送到 lisi@huaxin.example"
        assert note.body == comment.delivery_error

    def test_it_can_be_sent_again_from_the_page(
        self,
        people: People,
        emailed: ServiceRequest,
        dead_smtp: None,
        smtp: Inbox,
        django_capture_on_commit_callbacks: Any,
    ) -> None:
        comment = reply(people, emailed)
        RequestComment.objects.filter(pk=comment.pk).update(
            delivery="failed", delivery_error="Connection refused"
        )
        client = client_for(people.service_east)
        page = client.get(f"/service/{emailed.pk}/").content.decode()
        assert "Not delivered" in page
        assert f"/service/{emailed.pk}/replies/{comment.pk}/resend/" in page
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(
                f"/service/{emailed.pk}/replies/{comment.pk}/resend/", follow=True
            )
        assert "The reply is being sent again." in response.content.decode()
        comment.refresh_from_db()
        assert (comment.delivery, comment.delivery_error) == ("sent", "")
        assert len(smtp.messages) == 1
        page = client.get(f"/service/{emailed.pk}/").content.decode()
        assert 'data-delivery="sent"' in page
        assert "to lisi@huaxin.example at" in page


class TestResendRules:
    def failed(self, people: People, emailed: ServiceRequest) -> RequestComment:
        comment = reply(people, emailed)
        RequestComment.objects.filter(pk=comment.pk).update(delivery="failed")
        return comment

    def test_through_the_api(self, people: People, emailed: ServiceRequest) -> None:
        comment = self.failed(people, emailed)
        response = post(
            bearer_for(people.service_east), f"{URL}/{emailed.pk}/comments/{comment.pk}/resend", {}
        )
        assert response.status_code == 200
        assert (response.json()["delivery"], response.json()["recipient"]) == (
            "queued",
            "lisi@huaxin.example",
        )

    def test_only_an_undelivered_reply(self, people: People, emailed: ServiceRequest) -> None:
        comment = reply(people, emailed)  # still queued
        response = post(
            bearer_for(people.service_east), f"{URL}/{emailed.pk}/comments/{comment.pk}/resend", {}
        )
        assert response.status_code == 422
        assert response.json()["errors"] == [
            {
                "field": "comment",
                "message": "Only a reply that was not delivered can be sent again.",
            }
        ]
        note = services.service_request_comment(
            actor=people.service_east, request=emailed, body="备注"
        )
        response = post(
            bearer_for(people.service_east), f"{URL}/{emailed.pk}/comments/{note.pk}/resend", {}
        )
        assert response.json()["errors"] == [
            {"field": "comment", "message": "This request has no such reply."}
        ]

    def test_not_by_someone_outside_the_request(
        self, people: People, emailed: ServiceRequest
    ) -> None:
        comment = self.failed(people, emailed)
        path = f"{URL}/{emailed.pk}/comments/{comment.pk}/resend"
        assert post(bearer_for(people.rep_west), path, {}).status_code == 404
        assert post(bearer_for(people.executive), path, {}).status_code == 403
        page = client_for(people.rep_west).post(
            f"/service/{emailed.pk}/replies/{comment.pk}/resend/"
        )
        assert page.status_code == 404
        comment.refresh_from_db()
        assert comment.delivery == "failed"

    def test_a_reply_of_another_request_is_not_reached(
        self, people: People, emailed: ServiceRequest
    ) -> None:
        comment = self.failed(people, emailed)
        other = ServiceRequestFactory(team=people.east, assignee=people.service_east)
        response = post(
            bearer_for(people.service_east), f"{URL}/{other.pk}/comments/{comment.pk}/resend", {}
        )
        assert response.json()["errors"] == [
            {"field": "comment", "message": "This request has no such reply."}
        ]


class TestApi:
    def test_a_reply_says_where_it_goes_and_history_shows_its_state(
        self, people: People, emailed: ServiceRequest
    ) -> None:
        api = bearer_for(people.service_east)
        response = post(api, f"{URL}/{emailed.pk}/comments", {"kind": "reply", "body": "好的"})
        assert response.status_code == 201
        body = response.json()
        assert (body["delivery"], body["recipient"], body["sent_at"]) == (
            "queued",
            "lisi@huaxin.example",
            None,
        )
        history = api.get(f"{URL}/{emailed.pk}/history").json()
        assert [c["delivery"] for c in history["comments"]] == ["queued"]

    def test_the_page_offers_the_address_or_says_there_is_none(
        self, people: People, emailed: ServiceRequest
    ) -> None:
        client = client_for(people.service_east)
        page = client.get(f"/service/{emailed.pk}/").content.decode()
        assert "E-mail it to lisi@huaxin.example" in page
        nobody = ServiceRequestFactory(team=people.east, assignee=people.service_east)
        page = client.get(f"/service/{nobody.pk}/").content.decode()
        assert "No e-mail address on this request: a reply is recorded here, not sent." in page

    def test_unticking_on_the_page_records_only(
        self, people: People, emailed: ServiceRequest
    ) -> None:
        client = client_for(people.service_east)
        response = client.post(
            f"/service/{emailed.pk}/comment/", {"kind": "reply", "body": "电话已告知"}, follow=True
        )
        assert "The reply was added." in response.content.decode()
        assert RequestComment.objects.get().delivery == ""


class TestAnswers:
    def test_the_customers_answer_finds_the_request_by_its_headers(
        self,
        people: People,
        emailed: ServiceRequest,
        mailbox: Mailbox,
        smtp: Inbox,
        django_capture_on_commit_callbacks: Any,
    ) -> None:
        with django_capture_on_commit_callbacks(execute=True):
            ours = reply(people, emailed)
        ours.refresh_from_db()
        # Their mail program dropped the number from the subject; the headers still thread it.
        mailbox.messages.append(
            answer("谢谢", "收到，谢谢！", "<a1@huaxin.example>", ours.message_id)
        )
        with django_capture_on_commit_callbacks(execute=True):
            result = poll_mailbox()
        assert (result.created, result.replies) == (0, 1)
        theirs = RequestComment.objects.get(request=emailed, kind="customer")
        assert (theirs.body, theirs.message_id) == ("收到，谢谢！", "<a1@huaxin.example>")
        assert Notification.objects.get(user=people.service_east).title == (
            f"{emailed.number}：客户有新回复"  # in service_east's language
        )
        # Read again (not marked seen, or in another folder): taken once.
        mailbox.seen.clear()
        assert poll_mailbox().skipped == 1
        assert RequestComment.objects.filter(kind="customer").count() == 1

    def test_a_stranger_answering_our_message_starts_a_request_of_their_own(
        self, people: People, emailed: ServiceRequest, mailbox: Mailbox
    ) -> None:
        ours = reply(people, emailed)
        raw = answer("Re: 发票问题", "转发给你看看", "<x1@other.example>", ours.message_id)
        mailbox.messages.append(raw.replace(b"LiSi@huaxin.example", b"boss@other.example"))
        result = poll_mailbox()
        assert (result.created, result.replies) == (1, 0)
        assert RequestComment.objects.filter(kind="customer").count() == 0
