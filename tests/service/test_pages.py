"""Service pages: every page for every role, the flow through the UI, the public form."""

from typing import Any

import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile

from guanxi.core.models import Notification
from guanxi.service.models import (
    BusinessCalendar,
    Callback,
    IntakeForm,
    RequestAttachment,
    RequestComment,
    ServiceRequest,
    SlaPolicy,
)
from guanxi.service.services import (
    service_request_archive,
    service_request_create,
    service_request_handle,
)
from tests.conftest import ROLE_PERSONAS, Book, People, client_for
from tests.factories import ContactFactory

pytestmark = pytest.mark.django_db
OK, FORBIDDEN, MISSING = 200, 403, 404


@pytest.fixture
def desk(people: People, book: Book) -> dict[str, Any]:
    east = service_request_create(
        actor=people.service_east,
        customer=book.east,
        service_type="complaint",
        summary="设备噪音大",
        details="新装的空压机噪音很大",
        assignee=people.service_east,
    )
    west = service_request_create(
        actor=people.admin, customer=book.west, service_type="inquiry", summary="询价"
    )
    handled = service_request_handle(actor=people.service_east, request=east, result="更换减震垫")
    archived = service_request_archive(
        actor=people.service_east,
        request=handled,
        root_cause="安装时未装减震垫",
        corrective_action="安装清单加上减震垫",
        review="周会复盘",
    )
    callback = Callback.objects.get(request=archived)
    attachment = RequestAttachment.objects.create(
        request=east,
        file=SimpleUploadedFile("现场照片.txt", b"photo"),
        name="现场照片.txt",
        size=5,
        uploaded_by=people.service_east,
    )
    intake = IntakeForm.objects.create(name="售后服务", team=people.east)
    return {
        "east": east.pk,
        "west": west.pk,
        "callback": callback.pk,
        "file": attachment.pk,
        "policy": SlaPolicy.objects.first().pk,
        "calendar": BusinessCalendar.objects.first().pk,
        "intake": intake.pk,
    }


# page → expected status for admin, executive, sup_east, rep_east, service_east
MATRIX = {
    "/service/": (OK, OK, OK, OK, OK),
    "/service/?queue=team&sla_state=breached&status=open&q=噪音": (OK, OK, OK, OK, OK),
    "/service/?queue=at_risk": (OK, OK, OK, OK, OK),
    "/service/new/": (OK, FORBIDDEN, OK, OK, OK),
    "/service/new/?customer={customer}": (OK, FORBIDDEN, OK, OK, OK),
    "/service/{east}/": (OK, OK, OK, OK, OK),
    "/service/{west}/": (OK, OK, MISSING, MISSING, MISSING),
    "/service/{east}/edit/": (OK, FORBIDDEN, OK, OK, OK),
    "/service/{west}/edit/": (OK, FORBIDDEN, MISSING, MISSING, MISSING),
    "/service/files/{file}/": (OK, OK, OK, OK, OK),
    "/service/customers/?q=华信": (OK, FORBIDDEN, OK, OK, OK),
    "/service/contacts/?customer={customer}": (OK, FORBIDDEN, OK, OK, OK),
    "/service/dashboard/": (OK, OK, OK, OK, OK),
    "/service/dashboard/?period=last_year": (OK, OK, OK, OK, OK),
    "/service/callbacks/": (OK, OK, OK, OK, OK),
    "/service/callbacks/?status=all&mine=1": (OK, OK, OK, OK, OK),
    "/service/callbacks/{callback}/": (OK, FORBIDDEN, OK, FORBIDDEN, OK),
    "/service/setup/": (OK, FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN),
    "/service/setup/settings/": (OK, FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN),
    "/service/setup/policies/new/": (OK, FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN),
    "/service/setup/policies/{policy}/": (OK, FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN),
    "/service/setup/calendars/new/": (OK, FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN),
    "/service/setup/calendars/{calendar}/": (OK, FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN),
    "/service/setup/forms/new/": (OK, FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN),
    "/service/setup/forms/{intake}/": (OK, FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN),
}
CASES = [
    (page, persona, statuses[index])
    for page, statuses in MATRIX.items()
    for index, persona in enumerate(ROLE_PERSONAS)
]


@pytest.mark.parametrize(("page", "persona", "status"), CASES)
def test_page_access(
    page: str, persona: str, status: int, people: People, book: Book, desk: dict[str, Any]
) -> None:
    url = page.format(customer=book.east.pk, **desk)
    for language in ("en", "zh-hans"):
        response = client_for(people.by_name(persona), language).get(url)
        assert response.status_code == status, (url, persona, language)


# action → expected status for the same personas, on someone else's request
ACTIONS = [
    "assign",
    "take",
    "comment",
    "pause",
    "resume",
    "handle",
    "feedback",
    "archive",
    "attach",
]


@pytest.mark.parametrize("action", ACTIONS)
def test_the_wrong_user_cannot_post_actions(
    action: str, people: People, desk: dict[str, Any]
) -> None:
    url = f"/service/{desk['west']}/{action}/"
    for persona in ("sup_east", "rep_east", "service_east"):
        assert client_for(people.by_name(persona)).post(url).status_code in (403, 404), persona
    assert client_for(people.executive).post(url).status_code == 403


