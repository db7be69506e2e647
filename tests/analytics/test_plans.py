"""Improvement plans: opened below 3.5 for the company, a team, a customer; tasks to closure."""

from typing import Any

import pytest

from guanxi.analytics.models import ImprovementPlan, ImprovementTask
from guanxi.analytics.services import satisfaction_watch
from guanxi.core.models import Notification
from tests.analytics.conftest import at, rate
from tests.conftest import Book, People, bearer_for, client_for, post

pytestmark = pytest.mark.django_db


def ratings(customer: Any, scores: list[int], day: str = "2026-11-10") -> None:
    for score in scores:
        rate(customer, score, at(day))


class TestWatch:
    def test_low_satisfaction_opens_plans_for_company_team_and_customer(
        self, people: People, book: Book, clock: Any
    ) -> None:
        ratings(book.east, [2, 3, 3])  # east: 2.67 over 3 ratings
        ratings(book.east2, [4, 3])  # team east: (2+3+3+4+3) / 5 = 3.0
        ratings(book.west, [5, 5, 4, 5, 5])  # team west: 4.8; company: 39/10 = 3.9
        result = satisfaction_watch()
        plans = {plan.subject_key: plan for plan in ImprovementPlan.objects.all()}
        assert set(plans) == {f"team:{people.east.pk}", f"customer:{book.east.pk}"}
        team = plans[f"team:{people.east.pk}"]
        assert (team.satisfaction, team.rated, team.owner) == (3, 5, people.east.supervisor)
        assert team.title == "Raise satisfaction of 华东销售部 (3.00 of 5)"
        customer = plans[f"customer:{book.east.pk}"]
        assert (str(customer.satisfaction), customer.owner) == ("2.67", people.rep_east)
        assert customer.tasks.count() == 1
        assert result.opened == 2
        assert Notification.objects.filter(user=people.rep_east).count() == 1

    def test_the_company_gets_a_plan_too(self, people: People, book: Book, clock: Any) -> None:
        ratings(book.west, [3, 3, 3, 4, 3])
        satisfaction_watch()
        company = ImprovementPlan.objects.get(subject_key="company")
        assert (str(company.satisfaction), company.owner) == ("3.20", people.admin)

    def test_one_open_plan_per_subject(self, book: Book, clock: Any) -> None:
        ratings(book.east, [1, 2])
        satisfaction_watch()
        assert satisfaction_watch().opened == 0
        assert ImprovementPlan.objects.count() == 1

    def test_old_or_few_ratings_open_nothing(self, book: Book, clock: Any) -> None:
        ratings(book.east, [1, 1, 1], day="2026-08-01")  # more than 90 days ago
        ratings(book.west, [1])  # one rating says too little
        assert satisfaction_watch().opened == 0

    def test_excellent_and_acceptable_open_nothing(self, book: Book, clock: Any) -> None:
        ratings(book.east, [4, 3, 4, 3, 4])  # 3.6
        assert satisfaction_watch().opened == 0


@pytest.fixture
def plan(book: Book, clock: Any) -> ImprovementPlan:
    ratings(book.east, [1, 2])
    satisfaction_watch()
    return ImprovementPlan.objects.get()


