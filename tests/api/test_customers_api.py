import pytest

from guanxi.core.models import AuditEntry
from guanxi.customers.models import Customer
from tests.conftest import Book, People, bearer_for, client_for, patch, post
from tests.factories import CustomerFactory

URL = "/api/v1/customers"


@pytest.mark.django_db
class TestCustomerList:
    def test_it_lists_only_the_reps_own_book(self, people: People, book: Book) -> None:
        body = bearer_for(people.rep_east).get(URL).json()
        assert body["count"] == 1
        assert [c["name"] for c in body["items"]] == ["北京华信科技有限公司"]
        assert body["items"][0]["account_manager"]["username"] == "rep_east"

    def test_a_supervisor_sees_the_team(self, people: People, book: Book) -> None:
        body = bearer_for(people.sup_east).get(URL + "?ordering=name").json()
        assert sorted(c["code"] for c in body["items"]) == sorted([book.east.code, book.east2.code])

    def test_the_executive_sees_all(self, people: People, book: Book) -> None:
        assert bearer_for(people.executive).get(URL).json()["count"] == 3

    @pytest.mark.parametrize("q", ["科技", "华信", "bjhx", "beijinghuaxin", "88886666", "BJHX"])
    def test_search_finds_by_fragment_pinyin_and_phone(
        self, people: People, book: Book, q: str
    ) -> None:
        body = bearer_for(people.admin).get(URL, {"q": q}).json()
        assert [c["code"] for c in body["items"]] == [book.east.code]

    def test_search_by_code(self, people: People, book: Book) -> None:
        body = bearer_for(people.admin).get(URL, {"q": book.west.code.lower()}).json()
        assert [c["name"] for c in body["items"]] == ["广州恒通物流有限公司"]

    def test_search_respects_the_scope(self, people: People, book: Book) -> None:
        body = bearer_for(people.rep_west).get(URL, {"q": "科技"}).json()
        assert body == {"items": [], "count": 0, "count_capped": False}

    def test_filters(self, people: People, book: Book) -> None:
        Customer.objects.filter(pk=book.west.pk).update(level="major", region="guangdong")
        client = bearer_for(people.admin)
        assert [c["id"] for c in client.get(URL, {"level": "major"}).json()["items"]] == [
            book.west.pk
        ]
        assert client.get(URL, {"region": "beijing"}).json()["count"] == 0
        body = client.get(URL, {"account_manager": people.rep_east2.pk}).json()
        assert [c["id"] for c in body["items"]] == [book.east2.pk]

    def test_counting_stops_at_the_cap(self, people: People, book: Book, settings) -> None:  # type: ignore[no-untyped-def]
        settings.API_COUNT_CAP = 2
        body = bearer_for(people.admin).get(URL, {"page_size": 1}).json()
        assert (body["count"], body["count_capped"], len(body["items"])) == (2, True, 1)

    def test_bad_ordering_is_a_field_error(self, people: People, book: Book) -> None:
        response = bearer_for(people.admin).get(URL, {"ordering": "secret"})
        assert response.status_code == 422
        assert response.json()["errors"][0]["field"] == "ordering"

    def test_anonymous_is_refused(self, book: Book) -> None:
        assert client_for(None).get(URL).status_code == 401


