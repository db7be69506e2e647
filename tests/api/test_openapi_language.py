"""The OpenAPI document reads in English whatever language the first request had."""

import pytest

from tests.conftest import People, bearer_for

pytestmark = pytest.mark.django_db


def test_model_schemas_are_titled_in_english(people: People) -> None:
    doc = bearer_for(people.admin, "zh-hans").get("/api/v1/openapi.json").json()
    fields = doc["components"]["schemas"]["CustomerIn"]["properties"]
    assert (fields["kind"]["title"], fields["level"]["title"]) == ("Type", "Level")
