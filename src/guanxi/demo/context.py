"""What every module's demo step is handed: the seeded generator, the sizes, what came before."""

import random
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any


@dataclass
class DemoContext:
    rng: random.Random
    customers: int
    password: str
    # What each step made, for the steps after it and for the summary.
    made: dict[str, Any] = field(default_factory=dict)
    counts: dict[str, int] = field(default_factory=dict)
    # Called with the fraction done, for a progress bar on long runs.
    on_progress: Callable[[float], None] | None = None