@pytest.mark.django_db
class TestCustomerCreate:
    def test_a_rep_creates_into_their_own_book(self, people: People) -> None:
        response = post(
            bearer_for(people.rep_east),
            URL,
            {
                "name": "杭州云栖信息技术有限公司",
                "level": "大客户",
                "phone": "0571 88886666",
                "email": "Info@YunQi.cn",
                "website": "yunqi.cn",
                "unified_social_credit_code": "91350100M000100Y43",
                "tags": ["VIP", "华东"],
            },
        )
        assert response.status_code == 201, response.content
        body = response.json()
        assert body["code"].startswith("C") and len(body["code"]) == 10
        assert body["level"] == "major"
        assert body["phone"] == "0571-88886666"
        assert body["email"] == "info@yunqi.cn"
        assert body["website"] == "https://yunqi.cn"
        assert body["tags"] == ["VIP", "华东"]
        assert body["account_manager"]["username"] == "rep_east"
        assert body["version"] == 1
        entry = AuditEntry.objects.get(model="customers.customer", action="create")
        assert entry.actor == people.rep_east

    def test_bad_values_are_reported_field_by_field_in_chinese(self, people: People) -> None:
        response = post(
            bearer_for(people.rep_east, language="zh-hans"),
            URL,
            {
                "name": "坏数据公司",
                "phone": "12345",
                "unified_social_credit_code": "91350100M000100Y44",
                "level": "VIP",
            },
        )
        assert response.status_code == 422
        errors = {e["field"]: e["message"] for e in response.json()["errors"]}
        assert errors["unified_social_credit_code"] == "该统一社会信用代码的校验位不正确。"
        assert errors["phone"] == "请输入手机号码或带区号的座机号码，例如 010-12345678。"
        assert errors["level"].startswith("“VIP”不在数据字典中。")
        assert not Customer.objects.exists()

    def test_a_rep_cannot_give_a_customer_to_someone_else(self, people: People) -> None:
        response = post(
            bearer_for(people.rep_east),
            URL,
            {"name": "某公司", "account_manager": people.rep_east2.pk},
        )
        assert response.status_code == 422
        assert response.json()["errors"][0]["field"] == "account_manager"

    def test_the_executive_cannot_create(self, people: People) -> None:
        response = post(bearer_for(people.executive), URL, {"name": "某公司"})
        assert response.status_code == 403

    def test_service_staff_cannot_create(self, people: People) -> None:
        response = post(bearer_for(people.service_east), URL, {"name": "某公司"})
        assert response.status_code == 403

    def test_a_likely_duplicate_is_refused_with_the_match(self, people: People, book: Book) -> None:
        client = bearer_for(people.rep_east)
        response = post(client, URL, {"name": "北京华信科技股份有限公司"})
        assert response.status_code == 409
        body = response.json()
        assert body["type"] == "urn:guanxi:problem:duplicate"
        assert [d["code"] for d in body["duplicates"]] == [book.east.code]
        forced = post(client, URL, {"name": "北京华信科技股份有限公司", "allow_duplicate": True})
        assert forced.status_code == 201

    def test_same_phone_is_a_duplicate(self, people: People, book: Book) -> None:
        response = post(
            bearer_for(people.rep_west), URL, {"name": "别的公司", "phone": "01088886666"}
        )
        assert response.status_code == 409
        assert response.json()["duplicates"][0]["name"] == "北京华信科技有限公司"


