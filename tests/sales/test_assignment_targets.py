"""Lead assignment by region or industry: the members for each value are set on the set-up
page and through the API, and new leads follow them (the rest go round robin)."""

from typing import Any

import pytest

from guanxi.core.models import AuditEntry
from guanxi.sales import services
from guanxi.sales.models import AssignmentRule
from tests.conftest import People, bearer_for, client_for

pytestmark = pytest.mark.django_db


def put(client: Any, url: str, body: Any) -> Any:
    import json

    return client.put(url, json.dumps(body), content_type="application/json")


def rule_url(people: People, team: str = "east") -> str:
    return f"/api/v1/teams/{getattr(people, team).pk}/assignment-rule"


class TestApi:
    def test_a_supervisor_sets_members_by_region_and_leads_follow(self, people: People) -> None:
        response = put(
            bearer_for(people.sup_east),
            rule_url(people),
            {
                "method": "region",
                "targets": [
                    {"value": "beijing", "user": people.rep_east2.pk},
                    {"value": "上海", "user": people.rep_east.pk},
                ],
            },
        )
        assert response.status_code == 200, response.content
        assert response.json() == {
            "team": people.east.pk,
            "method": "region",
            "active": True,
            "targets": [
                {"value": "beijing", "user": people.rep_east2.pk},
                {"value": "shanghai", "user": people.rep_east.pk},
            ],
        }
        lead = services.opportunity_create(
            actor=people.sup_east, customer_name="甲", summary="s", region="shanghai"
        )
        assert lead.assignee == people.rep_east
        # A region with nobody set goes round robin.
        other = services.opportunity_create(
            actor=people.sup_east, customer_name="乙", summary="s", region="zhejiang"
        )
        assert other.assignee in (people.sup_east, people.rep_east, people.rep_east2)
        listed = bearer_for(people.sup_east).get("/api/v1/assignment-rules").json()
        assert (listed["count"], listed["items"][0]["team"]) == (1, people.east.pk)

    def test_the_change_is_audited(self, people: People) -> None:
        client = bearer_for(people.sup_east)
        put(client, rule_url(people), {"method": "industry", "targets": []})
        put(
            client,
            rule_url(people),
            {"method": "industry", "targets": [{"value": "finance", "user": people.rep_east.pk}]},
        )
        entry = AuditEntry.objects.filter(model="sales.assignmentrule").order_by("id").last()
        assert entry is not None
        assert entry.changes == {"targets": [[], [["finance", people.rep_east.pk]]]}

    def test_round_robin_keeps_no_targets(self, people: People) -> None:
        client = bearer_for(people.sup_east)
        put(
            client,
            rule_url(people),
            {"method": "region", "targets": [{"value": "beijing", "user": people.rep_east.pk}]},
        )
        body = put(client, rule_url(people), {"method": "round_robin"}).json()
        assert (body["method"], body["targets"]) == ("round_robin", [])

    @pytest.mark.parametrize(
        ("body", "field", "message"),
        [
            (
                {"method": "random"},
                "method",
                "“random”不是以下选项之一：round_robin, region, industry。",
            ),
            (
                {"method": "region", "targets": [{"value": "火星", "user": "rep_east"}]},
                "targets",
                "“火星”不在数据字典中。",
            ),
            (
                {"method": "region", "targets": [{"value": "beijing", "user": "service_east"}]},
                "targets",
                "service_east",
            ),
        ],
    )
    def test_bad_input_names_the_field(
        self, people: People, body: dict[str, Any], field: str, message: str
    ) -> None:
        for target in body.get("targets", []):
            target["user"] = people.by_name(target["user"]).pk
        response = put(bearer_for(people.sup_east, "zh-hans"), rule_url(people), body)
        assert response.status_code == 422
        errors = response.json()["errors"]
        assert [error["field"] for error in errors] == [field]
        if field == "targets" and message == "service_east":
            assert errors[0]["message"] == (
                f"{people.service_east}不是{people.east}在职的客户经理或销售主管。"
            )
        else:
            assert errors[0]["message"].startswith(message)
        assert not AssignmentRule.objects.exists()


class TestWrongUser:
    def test_a_supervisor_does_not_set_up_another_team(self, people: People) -> None:
        client = bearer_for(people.sup_east)
        assert put(client, rule_url(people, "west"), {"method": "round_robin"}).status_code == 404
        assert client.get(rule_url(people, "west")).status_code == 404

    def test_a_member_outside_the_scope_is_unknown(self, people: People) -> None:
        response = put(
            bearer_for(people.sup_east),
            rule_url(people),
            {"method": "region", "targets": [{"value": "beijing", "user": people.rep_west.pk}]},
        )
        assert response.json()["errors"] == [
            {"field": "targets", "message": f"No user has the id {people.rep_west.pk}."}
        ]

    @pytest.mark.parametrize("persona", ["rep_east", "service_east", "executive"])
    def test_others_may_not(self, people: People, persona: str) -> None:
        client = bearer_for(people.by_name(persona))
        assert put(client, rule_url(people), {"method": "round_robin"}).status_code == 403
        assert client.get("/api/v1/assignment-rules").status_code == 403
        assert client_for(people.by_name(persona)).get(
            f"/sales/assignment/{people.east.pk}/"
        ).status_code in (403, 302)


class TestPage:
    def test_choosing_a_method_shows_its_values(self, people: People) -> None:
        client = client_for(people.sup_east)
        page = client.get(f"/sales/assignment/{people.east.pk}/?method=industry").content.decode()
        assert 'name="target_finance"' in page and 'name="target_beijing"' not in page

    def test_the_page_sets_the_members(self, people: People) -> None:
        client = client_for(people.sup_east)
        response = client.post(
            f"/sales/assignment/{people.east.pk}/",
            {
                "method": "region",
                "active": "on",
                "target_beijing": people.rep_east2.pk,
                "target_shanghai": "",
            },
        )
        assert response.status_code == 302
        rule = AssignmentRule.objects.get()
        assert [(t.value, t.user) for t in rule.targets.all()] == [("beijing", people.rep_east2)]
        setup = client.get("/sales/setup/").content.decode()
        assert "1 value has its member" in setup
        form = client.get(f"/sales/assignment/{people.east.pk}/").content.decode()
        assert f'<option value="{people.rep_east2.pk}" selected>' in form

    def test_another_teams_page_is_not_found(self, people: People) -> None:
        response = client_for(people.sup_east).get(f"/sales/assignment/{people.west.pk}/")
        assert response.status_code == 404