class TestTasksToClosure:
    def test_a_plan_closes_when_its_tasks_are_done(
        self, people: People, plan: ImprovementPlan
    ) -> None:
        client = bearer_for(people.sup_east)
        url = f"/api/v1/improvement-plans/{plan.pk}"
        response = post(
            client,
            f"{url}/tasks",
            {"title": "培训客服话术", "assignee": people.rep_east.pk, "due_date": "2026-12-20"},
        )
        assert response.status_code == 201
        refused = post(client, f"{url}/close", {"outcome": "满意度回升"})
        assert refused.status_code == 422
        assert refused.json()["errors"][0]["message"] == "2 tasks are not done yet."
        for task in ImprovementTask.objects.filter(plan=plan):
            assignee = task.assignee or people.sup_east
            done = post(bearer_for(assignee), f"{url}/tasks/{task.pk}/done", {})
            assert done.status_code == 200
            assert done.json()["done_by"] == assignee.pk
        closed = post(client, f"{url}/close", {"outcome": "满意度回升到 4.2"})
        assert closed.status_code == 200
        body = closed.json()
        assert (body["status"], body["outcome"]) == ("closed", "满意度回升到 4.2")
        assert all(task["done_at"] for task in body["tasks"])

    def test_closing_needs_an_outcome(self, people: People, plan: ImprovementPlan) -> None:
        response = post(
            bearer_for(people.sup_east, "zh-hans"),
            f"/api/v1/improvement-plans/{plan.pk}/close",
            {"outcome": ""},
        )
        assert response.status_code == 422
        assert response.json()["errors"] == [{"field": "outcome", "message": "请说明计划的成效。"}]

    def test_a_task_needs_a_title(self, people: People, plan: ImprovementPlan) -> None:
        response = post(
            bearer_for(people.sup_east),
            f"/api/v1/improvement-plans/{plan.pk}/tasks",
            {"title": " "},
        )
        assert response.json()["errors"] == [{"field": "title", "message": "Name the task."}]
        response = post(
            bearer_for(people.sup_east),
            f"/api/v1/improvement-plans/{plan.pk}/tasks",
            {"title": "回访", "assignee": 99999},
        )
        assert response.json()["errors"] == [
            {"field": "assignee", "message": "No user has the id 99999."}
        ]


class TestWrongUser:
    def test_a_rep_reads_but_does_not_manage_plans(
        self, people: People, plan: ImprovementPlan
    ) -> None:
        client = bearer_for(people.rep_east)
        assert client.get(f"/api/v1/improvement-plans/{plan.pk}").status_code == 200
        response = post(client, f"/api/v1/improvement-plans/{plan.pk}/tasks", {"title": "x"})
        assert response.status_code == 403

    def test_only_the_assignee_or_a_manager_ticks_a_task(
        self, people: People, plan: ImprovementPlan
    ) -> None:
        task = plan.tasks.get()  # assigned to rep_east, the customer's manager
        url = f"/api/v1/improvement-plans/{plan.pk}/tasks/{task.pk}/done"
        assert post(bearer_for(people.rep_east2), url, {}).status_code == 404  # not in scope
        assert post(bearer_for(people.executive), url, {}).status_code == 403
        assert post(bearer_for(people.rep_east), url, {}).status_code == 200

    def test_another_team_does_not_see_a_customers_plan(
        self, people: People, plan: ImprovementPlan
    ) -> None:
        client = bearer_for(people.sup_west)
        assert client.get(f"/api/v1/improvement-plans/{plan.pk}").status_code == 404
        assert client.get("/api/v1/improvement-plans").json()["count"] == 0


class TestPages:
    def test_add_a_task_tick_it_and_close(self, people: People, plan: ImprovementPlan) -> None:
        client = client_for(people.sup_east)
        url = f"/analytics/plans/{plan.pk}/"
        assert client.get(url).status_code == 200
        response = client.post(url, {"task-title": "整改投诉流程", "task-due_date": "2026-12-15"})
        assert response.status_code == 302
        for task in plan.tasks.all():
            done = client.post(f"/analytics/plans/{plan.pk}/tasks/{task.pk}/done/")
            assert done.status_code == 302
        response = client.post(url, {"close-outcome": "投诉减少一半"})
        assert response.status_code == 302
        plan.refresh_from_db()
        assert (plan.status, plan.closed_by) == ("closed", people.sup_east)

    def test_the_list_in_chinese(self, people: People, plan: ImprovementPlan) -> None:
        page = client_for(people.service_east, "zh-hans").get("/analytics/plans/")
        assert page.status_code == 200
        assert "专项改进计划" in page.content.decode()
