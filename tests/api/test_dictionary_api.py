import pytest
from django.test import Client

from guanxi.core.models import DictItem
from tests.conftest import ROLE_PERSONAS, People, bearer_for, client_for

pytestmark = pytest.mark.django_db


def category(body: dict, code: str) -> dict:
    return next(c for c in body["items"] if c["code"] == code)


class TestRead:
    @pytest.mark.parametrize("persona", ROLE_PERSONAS)
    def test_every_role_reads_the_seeded_dictionary(self, people: People, persona: str) -> None:
        response = bearer_for(people.by_name(persona)).get("/api/v1/dictionary")
        assert response.status_code == 200
        body = response.json()
        assert [c["code"] for c in body["items"]] == [
            "customer_level",
            "credit_rating",
            "satisfaction",
            "service_type",
            "region",
            "industry",
            "source",
            "channel",
            "lost_reason",
            "churn_reason",
        ]
        levels = category(body, "customer_level")["items"]
        assert [i["label_zh"] for i in levels] == [
            "普通客户",
            "重点开发客户",
            "大客户",
            "合作伙伴",
            "战略合作伙伴",
        ]
        assert [i["code"] for i in category(body, "credit_rating")["items"]] == [
            "1",
            "2",
            "3",
            "4",
            "5",
        ]
        assert [i["label_zh"] for i in category(body, "service_type")["items"]] == [
            "咨询",
            "建议",
            "投诉",
            "复杂问题",
        ]
        assert len(category(body, "region")["items"]) == 35

    def test_labels_follow_the_language(self, people: People) -> None:
        zh = client_for(people.rep_east, language="zh-hans").get("/api/v1/dictionary").json()
        en = client_for(people.rep_east, language="en").get("/api/v1/dictionary").json()
        assert category(zh, "customer_level")["items"][2]["label"] == "大客户"
        assert category(en, "customer_level")["items"][2]["label"] == "Major customer"
        assert category(zh, "region")["label"] == "地区"

    def test_anonymous_is_refused(self, db: None) -> None:
        assert Client().get("/api/v1/dictionary").status_code == 401

    def test_inactive_items_are_for_editors_only(self, people: People) -> None:
        DictItem.objects.filter(code="other", category__code="industry").update(active=False)
        rep = client_for(people.rep_east)
        assert rep.get("/api/v1/dictionary?include_inactive=true").status_code == 403
        codes = [
            i["code"] for i in category(rep.get("/api/v1/dictionary").json(), "industry")["items"]
        ]
        assert "other" not in codes
        admin = client_for(people.admin).get("/api/v1/dictionary?include_inactive=true").json()
        assert "other" in [i["code"] for i in category(admin, "industry")["items"]]


