"""The password policy: Django's rules plus two kinds of character and no reuse of the last
five passwords, the same on every path (services, the API, the own-password page)."""

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from guanxi.accounts import services
from guanxi.accounts.models import PasswordHistory
from tests.conftest import People, bearer_for, client_for, post
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english() -> object:
    with translation.override("en"):
        yield


ONE_KIND = "Use at least two kinds of character: letters, digits and symbols (such as - or !)."


def test_one_kind_of_character_is_refused(people: People) -> None:
    with pytest.raises(ValidationError) as refused:
        services.user_reset_password(
            actor=people.admin, user=people.rep_east, password="lanternfish"
        )
    assert refused.value.message_dict == {"password": [ONE_KIND]}
    for good in ("lantern-fish", "lantern42fish", "Lantern 2026"):
        services.user_reset_password(actor=people.admin, user=people.rep_east, password=good)


def test_the_api_names_the_rule_in_chinese(people: People) -> None:
    api = bearer_for(people.admin, language="zh-hans")
    response = post(
        api, f"/api/v1/users/{people.rep_east.pk}/password", {"password": "qwertzuiopas"}
    )
    assert response.status_code == 422
    assert response.json()["errors"] == [
        {"field": "password", "message": "请至少使用两类字符：字母、数字和符号（如 - 或 !）。"}
    ]


def test_the_last_five_passwords_cannot_come_back(people: People) -> None:
    user = people.rep_east
    used = [f"harbour-light-{n}" for n in range(6)]
    for password in used:
        services.user_reset_password(actor=user, user=user, password=password)
    assert PasswordHistory.objects.filter(user=user).count() == 5
    for recent in (used[5], used[1]):
        with pytest.raises(ValidationError) as refused:
            services.user_reset_password(actor=user, user=user, password=recent)
        assert refused.value.message_dict == {
            "password": ["Choose a password you have not used before (your last 5 are kept)."]
        }
    # The sixth-last has dropped out of the history.
    services.user_reset_password(actor=user, user=user, password=used[0])


def test_the_own_password_page_refuses_the_current_one(people: People) -> None:
    client = client_for(people.rep_east)
    page = client.post(
        "/account/password/",
        {"old_password": PASSWORD, "new_password1": PASSWORD, "new_password2": PASSWORD},
    )
    assert page.status_code == 200
    assert (
        "Choose a password you have not used before (your last 5 are kept)."
        in page.content.decode()
    )
