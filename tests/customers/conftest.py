from collections.abc import Iterator

import pytest
from django.utils import translation


@pytest.fixture(autouse=True)
def english() -> Iterator[None]:
    """Service and validator messages are asserted in English here (Chinese: tests/api)."""
    with translation.override("en"):
        yield
