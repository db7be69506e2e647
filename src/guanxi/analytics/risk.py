"""Churn risk 0–100: the purchase model, the customer's own rhythm, complaints, satisfaction.

Each part scores 0–1 and has a weight; the score is their weighted sum. The parts that add
the most become the reasons shown to the account manager, in words.

The purchase model's part is the chance of *no* order in the next 26 weeks, exp(−E[Y(26)]),
which weighs the probability alive by how often the customer buys: P(alive) alone is 1 for
every one-time buyer (BG/NBD lets customers drop out only after a repeat purchase) and ranks
churners worse than chance on CDNOW (AUC 0.32 against 0.77 for this part).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from scipy.stats import rankdata

WEIGHTS = {"inactive": 40, "overdue": 35, "complaints": 15, "dissatisfied": 10}
# A part shows as a reason when it adds at least this many points.
REASON_POINTS = 5


OUTLOOK_WEEKS = 26


@dataclass(frozen=True)
class RiskInputs:
    p_alive: np.ndarray
    p_order_soon: np.ndarray  # 1 − exp(−expected purchases in the next OUTLOOK_WEEKS)
    days_since_last: np.ndarray
    typical_gap_days: np.ndarray  # the customer's mean days between purchase days
    complaints: np.ndarray  # in the last 12 months
    satisfaction: np.ndarray  # 1–5, NaN when unknown


def churn_risk(inputs: RiskInputs) -> tuple[np.ndarray, list[list[list]]]:
    """Scores 0–100 and, per customer, up to three reasons ``[code, parameters]``."""
    gap = np.maximum(inputs.typical_gap_days, 1.0)
    parts = {
        "inactive": 1.0 - np.clip(inputs.p_order_soon, 0, 1),
        # One usual gap without an order is normal; three or more is fully overdue.
        "overdue": np.clip((inputs.days_since_last / gap - 1) / 2, 0, 1),
        "complaints": np.minimum(inputs.complaints, 3) / 3,
        "dissatisfied": np.nan_to_num(np.clip((4 - inputs.satisfaction) / 3, 0, 1)),
    }
    points = {name: WEIGHTS[name] * part for name, part in parts.items()}
    scores = np.rint(sum(points.values())).astype(int)
    reasons = []
    names = list(points)
    table = np.column_stack([points[name] for name in names])
    for i in range(len(scores)):
        ranked = sorted(
            (name for j, name in enumerate(names) if table[i, j] >= REASON_POINTS),
            key=lambda name: -points[name][i],
        )[:3]
        reasons.append([[name, _parameters(name, inputs, i)] for name in ranked])
    return scores, reasons


def _parameters(name: str, inputs: RiskInputs, i: int) -> dict:
    if name == "inactive":
        return {
            "p_order": round(float(inputs.p_order_soon[i]) * 100),
            "p_alive": round(float(inputs.p_alive[i]) * 100),
        }
    if name == "overdue":
        return {
            "days": int(inputs.days_since_last[i]),
            "gap": max(1, round(float(inputs.typical_gap_days[i]))),
        }
    if name == "complaints":
        return {"count": int(inputs.complaints[i])}
    return {"score": round(float(inputs.satisfaction[i]), 1)}


def describe(reason: list) -> str:
    """One stored reason in words, in the active language."""
    code, values = reason
    if code == "inactive":
        return (
            _(
                "Only %(p_order)s %% likely to order in the next 6 months "
                "(purchase model; still active: %(p_alive)s %%)"
            )
            % values
        )
    if code == "overdue":
        return _("No order for %(days)s days; usually orders every %(gap)s days") % values
    if code == "complaints":
        return (
            ngettext(
                "%(count)s complaint in the last 12 months",
                "%(count)s complaints in the last 12 months",
                values["count"],
            )
            % values
        )
    if code == "dissatisfied":
        return _("Satisfaction %(score)s of 5") % values
    return code


def auc(scores: np.ndarray, labels: np.ndarray) -> float:
    """Area under the ROC curve: the chance a churner scores above a customer who stayed."""
    positives = labels.astype(bool)
    n1, n0 = int(positives.sum()), int((~positives).sum())
    if not n1 or not n0:
        return float("nan")
    ranks = rankdata(scores)
    return float((ranks[positives].sum() - n1 * (n1 + 1) / 2) / (n1 * n0))
