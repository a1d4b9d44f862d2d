"""Statistics for comparisons: Mann-Whitney U (as Google Benchmark's compare.py uses it), a
bootstrap confidence interval of the ratio of medians, geometric means."""
from __future__ import annotations

import math
from typing import Iterable, Optional, Sequence, Tuple

import numpy as np
from scipy import stats

BOOTSTRAP_RESAMPLES = 2000
BOOTSTRAP_SEED = 20240607  # fixed: the same inputs give the same report


def mann_whitney_p(old: Sequence[float], new: Sequence[float]) -> float:
    """Two-sided p-value that the two samples come from the same distribution."""
    if len(old) < 2 or len(new) < 2:
        return float("nan")
    if len(set(old)) == 1 and len(set(new)) == 1 and old[0] == new[0]:
        return 1.0  # identical constants: no evidence of a difference
    return float(stats.mannwhitneyu(old, new, alternative="two-sided").pvalue)


def min_achievable_p(n_old: int, n_new: int) -> float:
    """Smallest two-sided exact Mann-Whitney p for these sample sizes (complete separation):
    2 / C(n+m, n). With 3 and 3 repetitions it is 0.1: no row could ever be significant at 0.05."""
    if n_old < 1 or n_new < 1:
        return 1.0
    return min(1.0, 2.0 / math.comb(n_old + n_new, n_old))


def min_repetitions_for(alpha: float) -> int:
    n = 2
    while min_achievable_p(n, n) >= alpha and n < 100:
        n += 1
    return n


def median_ratio_ci(old: Sequence[float], new: Sequence[float], confidence: float = 0.95
                    ) -> Tuple[float, float]:
    """Percentile bootstrap CI of median(new) / median(old), resampling each side independently."""
    if len(old) < 2 or len(new) < 2:
        return (float("nan"), float("nan"))
    a = np.asarray(old, dtype=float)
    b = np.asarray(new, dtype=float)
    if np.all(a == a[0]) and np.all(b == b[0]):
        r = b[0] / a[0]
        return (r, r)

    def ratio(x, y, axis=-1):
        return np.median(y, axis=axis) / np.median(x, axis=axis)

    res = stats.bootstrap((a, b), ratio, vectorized=True, paired=False,
                          n_resamples=BOOTSTRAP_RESAMPLES, confidence_level=confidence,
                          method="percentile", random_state=np.random.default_rng(BOOTSTRAP_SEED))
    return (float(res.confidence_interval.low), float(res.confidence_interval.high))


def geomean(values: Iterable[float]) -> Optional[float]:
    v = [x for x in values if x is not None and x > 0 and math.isfinite(x)]
    if not v:
        return None
    return math.exp(sum(math.log(x) for x in v) / len(v))
