"""Customer lifetime value: BG/NBD for repeat purchases, Gamma-Gamma for spend.

Both are fitted by maximum likelihood (SciPy) on one row per customer:

* ``frequency`` — repeat purchase days (purchases on one day are one transaction);
* ``recency`` — weeks from the first purchase to the last;
* ``T`` — weeks from the first purchase to the end of the calibration period;
* ``monetary`` — mean spend of the repeat transactions (0 when there are none).

References: Fader, Hardie & Lee, "Counting your customers the easy way: an alternative to the
Pareto/NBD model" (2005) and "RFM and CLV: using iso-value curves for customer base analysis"
(2005); Fader & Hardie, "The Gamma-Gamma model of monetary value" (2013). Nothing here touches
the database: ``guanxi analytics clv`` runs it on a file, the nightly refresh on the orders.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass

import numpy as np
from scipy.optimize import minimize
from scipy.special import gammaln, hyp2f1

WEEKS_PER_MONTH = 52 / 12  # 4.333…: CLV discounts month by month
# Parameters are fitted on their logarithms, within e^±12: data without heterogeneity push
# some towards infinity, where the fit stops instead of running away.
LOG_BOUNDS = [(-12.0, 12.0)]
# A fit reads at most this many customers (a seeded random sample of them): the estimates are
# as good and the time stays bounded; every customer is still scored.
FIT_SAMPLE = 300_000


class FitError(ValueError):
    """The data cannot support a fit (too few customers or no repeat purchases)."""


@dataclass(frozen=True)
class Summary:
    """One row per customer, as NumPy arrays of equal length."""

    frequency: np.ndarray
    recency: np.ndarray
    T: np.ndarray
    monetary: np.ndarray

    def __len__(self) -> int:
        return len(self.frequency)


def summarise(
    customer_ids: np.ndarray, days: np.ndarray, amounts: np.ndarray, calibration_end: int
) -> tuple[np.ndarray, Summary]:
    """Turn transactions into the model's summary, one row per customer.

    ``days`` are whole days on any common scale (e.g. ``date.toordinal()``); transactions
    after ``calibration_end`` are left out. Returns the customer ids in the order of the rows.
    """
    keep = days <= calibration_end
    customer_ids, days, amounts = customer_ids[keep], days[keep], amounts[keep]
    if len(days) == 0:
        return customer_ids[:0], Summary(*(np.zeros(0) for _ in range(4)))
    # One transaction per customer and day: sum the day's amounts.
    order = np.lexsort((days, customer_ids))
    customer_ids, days, amounts = customer_ids[order], days[order], amounts[order]
    new_day = np.ones(len(days), dtype=bool)
    new_day[1:] = (customer_ids[1:] != customer_ids[:-1]) | (days[1:] != days[:-1])
    day_index = np.cumsum(new_day) - 1
    day_customer = customer_ids[new_day]
    day_date = days[new_day]
    day_amount = np.bincount(day_index, weights=amounts)

    first_row = np.ones(len(day_customer), dtype=bool)
    first_row[1:] = day_customer[1:] != day_customer[:-1]
    customer_index = np.cumsum(first_row) - 1
    ids = day_customer[first_row]
    transactions = np.bincount(customer_index)
    first_day = day_date[first_row]
    last_day = np.maximum.reduceat(day_date, np.flatnonzero(first_row))
    # Repeat spend: every transaction day but the first.
    repeat_spend = np.bincount(customer_index, weights=np.where(first_row, 0.0, day_amount))
    frequency = (transactions - 1).astype(float)
    with np.errstate(invalid="ignore", divide="ignore"):
        monetary = np.where(frequency > 0, repeat_spend / np.maximum(frequency, 1), 0.0)
    return ids, Summary(
        frequency=frequency,
        recency=(last_day - first_day) / 7.0,
        T=(calibration_end - first_day) / 7.0,
        monetary=monetary,
    )


# --- BG/NBD ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class BetaGeometricNBD:
    r: float
    alpha: float
    a: float
    b: float
    loglik: float

    def p_alive(self, s: Summary) -> np.ndarray:
        """Probability that each customer has not dropped out by the end of calibration."""
        return 1.0 / (1.0 + self._dropout_odds(s))

    def expected_purchases(self, t: float, s: Summary) -> np.ndarray:
        """Expected transactions in the next ``t`` weeks, given each customer's history."""
        r, alpha, a, b = self.r, self.alpha, self.a, self.b
        x, T = s.frequency, s.T
        z = t / (alpha + T + t)
        with np.errstate(all="ignore"):
            hyp = hyp2f1(r + x, b + x, a + b + x - 1, z)
            ratio = np.exp((r + x) * (np.log(alpha + T) - np.log(alpha + T + t)))
            numerator = (a + b + x - 1) / (a - 1) * (1 - ratio * hyp)
            expected = numerator / (1.0 + self._dropout_odds(s))
        # The hypergeometric series can overflow for very frequent buyers; there the
        # expected rate of a customer still alive is an excellent approximation.
        fallback = self.p_alive(s) * (r + x) / (alpha + T) * t
        bad = ~np.isfinite(expected) | (expected < 0)
        return np.where(bad, fallback, expected)

    def _dropout_odds(self, s: Summary) -> np.ndarray:
        x, tx, T = s.frequency, s.recency, s.T
        with np.errstate(all="ignore"):
            odds = (
                self.a
                / (self.b + x - 1)
                * np.exp((self.r + x) * (np.log(self.alpha + T) - np.log(self.alpha + tx)))
            )
        return np.where(x > 0, odds, 0.0)