class TestWrite:
    def test_admin_adds_changes_and_deletes_an_item(self, people: People) -> None:
        client = client_for(people.admin)
        created = client.post(
            "/api/v1/dictionary/industry/items",
            {"code": "aerospace", "label_en": "Aerospace", "label_zh": "航空航天", "order": 5},
            content_type="application/json",
        )
        assert created.status_code == 201
        item_id = created.json()["id"]
        changed = client.patch(
            f"/api/v1/dictionary/industry/items/{item_id}",
            {"label_zh": "航空航天制造"},
            content_type="application/json",
        )
        assert changed.json()["label_zh"] == "航空航天制造"
        assert client.delete(f"/api/v1/dictionary/industry/items/{item_id}").status_code == 204
        assert not DictItem.objects.filter(pk=item_id).exists()

    def test_a_protected_item_cannot_be_changed(self, people: People) -> None:
        item = DictItem.objects.get(category__code="customer_level", code="major")
        response = client_for(people.admin).patch(
            f"/api/v1/dictionary/customer_level/items/{item.pk}",
            {"label_zh": "超大客户"},
            content_type="application/json",
        )
        assert response.status_code == 422
        assert response.json()["errors"] == [
            {
                "field": "editable",
                "message": "“Major customer” is a protected item and cannot be changed or deleted.",
            }
        ]
        item.refresh_from_db()
        assert item.label_zh == "大客户"

    def test_a_protected_item_cannot_be_deleted_in_chinese(self, people: People) -> None:
        item = DictItem.objects.get(category__code="service_type", code="complaint")
        response = client_for(people.admin, language="zh-hans").delete(
            f"/api/v1/dictionary/service_type/items/{item.pk}"
        )
        assert response.status_code == 422
        assert response.json()["errors"][0]["message"] == "“投诉”是受保护的条目，不能修改或删除。"
        assert DictItem.objects.filter(pk=item.pk).exists()

    def test_a_closed_category_takes_no_new_items(self, people: People) -> None:
        response = client_for(people.admin).post(
            "/api/v1/dictionary/credit_rating/items",
            {"code": "6", "label_en": "6", "label_zh": "6"},
            content_type="application/json",
        )
        assert response.status_code == 422
        assert response.json()["errors"][0]["field"] == "category"

    def test_bad_fields_are_named(self, people: People) -> None:
        response = client_for(people.admin).post(
            "/api/v1/dictionary/industry/items",
            {"code": "has space", "label_en": "", "order": -1},
            content_type="application/json",
        )
        assert response.status_code == 422
        assert {e["field"] for e in response.json()["errors"]} == {
            "code",
            "label_en",
            "label_zh",
            "order",
        }

    def test_a_duplicate_code_is_refused(self, people: People) -> None:
        response = client_for(people.admin).post(
            "/api/v1/dictionary/industry/items",
            {"code": "finance", "label_en": "Finance", "label_zh": "金融"},
            content_type="application/json",
        )
        assert response.status_code == 422
        assert response.json()["errors"] == [
            {
                "field": "__all__",
                "message": "Dictionary item with this Category and Code already exists.",
            }
        ]

    def test_unknown_category_is_404(self, people: People) -> None:
        response = client_for(people.admin).post(
            "/api/v1/dictionary/nope/items",
            {"code": "x", "label_en": "x", "label_zh": "x"},
            content_type="application/json",
        )
        assert response.status_code == 404

    @pytest.mark.parametrize("persona", [p for p in ROLE_PERSONAS if p != "admin"])
    def test_other_roles_cannot_write(self, people: People, persona: str) -> None:
        client = client_for(people.by_name(persona))
        item = DictItem.objects.get(category__code="industry", code="finance")
        assert (
            client.post(
                "/api/v1/dictionary/industry/items",
                {"code": "x", "label_en": "x", "label_zh": "x"},
                content_type="application/json",
            ).status_code
            == 403
        )
        assert (
            client.patch(
                f"/api/v1/dictionary/industry/items/{item.pk}",
                {"label_en": "y"},
                content_type="application/json",
            ).status_code
            == 403
        )
        assert client.delete(f"/api/v1/dictionary/industry/items/{item.pk}").status_code == 403
        item.refresh_from_db()
        assert item.label_en == "Finance"


class TestAuditApi:
    def test_admin_searches_the_trail(self, people: People) -> None:
        client = client_for(people.admin)
        client.patch(
            f"/api/v1/users/{people.rep_east.pk}",
            {"mobile": "13812345678"},
            content_type="application/json",
        )
        body = client.get("/api/v1/audit?model=accounts.user&action=update").json()
        assert body["count"] == 1
        entry = body["items"][0]
        assert entry["changes"] == {"mobile": ["", "13812345678"]}
        assert entry["actor"] == people.admin.pk
        assert entry["object_id"] == str(people.rep_east.pk)

    @pytest.mark.parametrize("persona", [p for p in ROLE_PERSONAS if p != "admin"])
    def test_other_roles_cannot_search(self, people: People, persona: str) -> None:
        assert client_for(people.by_name(persona)).get("/api/v1/audit").status_code == 403

    def test_bad_dates_are_named(self, people: People) -> None:
        response = client_for(people.admin).get("/api/v1/audit?date_from=yesterday")
        assert response.status_code == 422
        assert response.json()["errors"] == [
            {"field": "date_from", "message": "Enter a date, such as 2026-12-31."}
        ]