@pytest.mark.django_db
class TestCustomerUpdate:
    def test_it_changes_fields_and_bumps_the_version(self, people: People, book: Book) -> None:
        response = patch(
            bearer_for(people.rep_east),
            f"{URL}/{book.east.pk}",
            {"satisfaction": "5", "version": 1, "tags": ["重点"]},
        )
        assert response.status_code == 200, response.content
        assert response.json()["satisfaction"] == "5"
        assert response.json()["version"] == 2
        assert response.json()["tags"] == ["重点"]

    def test_a_stale_version_is_a_conflict_showing_what_changed(
        self, people: People, book: Book
    ) -> None:
        rep, supervisor = bearer_for(people.rep_east), bearer_for(people.sup_east)
        assert (
            patch(supervisor, f"{URL}/{book.east.pk}", {"level": "major", "version": 1}).status_code
            == 200
        )
        response = patch(rep, f"{URL}/{book.east.pk}", {"level": "partner", "version": 1})
        assert response.status_code == 409
        body = response.json()
        assert body["type"] == "urn:guanxi:problem:edit-conflict"
        assert body["version"] == 2
        assert body["changes"][0]["changes"]["level"] == ["ordinary", "major"]
        assert Customer.objects.get(pk=book.east.pk).level == "major"

    def test_a_new_manager_and_new_values_are_one_save(self, people: People, book: Book) -> None:
        response = patch(
            bearer_for(people.sup_east),
            f"{URL}/{book.east.pk}",
            {"account_manager": people.rep_east2.pk, "satisfaction": "5", "version": 1},
        )
        assert response.status_code == 200
        assert (response.json()["version"], response.json()["account_manager"]["id"]) == (
            2,
            people.rep_east2.pk,
        )
        entry = AuditEntry.objects.get(object_id=str(book.east.pk), action="update")
        assert entry.changes == {
            "account_manager": [people.rep_east.pk, people.rep_east2.pk],
            "satisfaction": ["", "5"],
            "version": [1, 2],
        }

    def test_a_refused_value_keeps_the_manager_too(self, people: People, book: Book) -> None:
        # The reassignment and the bad postcode are one save: nothing of it is stored.
        response = patch(
            bearer_for(people.sup_east),
            f"{URL}/{book.east.pk}",
            {"account_manager": people.rep_east2.pk, "postcode": "12"},
        )
        assert response.status_code == 422
        assert response.json()["errors"] == [
            {"field": "postcode", "message": "A Chinese postcode has 6 digits."}
        ]
        east = Customer.objects.get(pk=book.east.pk)
        assert (east.account_manager, east.version) == (people.rep_east, 1)
        assert not AuditEntry.objects.filter(object_id=str(east.pk), action="update").exists()

    def test_a_rep_may_not_reassign_through_an_edit(self, people: People, book: Book) -> None:
        response = patch(
            bearer_for(people.rep_east),
            f"{URL}/{book.east.pk}",
            {"account_manager": people.rep_east.pk, "notes": "mine"},
        )
        assert response.status_code == 200
        response = patch(
            bearer_for(people.rep_east),
            f"{URL}/{book.east.pk}",
            {"account_manager": people.rep_east2.pk},
        )
        assert response.status_code == 422
        assert response.json()["errors"] == [
            {
                "field": "account_manager",
                "message": f"No account manager you may assign has the id {people.rep_east2.pk}.",
            }
        ]
        assert Customer.objects.get(pk=book.east.pk).account_manager == people.rep_east

    def test_another_reps_customer_is_not_found(self, people: People, book: Book) -> None:
        response = patch(bearer_for(people.rep_east), f"{URL}/{book.west.pk}", {"name": "x"})
        assert response.status_code == 404

    def test_archive_and_restore(self, people: People, book: Book) -> None:
        supervisor = bearer_for(people.sup_east)
        assert supervisor.delete(f"{URL}/{book.east.pk}").status_code == 204
        assert supervisor.get(URL).json()["count"] == 1
        assert supervisor.get(URL, {"archived": True}).json()["count"] == 1
        assert post(supervisor, f"{URL}/{book.east.pk}/restore", {}).json()["archived_at"] is None

    def test_a_rep_cannot_archive(self, people: People, book: Book) -> None:
        assert bearer_for(people.rep_east).delete(f"{URL}/{book.east.pk}").status_code == 403

    def test_reassign_many(self, people: People, book: Book) -> None:
        response = post(
            bearer_for(people.sup_east),
            f"{URL}/reassign",
            {"customers": [book.east.pk, book.east2.pk], "account_manager": people.rep_east2.pk},
        )
        assert response.json() == {"reassigned": 1}
        assert Customer.objects.get(pk=book.east.pk).account_manager == people.rep_east2

    def test_reassign_outside_the_team_is_refused(self, people: People, book: Book) -> None:
        response = post(
            bearer_for(people.sup_east),
            f"{URL}/reassign",
            {"customers": [book.east.pk], "account_manager": people.rep_west.pk},
        )
        assert response.status_code == 422
        assert response.json()["errors"][0]["field"] == "account_manager"