def _bgnbd_loglik(params: np.ndarray, s: Summary, weights: np.ndarray) -> float:
    r, alpha, a, b = np.exp(params)
    x, tx, T = s.frequency, s.recency, s.T
    a1 = gammaln(r + x) - gammaln(r) + r * np.log(alpha)
    a2 = gammaln(a + b) + gammaln(b + x) - gammaln(b) - gammaln(a + b + x)
    a3 = -(r + x) * np.log(alpha + T)
    with np.errstate(divide="ignore", invalid="ignore"):
        a4 = np.where(
            x > 0,
            np.log(a) - np.log(np.maximum(b + x - 1, 1e-300)) - (r + x) * np.log(alpha + tx),
            -np.inf,
        )
    return float(np.sum(weights * (a1 + a2 + np.logaddexp(a3, a4))))


def fit_bgnbd(s: Summary) -> BetaGeometricNBD:
    """Maximum-likelihood BG/NBD parameters (weeks as the unit of time)."""
    if len(s) < 10 or not np.any(s.frequency > 0):
        raise FitError("BG/NBD needs at least 10 customers and some repeat purchases")
    compact, weights = _distinct_rows(_sample(s))

    def objective(params: np.ndarray) -> float:
        return -_bgnbd_loglik(params, compact, weights) / weights.sum()

    result = minimize(objective, np.zeros(4), method="L-BFGS-B", bounds=LOG_BOUNDS * 4)
    r, alpha, a, b = np.exp(result.x)
    return BetaGeometricNBD(
        r=float(r),
        alpha=float(alpha),
        a=float(a),
        b=float(b),
        loglik=float(-result.fun * weights.sum()),
    )


def _sample(s: Summary) -> Summary:
    if len(s) <= FIT_SAMPLE:
        return s
    keep = np.random.default_rng(2026).choice(len(s), FIT_SAMPLE, replace=False)
    return Summary(s.frequency[keep], s.recency[keep], s.T[keep], s.monetary[keep])


def _distinct_rows(s: Summary) -> tuple[Summary, np.ndarray]:
    """Identical (frequency, recency, T) rows counted once with a weight: a fit on a million
    customers touches far fewer distinct rows."""
    stacked = np.column_stack([s.frequency, s.recency, s.T])
    rows, counts = np.unique(stacked, axis=0, return_counts=True)
    zeros = np.zeros(len(rows))
    return Summary(rows[:, 0], rows[:, 1], rows[:, 2], zeros), counts.astype(float)


# --- Gamma-Gamma ----------------------------------------------------------------------------


@dataclass(frozen=True)
class GammaGamma:
    p: float
    q: float
    gamma: float

    def expected_spend(self, s: Summary) -> np.ndarray:
        """Expected mean spend per transaction; the population mean for one-time buyers."""
        x, m = s.frequency, s.monetary
        population_mean = self.p * self.gamma / (self.q - 1) if self.q > 1 else float(np.nan)
        weight = self.p * x / (self.p * x + self.q - 1)
        return np.where(x > 0, (1 - weight) * population_mean + weight * m, population_mean)


