"""Reminders through a real SMTP server, lead capture, assignment rules, the calendar feed,
the pages by role, and query counts on the board and the dashboard."""

import re
from datetime import timedelta

import pytest
from django.core.cache import cache
from django.utils import timezone

from guanxi.core.models import Notification
from guanxi.sales import services
from guanxi.sales.models import AssignmentRule, LeadForm, Opportunity
from tests.conftest import Book, Inbox, People, bearer_for, client_for
from tests.factories import OpportunityFactory

pytestmark = pytest.mark.django_db


class TestReminders:
    def test_it_reminds_once_by_app_and_mail(
        self, people: People, smtp: Inbox, django_capture_on_commit_callbacks
    ) -> None:  # type: ignore[no-untyped-def]
        people.rep_east.email = "rep@example.com"
        people.rep_east.language = "en"
        people.rep_east.save()
        due = timezone.now() + timedelta(minutes=10)
        activity = services.activity_create(actor=people.rep_east, subject="拜访华信", due_at=due)
        assert activity.remind_at == due - timedelta(minutes=15)
        with django_capture_on_commit_callbacks(execute=True):
            assert services.send_due_reminders() == 1
        with django_capture_on_commit_callbacks(execute=True):
            assert services.send_due_reminders() == 0
        note = Notification.objects.get(user=people.rep_east)
        assert note.title.startswith("Reminder: 拜访华信 at ")
        assert len(smtp.messages) == 1
        assert smtp.messages[0][0] == ["rep@example.com"]
        assert f"/activities/{activity.pk}/" in smtp.messages[0][1]

    def test_a_worker_that_was_down_sends_the_missed_ones_later(self, people: People) -> None:
        due = timezone.now() + timedelta(hours=1)
        services.activity_create(
            actor=people.rep_east, subject="电话回访", due_at=due, remind_minutes=30
        )
        assert services.send_due_reminders(now=due - timedelta(minutes=45)) == 0
        # The worker was down from the reminder time until after the due time.
        assert services.send_due_reminders(now=due + timedelta(minutes=5)) == 1
        assert services.send_due_reminders(now=due + timedelta(minutes=6)) == 0

    def test_done_and_rescheduled_activities(self, people: People) -> None:
        due = timezone.now() + timedelta(minutes=5)
        done = services.activity_create(actor=people.rep_east, subject="a", due_at=due)
        services.activity_complete(actor=people.rep_east, activity=done)
        moved = services.activity_create(actor=people.rep_east, subject="b", due_at=due)
        services.activity_update(
            actor=people.rep_east, activity=moved, due_at=due + timedelta(days=1)
        )
        assert services.send_due_reminders() == 0


class TestLeads:
    def lead_form(self, people: People) -> LeadForm:
        return services.lead_form_save(
            actor=people.sup_east, team=people.sup_east.team, name="官网咨询", source="website"
        )

    def test_a_visitor_leaves_a_lead_and_the_supervisor_is_told(self, people: People) -> None:
        cache.clear()
        people.sup_east.language = "en"
        people.sup_east.save()
        form = self.lead_form(people)
        page = client_for(None).get(f"/leads/{form.token}/")
        assert page.status_code == 200
        response = client_for(None).post(
            f"/leads/{form.token}/",
            {
                "customer_name": "成都天府软件有限公司",
                "contact_name": "赵敏",
                "contact_phone": "028-86612345",
            },
        )
        assert response.status_code == 200
        lead = Opportunity.objects.get()
        assert (lead.status, lead.team, lead.source, lead.created_by) == (
            "unassigned",
            people.sup_east.team,
            "website",
            None,
        )
        assert lead.contact_phone == "028-86612345"
        assert (
            Notification.objects.get(user=people.sup_east).title
            == "New lead to assign: 成都天府软件有限公司"
        )
        assert LeadForm.objects.get().submissions == 1

    def test_a_reader_without_a_language_is_told_in_the_default_one(self, people: People) -> None:
        cache.clear()
        form = self.lead_form(people)
        client_for(None, "en").post(
            f"/leads/{form.token}/", {"customer_name": "甲公司", "contact_phone": "13812345678"}
        )
        assert Notification.objects.get(user=people.sup_east).title == "新线索待指派：甲公司"

    def test_the_honeypot_keeps_nothing_and_the_rate_is_limited(self, people: People) -> None:
        cache.clear()
        form = self.lead_form(people)
        url = f"/leads/{form.token}/"
        bot = client_for(None).post(
            url, {"customer_name": "x", "contact_phone": "13812345678", "website": "http://spam"}
        )
        assert bot.status_code == 200
        assert not Opportunity.objects.exists()
        for _ in range(5):
            assert (
                client_for(None)
                .post(url, {"customer_name": "甲", "contact_phone": "13812345678"})
                .status_code
                == 200
            )
        blocked = client_for(None).post(
            url, {"customer_name": "乙", "contact_phone": "13812345678"}
        )
        assert blocked.status_code == 429
        assert "Too many submissions from your address." in blocked.content.decode()
        assert Opportunity.objects.count() == 5

    def test_bad_and_unknown_forms(self, people: People) -> None:
        cache.clear()
        form = self.lead_form(people)
        missing = client_for(None).post(f"/leads/{form.token}/", {"customer_name": "甲"})
        assert missing.status_code == 200
        assert "Leave a phone number or an e-mail address." in missing.content.decode()
        assert client_for(None).get("/leads/not-a-token/").status_code == 404

    def test_round_robin_among_members(self, people: People) -> None:
        services.assignment_rule_save(
            actor=people.sup_east, team=people.sup_east.team, method="round_robin", active=True
        )
        owners = [
            services.opportunity_create(
                actor=people.sup_east, customer_name=f"客户{i}", summary="s"
            ).assignee
            for i in range(4)
        ]
        members = sorted([people.sup_east, people.rep_east, people.rep_east2], key=lambda u: u.pk)
        assert owners == [*members, members[0]]
        assert AssignmentRule.objects.get().last_assignee == members[0]

    def test_by_region(self, people: People) -> None:
        services.assignment_rule_save(
            actor=people.sup_east,
            team=people.sup_east.team,
            method="region",
            active=True,
            targets={"beijing": people.rep_east2},
        )
        lead = services.opportunity_create(
            actor=people.sup_east, customer_name="甲", summary="s", region="北京"
        )
        assert lead.assignee == people.rep_east2

    def test_a_supervisor_sets_up_only_their_team(self, people: People) -> None:
        with pytest.raises(Exception, match="only set this up for your own team"):
            services.assignment_rule_save(
                actor=people.sup_east, team=people.sup_west.team, method="round_robin", active=True
            )


