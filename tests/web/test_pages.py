"""Every page of the foundation, as every role: 200, 403 or 404, never 500."""

import pytest
from django.test import Client

from guanxi.core.models import DictItem
from tests.conftest import ROLE_PERSONAS, People, client_for

pytestmark = pytest.mark.django_db

OK, FORBIDDEN, MISSING = 200, 403, 404

# page → expected status for admin, executive, sup_east, rep_east, service_east
MATRIX = {
    "/": (OK, OK, OK, OK, OK),
    "/account/password/": (OK, OK, OK, OK, OK),
    "/account/tokens/": (OK, OK, OK, OK, OK),
    "/users/": (OK, OK, OK, FORBIDDEN, FORBIDDEN),
    "/users/new/": (OK, FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN),
    "/users/{rep_east}/": (OK, OK, OK, FORBIDDEN, FORBIDDEN),
    "/users/{rep_west}/": (OK, OK, MISSING, FORBIDDEN, FORBIDDEN),
    "/users/{rep_east}/edit/": (OK, FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN),
    "/users/{rep_east}/password/": (OK, FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN),
    "/teams/": (OK, OK, OK, FORBIDDEN, FORBIDDEN),
    "/teams/new/": (OK, FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN),
    "/teams/{east}/": (OK, OK, OK, FORBIDDEN, FORBIDDEN),
    "/teams/{west}/": (OK, OK, MISSING, FORBIDDEN, FORBIDDEN),
    "/teams/{east}/edit/": (OK, FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN),
    "/dictionary/": (OK, OK, OK, OK, OK),
    "/dictionary/region/": (OK, OK, OK, OK, OK),
    "/dictionary/nope/": (MISSING, MISSING, MISSING, MISSING, MISSING),
    "/dictionary/industry/{finance}/": (OK, FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN),
    "/audit/": (OK, FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN),
    "/healthz": (OK, OK, OK, OK, OK),
    "/api/v1/docs": (OK, OK, OK, OK, OK),
    "/api/v1/openapi.json": (OK, OK, OK, OK, OK),
}
CASES = [
    (page, persona, statuses[index])
    for page, statuses in MATRIX.items()
    for index, persona in enumerate(ROLE_PERSONAS)
]


def url(page: str, people: People) -> str:
    finance = DictItem.objects.get(category__code="industry", code="finance")
    return page.format(
        rep_east=people.rep_east.pk,
        rep_west=people.rep_west.pk,
        east=people.east.pk,
        west=people.west.pk,
        finance=finance.pk,
    )


@pytest.mark.parametrize(("page", "persona", "status"), CASES)
def test_page_answers_each_role(people: People, page: str, persona: str, status: int) -> None:
    response = client_for(people.by_name(persona)).get(url(page, people))
    assert response.status_code == status


@pytest.mark.parametrize("page", [p for p in MATRIX if not p.startswith(("/healthz", "/api"))])
def test_anonymous_is_sent_to_login(people: People, page: str) -> None:
    response = Client().get(url(page, people))
    assert response.status_code == 302
    assert response["Location"].startswith("/login/?next=")


def test_menu_shows_only_pages_the_role_may_open(people: People) -> None:
    rep_page = client_for(people.rep_east).get("/").content.decode()
    admin_page = client_for(people.admin).get("/").content.decode()
    assert 'href="/users/"' not in rep_page
    assert 'href="/audit/"' not in rep_page
    assert 'href="/dictionary/"' in rep_page
    for link in ('href="/users/"', 'href="/teams/"', 'href="/dictionary/"', 'href="/audit/"'):
        assert link in admin_page


def test_home_shows_name_role_and_team(people: People) -> None:
    page = client_for(people.sup_east).get("/").content.decode()
    assert people.sup_east.display_name in page
    assert 'data-role="sales_supervisor">Sales supervisor<' in page
    assert "华东销售部" in page


def test_home_in_chinese(people: People) -> None:
    page = client_for(people.sup_east, language="zh-hans").get("/").content.decode()
    assert ">销售主管<" in page
    assert "欢迎" in page


def test_user_list_keeps_to_the_supervisors_team(people: People) -> None:
    page = client_for(people.sup_east).get("/users/").content.decode()
    assert f'href="/users/{people.rep_east.pk}/"' in page
    assert f'href="/users/{people.rep_west.pk}/"' not in page


def test_user_list_runs_a_fixed_number_of_queries(
    people: People, django_assert_max_num_queries
) -> None:  # type: ignore[no-untyped-def]
    client = client_for(people.admin)
    client.get("/users/")
    with django_assert_max_num_queries(12):
        client.get("/users/?role=account_manager")