def test_signed_out_visitors_go_to_the_login_page(desk: dict[str, Any]) -> None:
    response = client_for(None).get(f"/service/{desk['east']}/")
    assert response.status_code == 302
    assert response["Location"].startswith("/login/")


class TestFlowThroughPages:
    def test_log_assign_handle_feedback_archive(self, people: People, book: Book) -> None:
        client = client_for(people.service_east)
        contact = ContactFactory(customer=book.east, name="李雷", mobile="13900001111")
        response = client.post(
            "/service/new/",
            {
                "customer": book.east.pk,
                "contact": contact.pk,
                "service_type": "inquiry",
                "priority": "normal",
                "channel": "hotline",
                "summary": "账单疑问",
                "details": "十月账单金额不对",
            },
        )
        created = ServiceRequest.objects.get(summary="账单疑问")
        assert response.status_code == 302
        assert response["Location"] == f"/service/{created.pk}/"
        assert (created.contact, created.channel) == (contact, "hotline")
        url = f"/service/{created.pk}/"
        client.post(f"{url}assign/", {"assignee": people.service_east.pk})
        client.post(f"{url}comment/", {"kind": "reply", "body": "正在核对"})
        client.post(f"{url}handle/", {"result": "已重新开具账单"})
        page = client.post(f"{url}feedback/", {"satisfaction": "4", "note": "满意"}, follow=True)
        assert "已重新开具账单" in page.content.decode()
        assert "The customer gave 4/5: the request is archived." in page.content.decode()
        assert 'id="archive-form"' not in page.content.decode()
        created.refresh_from_db()
        assert (created.status, created.satisfaction) == ("archived", 4)
        assert created.first_response_at is not None

    def test_a_complaint_without_its_review_stays_handled(self, people: People, book: Book) -> None:
        found = service_request_create(
            actor=people.service_east,
            customer=book.east,
            service_type="complaint",
            summary="送货晚了",
            assignee=people.service_east,
        )
        service_request_handle(actor=people.service_east, request=found, result="道歉并补偿")
        client = client_for(people.service_east, "zh-hans")
        response = client.post(
            f"/service/{found.pk}/archive/", {"root_cause": "物流延误"}, follow=True
        )
        text = response.content.decode()
        assert "纠正措施: 投诉归档前必须填写此项。" in text
        found.refresh_from_db()
        assert (found.status, found.root_cause) == ("handled", "")
        response = client.post(f"/service/{found.pk}/feedback/", {"satisfaction": "5"}, follow=True)
        assert "客户评分 5/5；投诉复盘后请归档。" in response.content.decode()
        found.refresh_from_db()
        assert (found.status, found.satisfaction) == ("handled", 5)

    def test_a_file_is_attached_and_downloaded(self, people: People, desk: dict[str, Any]) -> None:
        client = client_for(people.service_east)
        upload = SimpleUploadedFile("发票.pdf", b"%PDF-1.4 test", content_type="application/pdf")
        client.post(f"/service/{desk['east']}/attach/", {"file": upload})
        attachment = RequestAttachment.objects.get(name="发票.pdf")
        download = client.get(f"/service/files/{attachment.pk}/")
        assert b"".join(download.streaming_content) == b"%PDF-1.4 test"
        assert (
            client_for(people.rep_west).get(f"/service/files/{attachment.pk}/").status_code == 404
        )

    def test_the_customer_picker_finds_by_phone(self, people: People, book: Book) -> None:
        response = client_for(people.service_east).get("/service/customers/?q=010-88886666")
        assert f'data-customer="{book.east.pk}"' in response.content.decode()


class TestCallbacks:
    def test_a_callback_updates_the_customers_satisfaction(
        self, people: People, book: Book, desk: dict[str, Any]
    ) -> None:
        client = client_for(people.service_east)
        response = client.post(
            f"/service/callbacks/{desk['callback']}/",
            {
                "reached": "yes",
                "attitude": "5",
                "efficiency": "4",
                "information": "4",
                "resolved": "true",
                "comment": "处理及时",
            },
        )
        assert response.status_code == 302
        callback = Callback.objects.get(pk=desk["callback"])
        assert (callback.status, str(callback.score), callback.resolved) == ("done", "4.33", True)
        book.east.refresh_from_db()
        assert book.east.satisfaction == "4"

    def test_a_callback_needs_every_score(self, people: People, desk: dict[str, Any]) -> None:
        response = client_for(people.service_east).post(
            f"/service/callbacks/{desk['callback']}/", {"reached": "yes", "attitude": "5"}
        )
        assert response.status_code == 200
        assert response.context["form"].errors == {
            "efficiency": ["Give a whole number from 1 to 5."],
            "information": ["Give a whole number from 1 to 5."],
        }

    def test_nobody_answering_is_recorded(self, people: People, desk: dict[str, Any]) -> None:
        client_for(people.service_east).post(
            f"/service/callbacks/{desk['callback']}/", {"reached": "no"}
        )
        assert Callback.objects.get(pk=desk["callback"]).status == "unreachable"


