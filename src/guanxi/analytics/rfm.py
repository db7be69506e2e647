"""RFM: 1–5 quintile scores per dimension and named segments."""

from __future__ import annotations

import numpy as np

QUINTILES = [0.2, 0.4, 0.6, 0.8]


def quintile_edges(values: np.ndarray) -> list[float]:
    """The four values that cut a population into fifths (kept to score one customer later)."""
    if len(values) == 0:
        return [0.0, 0.0, 0.0, 0.0]
    return [float(edge) for edge in np.quantile(values, QUINTILES)]


def score(values: np.ndarray, edges: list[float], *, higher_is_better: bool = True) -> np.ndarray:
    """1–5 by the fifth each value falls in (a value on an edge counts in the fifth below it)."""
    if higher_is_better:
        return 1 + np.searchsorted(edges, values, side="left")
    return 5 - np.searchsorted(edges, values, side="left")


def rfm_scores(
    recency_days: np.ndarray, order_days: np.ndarray, spend: np.ndarray, edges: dict
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """R (recent is better), F (purchase days) and M (spend) scores against ``edges``."""
    return (
        score(recency_days, edges["r"], higher_is_better=False),
        score(order_days, edges["f"]),
        score(spend, edges["m"]),
    )


# The R × FM grid (FM: the mean of F and M, halves rounded up), first match wins:
# (segment, lowest R, highest R, lowest FM, highest FM).
SEGMENT_GRID = [
    ("champions", 5, 5, 4, 5),
    ("loyal", 3, 4, 4, 5),
    ("potential", 4, 5, 2, 3),
    ("new", 5, 5, 1, 1),
    ("promising", 4, 4, 1, 1),
    ("need_attention", 3, 3, 3, 3),
    ("about_to_sleep", 3, 3, 1, 2),
    ("cannot_lose", 1, 2, 5, 5),
    ("at_risk", 1, 2, 3, 4),
    ("hibernating", 2, 2, 1, 2),
    ("lost", 1, 1, 1, 2),
]


def segments(r: np.ndarray, f: np.ndarray, m: np.ndarray) -> np.ndarray:
    """The named segment of each customer (every R × FM cell has exactly one)."""
    fm = (f + m + 1) // 2
    conditions = [
        (r >= r_low) & (r <= r_high) & (fm >= fm_low) & (fm <= fm_high)
        for _name, r_low, r_high, fm_low, fm_high in SEGMENT_GRID
    ]
    return np.select(conditions, [row[0] for row in SEGMENT_GRID], default="")