def fit_gamma_gamma(s: Summary) -> GammaGamma:
    """Maximum-likelihood Gamma-Gamma parameters on customers with repeat purchases."""
    s = _sample(s)
    keep = (s.frequency > 0) & (s.monetary > 0)
    x, m = s.frequency[keep], s.monetary[keep]
    if len(x) < 10:
        raise FitError("Gamma-Gamma needs at least 10 customers with repeat purchases")
    # Spend in the thousands makes the scale parameter huge; fit on a scale near 1.
    scale = float(np.median(m))
    m = m / scale

    def objective(params: np.ndarray) -> float:
        p, q, gamma = np.exp(params)
        ll = (
            gammaln(p * x + q)
            - gammaln(p * x)
            - gammaln(q)
            + q * np.log(gamma)
            + (p * x - 1) * np.log(m)
            + p * x * np.log(x)
            - (p * x + q) * np.log(x * m + gamma)
        )
        return -float(np.mean(ll))

    result = minimize(objective, np.zeros(3), method="L-BFGS-B", bounds=LOG_BOUNDS * 3)
    p, q, gamma = np.exp(result.x)
    return GammaGamma(p=float(p), q=float(q), gamma=float(gamma) * scale)


# --- CLV ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Valuation:
    p_alive: np.ndarray
    expected_purchases: np.ndarray
    expected_spend: np.ndarray
    clv: np.ndarray


def value_customers(
    s: Summary,
    bgnbd: BetaGeometricNBD,
    spend: GammaGamma,
    *,
    horizon_weeks: float,
    monthly_discount_rate: float,
) -> Valuation:
    """Each customer's expected purchases and spend over the horizon, and its present value.

    CLV sums, month by month, the purchases expected in that month times the expected spend,
    discounted at ``monthly_discount_rate`` per month; the last month may be partial.
    """
    expected_spend = spend.expected_spend(s)
    clv = np.zeros(len(s))
    previous = np.zeros(len(s))
    months = max(1, math.ceil(horizon_weeks / WEEKS_PER_MONTH - 1e-9))
    for month in range(1, months + 1):
        cumulative = bgnbd.expected_purchases(min(month * WEEKS_PER_MONTH, horizon_weeks), s)
        clv += (cumulative - previous) * expected_spend / (1 + monthly_discount_rate) ** month
        previous = cumulative
    return Valuation(
        p_alive=bgnbd.p_alive(s),
        expected_purchases=previous,
        expected_spend=expected_spend,
        clv=clv,
    )


def fitted(bgnbd: BetaGeometricNBD, spend: GammaGamma) -> dict[str, dict[str, float]]:
    """Both fits as JSON: ``{"bgnbd": {r, alpha, a, b, loglik}, "gamma_gamma": {p, q, gamma}}``
    (read back with ``BetaGeometricNBD(**…)`` and ``GammaGamma(**…)``)."""
    return {"bgnbd": asdict(bgnbd), "gamma_gamma": asdict(spend)}


def clv_report(
    customer_ids: list[str],
    days: np.ndarray,
    amounts: np.ndarray,
    *,
    calibration_end: int,
    horizon_weeks: float = 39,
    monthly_discount_rate: float = 0.01,
) -> dict:
    """Fit both models on transactions and value every customer: the ``--json`` document of
    ``guanxi analytics clv``."""
    labels, codes = np.unique(np.asarray(customer_ids, dtype=str), return_inverse=True)
    rows, s = summarise(codes, days, amounts, calibration_end)
    if len(s) == 0:
        raise FitError("no transactions on or before the calibration end")
    bgnbd = fit_bgnbd(s)
    spend = fit_gamma_gamma(s)
    value = value_customers(
        s, bgnbd, spend, horizon_weeks=horizon_weeks, monthly_discount_rate=monthly_discount_rate
    )
    customers = [
        {
            "customer_id": str(labels[row]),
            "frequency": int(s.frequency[i]),
            "recency": round(float(s.recency[i]), 6),
            "T": round(float(s.T[i]), 6),
            "monetary": round(float(s.monetary[i]), 6),
            "p_alive": round(float(value.p_alive[i]), 6),
            "expected_purchases": round(float(value.expected_purchases[i]), 6),
            "expected_spend": round(float(value.expected_spend[i]), 6),
            "clv": round(float(value.clv[i]), 6),
        }
        for i, row in enumerate(rows)
    ]
    return {
        **fitted(bgnbd, spend),
        "customers": customers,
    }