class TestCalendarFeed:
    def test_subscribe_and_revoke(self, people: People) -> None:
        services.activity_create(
            actor=people.rep_east, subject="拜访华信", due_at=timezone.now() + timedelta(days=1)
        )
        client = client_for(people.rep_east)
        page = client.post("/activities/feed/")
        url = re.search(r"http://testserver(/calendar/[^<\s]+\.ics)", page.content.decode())[1]
        feed = client_for(None).get(url)
        assert feed.status_code == 200
        assert feed["Content-Type"] == "text/calendar; charset=utf-8"
        body = feed.content.decode()
        assert "SUMMARY:[To-do] 拜访华信" in body
        assert "TRIGGER:-PT15M" in body
        client.post("/activities/feed/", {"action": "revoke"})
        assert client_for(None).get(url).status_code == 404


PAGES = [
    "/opportunities/",
    "/opportunities/board/",
    "/sales/",
    "/activities/",
    "/activities/calendar/",
    "/sales/setup/",
]
EXPECTED = {
    "admin": [200, 200, 200, 200, 200, 200],
    "sup_east": [200, 200, 200, 200, 200, 200],
    "rep_east": [200, 200, 200, 200, 200, 403],
    "service_east": [403, 403, 403, 200, 200, 403],
    "executive": [200, 200, 200, 200, 200, 403],
}


@pytest.mark.parametrize("username", EXPECTED)
def test_pages_by_role(people: People, username: str) -> None:
    client = client_for(people.by_name(username))
    assert [client.get(url).status_code for url in PAGES] == EXPECTED[username]


def test_detail_pages_by_scope(people: People, book: Book) -> None:
    lead = services.opportunity_create(actor=people.rep_east, customer_name="甲", summary="s")
    expected = {
        "rep_east": 200,
        "sup_east": 200,
        "rep_east2": 404,
        "rep_west": 404,
        "sup_west": 404,
        "executive": 200,
    }
    for username, status in expected.items():
        assert (
            client_for(people.by_name(username)).get(f"/opportunities/{lead.pk}/").status_code
            == status
        )


def test_the_board_move_answers_conflicts(people: People) -> None:
    lead = services.opportunity_create(actor=people.rep_east, customer_name="甲", summary="s")
    from guanxi.sales.models import PipelineStage

    proposal = PipelineStage.objects.get(code="proposal")
    client = client_for(people.rep_east)
    moved = client.post(
        f"/opportunities/{lead.pk}/move/", {"stage": proposal.pk, "version": lead.version}
    )
    assert moved.status_code == 200
    assert 'data-version="2"' in moved.content.decode()
    stale = client.post(
        f"/opportunities/{lead.pk}/move/", {"stage": proposal.pk + 1, "version": lead.version}
    )
    assert stale.status_code == 409
    assert "was changed by someone else a moment ago" in stale.content.decode()
    assert (
        client_for(people.rep_west)
        .post(f"/opportunities/{lead.pk}/move/", {"stage": proposal.pk})
        .status_code
        == 404
    )
    assert (
        client_for(people.executive)
        .post(f"/opportunities/{lead.pk}/move/", {"stage": proposal.pk})
        .status_code
        == 403
    )


@pytest.mark.parametrize("count", [5, 40])
def test_board_and_dashboard_query_counts(
    people: People, count: int, django_assert_max_num_queries
) -> None:  # type: ignore[no-untyped-def]
    for index in range(count):
        OpportunityFactory(
            assignee=people.rep_east if index % 2 else people.rep_east2,
            team=people.east,
            status="assigned",
            amount=1000,
        )
    client = client_for(people.sup_east)
    with django_assert_max_num_queries(12):
        assert client.get("/opportunities/board/").status_code == 200
    with django_assert_max_num_queries(16):
        assert client.get("/sales/").status_code == 200
    with django_assert_max_num_queries(14):
        assert client.get("/opportunities/").status_code == 200
    with django_assert_max_num_queries(12):
        assert client.get("/activities/").status_code == 200
    api = bearer_for(people.sup_east)
    # token, last use, the user's own permissions, count, page
    with django_assert_max_num_queries(5):
        body = api.get("/api/v1/opportunities?status=open").json()
    assert body["count"] == count