class TestPublicForm:
    def test_a_visitor_logs_a_request(self, people: People, book: Book) -> None:
        cache.clear()
        intake = IntakeForm.objects.create(name="售后服务", team=people.east)
        ContactFactory(customer=book.east, name="韩梅梅", mobile="13700001111")
        response = client_for(None).post(
            f"/help/{intake.token}/",
            {
                "requester_name": "韩梅梅",
                "requester_phone": "137 0000 1111",
                "service_type": "suggestion",
                "summary": "希望增加夜间服务",
                "details": "晚上八点后也能报修",
            },
        )
        assert response.status_code == 200
        created = ServiceRequest.objects.get(summary="希望增加夜间服务")
        assert (
            f"Your request number is <strong>{created.number}</strong>" in response.content.decode()
        )
        # Known by her mobile: linked to her company and her contact record.
        assert (created.customer, created.contact.name) == (book.east, "韩梅梅")
        assert (created.channel, created.team, created.created_by) == (
            "web_form",
            people.east,
            None,
        )
        intake.refresh_from_db()
        assert intake.submissions == 1

    def test_bots_and_floods_are_kept_out(self, people: People) -> None:
        cache.clear()
        intake = IntakeForm.objects.create(name="售后服务", team=people.east)
        visitor = client_for(None)
        body = {
            "requester_name": "张三",
            "requester_email": "zhang@example.com",
            "service_type": "inquiry",
            "summary": "问题",
        }
        visitor.post(f"/help/{intake.token}/", {**body, "website": "http://spam"})
        assert ServiceRequest.objects.count() == 0
        for _ in range(5):
            assert visitor.post(f"/help/{intake.token}/", body).status_code == 200
        sixth = visitor.post(f"/help/{intake.token}/", body)
        assert sixth.status_code == 429
        assert ServiceRequest.objects.count() == 5

    def test_a_way_to_answer_is_required(self, people: People) -> None:
        cache.clear()
        intake = IntakeForm.objects.create(name="售后服务", team=people.east)
        response = client_for(None, "zh-hans").post(
            f"/help/{intake.token}/",
            {"requester_name": "张三", "service_type": "inquiry", "summary": "问题"},
        )
        assert response.status_code == 400
        assert response.context["form"].errors["requester_phone"] == ["请留下电话号码或电子邮箱。"]

    def test_an_unknown_or_inactive_form_is_not_found(self, people: People) -> None:
        intake = IntakeForm.objects.create(name="旧表单", team=people.east, active=False)
        assert client_for(None).get(f"/help/{intake.token}/").status_code == 404
        assert client_for(None).get("/help/nope/").status_code == 404


def test_the_queue_page_runs_few_queries(
    people: People, book: Book, django_assert_max_num_queries: Any
) -> None:
    for index in range(30):
        service_request_create(
            actor=people.service_east,
            customer=book.east,
            service_type="inquiry",
            summary=f"问题 {index}",
            assignee=people.service_east,
        )
    client = client_for(people.service_east)
    client.get("/service/")
    with django_assert_max_num_queries(14):
        assert client.get("/service/?queue=team").status_code == 200
    with django_assert_max_num_queries(10):
        assert client.get("/api/v1/service-requests?page_size=50").status_code == 200


def test_a_new_assignment_is_notified(people: People, book: Book) -> None:
    found = service_request_create(
        actor=people.sup_east, customer=book.east, service_type="inquiry", summary="咨询"
    )
    client_for(people.sup_east).post(
        f"/service/{found.pk}/assign/", {"assignee": people.service_east.pk}
    )
    assert Notification.objects.filter(user=people.service_east).count() == 1


def test_the_request_page_runs_few_queries(
    people: People, book: Book, desk: dict[str, Any], django_assert_max_num_queries: Any
) -> None:
    found = ServiceRequest.objects.get(pk=desk["east"])
    for index, author in enumerate([people.service_east, people.sup_east, people.admin] * 4):
        RequestAttachment.objects.create(
            request=found,
            file=SimpleUploadedFile(f"{index}.txt", b"x"),
            name=f"{index}.txt",
            size=1,
            uploaded_by=author,
        )
        RequestComment.objects.create(request=found, body=f"备注 {index}", author=author)
    client = client_for(people.service_east)
    client.get(f"/service/{found.pk}/")
    # The same whatever the number of comments, files and steps (no query per row).
    with django_assert_max_num_queries(20):
        assert client.get(f"/service/{found.pk}/").status_code == 200


def test_the_home_page_shows_the_desk_to_who_works_it(people: People, book: Book) -> None:
    service_request_create(
        actor=people.service_east, customer=book.east, service_type="inquiry", summary="咨询"
    )
    page = client_for(people.service_east).get("/").content.decode()
    assert 'id="home-service"' in page
    assert "?queue=unassigned" in page
    executive = client_for(people.executive).get("/").content.decode()
    assert 'id="home-service"' not in executive