@pytest.mark.django_db
class TestContactsAndInteractions:
    def test_first_contact_is_primary_and_only_one_stays_primary(
        self, people: People, book: Book
    ) -> None:
        client = bearer_for(people.rep_east)
        url = f"{URL}/{book.east.pk}/contacts"
        first = post(client, url, {"name": "张三丰", "mobile": "13812345678"}).json()
        second = post(client, url, {"name": "李四", "is_primary": True}).json()
        assert first["is_primary"] is True and second["is_primary"] is True
        contacts = {c["name"]: c["is_primary"] for c in client.get(url).json()["items"]}
        assert contacts == {"张三丰": False, "李四": True}

    def test_a_bad_mobile_is_refused(self, people: People, book: Book) -> None:
        response = post(
            bearer_for(people.rep_east),
            f"{URL}/{book.east.pk}/contacts",
            {"name": "王五", "mobile": "123"},
        )
        assert response.status_code == 422
        assert response.json()["errors"] == [
            {
                "field": "mobile",
                "message": "Enter a mobile number of 11 digits starting with 13 to 19, "
                "such as 13812345678.",
            }
        ]

    def test_interactions_count_towards_the_month(self, people: People, book: Book) -> None:
        from django.utils import timezone

        client = bearer_for(people.rep_east)
        url = f"{URL}/{book.east.pk}/interactions"
        now = timezone.now().isoformat()
        created = post(client, url, {"occurred_at": now, "channel": "拜访", "summary": "季度回访"})
        assert created.status_code == 201, created.content
        assert created.json()["channel"] == "visit"
        post(
            client,
            url,
            {"occurred_at": now, "channel": "phone", "summary": "报价", "effective": False},
        )
        profile = client.get(f"{URL}/{book.east.pk}/360").json()
        section = profile["sections"]["interactions"]
        assert section["this_month"] == 1
        assert section["total"] == 2
        assert section["monthly_target"] == 2

    def test_unknown_channel(self, people: People, book: Book) -> None:
        from django.utils import timezone

        response = post(
            bearer_for(people.rep_east),
            f"{URL}/{book.east.pk}/interactions",
            {"occurred_at": timezone.now().isoformat(), "channel": "fax", "summary": "x"},
        )
        assert response.status_code == 422
        assert response.json()["errors"] == [
            {
                "field": "channel",
                "message": "“fax” is not in the dictionary. "
                "Choose from: Phone, E-mail, Visit, Meeting, WeChat, Online.",
            }
        ]


@pytest.mark.django_db
class TestProfileAndMerge:
    def test_360_has_every_section_and_a_timeline(self, people: People, book: Book) -> None:
        body = bearer_for(people.rep_east).get(f"{URL}/{book.east.pk}/360").json()
        assert list(body["sections"]) == [
            "profile",
            "lifecycle",
            "scores",
            "contacts",
            "interactions",
            "orders",
            "opportunities",
            "activities",
            "service",
        ]
        assert body["sections"]["orders"]["count"] == 0
        assert body["sections"]["profile"]["name"] == "北京华信科技有限公司"

    def test_360_of_someone_elses_customer_is_not_found(self, people: People, book: Book) -> None:
        assert bearer_for(people.rep_west).get(f"{URL}/{book.east.pk}/360").status_code == 404

    def test_merge_moves_everything_and_archives_the_source(
        self, people: People, book: Book
    ) -> None:
        client = bearer_for(people.sup_east)
        post(client, f"{URL}/{book.east2.pk}/contacts", {"name": "赵六"})
        post(client, f"{URL}/{book.east.pk}/contacts", {"name": "钱七"})
        response = post(client, f"{URL}/{book.east.pk}/merge", {"source": book.east2.pk})
        assert response.status_code == 200, response.content
        assert response.json()["moved"] == {"contacts": 1}
        contacts = client.get(f"{URL}/{book.east.pk}/contacts").json()["items"]
        assert {c["name"]: c["is_primary"] for c in contacts} == {"钱七": True, "赵六": False}
        source = Customer.objects.get(pk=book.east2.pk)
        assert source.archived_at is not None and source.merged_into_id == book.east.pk
        assert AuditEntry.objects.filter(
            model="customers.customer", object_id=str(book.east.pk), changes__has_key="merged_from"
        ).exists()

    def test_a_rep_cannot_merge(self, people: People, book: Book) -> None:
        other = CustomerFactory(name="北京华信科技", account_manager=people.rep_east)
        response = post(
            bearer_for(people.rep_east), f"{URL}/{book.east.pk}/merge", {"source": other.pk}
        )
        assert response.status_code == 403
