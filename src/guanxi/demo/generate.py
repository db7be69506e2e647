"""``guanxi demo``: runs each module's demo step with one seeded random generator."""

import random
from collections.abc import Callable

from django.db import transaction

from guanxi.accounts.demo import generate_people
from guanxi.analytics.demo import generate_analytics
from guanxi.catalog.demo import generate_catalog
from guanxi.customers.demo import generate_customers
from guanxi.demo.context import DemoContext
from guanxi.sales.demo import generate_pipeline
from guanxi.service.demo import generate_service

Step = Callable[[DemoContext], None]
STEPS: list[Step] = [
    generate_people,
    generate_catalog,
    generate_customers,
    generate_pipeline,
    generate_service,
    generate_analytics,
]


@transaction.atomic
def generate(
    *,
    customers: int = 500,
    seed: int = 2026,
    password: str,
    on_progress: Callable[[float], None] | None = None,
) -> dict[str, int]:
    """Load demo data; the same seed gives the same data, and running it again adds nothing."""
    if customers < 0:
        raise ValueError("customers must be zero or more")
    context = DemoContext(
        rng=random.Random(seed), customers=customers, password=password, on_progress=on_progress
    )
    for step in STEPS:
        step(context)
    return context.counts
