"""Exact binomial scores and each venue's normal (weekday shares, level, dispersion), for all venues at once."""

import numpy as np

from .window import Params

# --- Exact binomial scores, vectorised --------------------------------------------

_A = (2509.0809287301226727, 33430.575583588128105, 67265.770927008700853, 45921.953931549871457,
      13731.693765509461125, 1971.5909503065514427, 133.14166789178437745, 3.387132872796366608)
_B = (5226.495278852854561, 28729.085735721942674, 39307.89580009271061, 21213.794301586595867,
      5394.1960214247511077, 687.1870074920579083, 42.313330701600911252, 1.0)
_C = (7.7454501427834140764e-4, 0.0227238449892691845833, 0.24178072517745061177, 1.27045825245236838258,
      3.64784832476320460504, 5.7694972214606914055, 4.6303378461565452959, 1.42343711074968357734)
_D = (1.05075007164441684324e-9, 5.475938084995344946e-4, 0.0151986665636164571966, 0.14810397642748007459,
      0.68976733498510000455, 1.6763848301838038494, 2.05319162663775882187, 1.0)
_E = (2.01033439929228813265e-7, 2.71155556874348757815e-5, 0.0012426609473880784386, 0.026532189526576123093,
      0.29656057182850489123, 1.7848265399172913358, 5.4637849111641143699, 6.6579046435011037772)
_F = (2.04426310338993978564e-15, 1.4215117583164458887e-7, 1.8463183175100546818e-5, 7.868691311456132591e-4,
      0.0148753612908506148525, 0.13692988092273580531, 0.59983220655588793769, 1.0)


def _poly(coef: tuple[float, ...], r: np.ndarray) -> np.ndarray:
    out = np.full_like(r, coef[0])
    for c in coef[1:]:
        out = out * r + c
    return out


def _norm_ppf_lower(p: np.ndarray) -> np.ndarray:
    """Normal quantile of lower-tail probabilities 0 < p <= 0.5 (Wichura's AS241, as
    ``statistics.NormalDist.inv_cdf`` computes it, on arrays)."""
    q = p - 0.5
    r = 0.180625 - q * q
    central = q * _poly(_A, r) / _poly(_B, r)
    s = np.sqrt(-np.log(np.maximum(p, 1e-300)))
    near = _poly(_C, s - 1.6) / _poly(_D, s - 1.6)
    far = _poly(_E, s - 5.0) / _poly(_F, s - 5.0)
    return np.where(np.abs(q) <= 0.425, central, -np.where(s <= 5.0, near, far))


def _binom_midp_z(x: np.ndarray, n: np.ndarray, p: np.ndarray) -> np.ndarray:
    """Normal score of the exact binomial mid-p tail of ``x`` successes in ``n`` trials:
    negative when x is below the expectation, positive above (0 <= x <= n, n >= 1).

    An upper tail is the lower tail of the failures (n - x at 1 - p), so only lower tails
    P(K < k) + P(K = k) / 2 are summed, term by term in logs (pmf(j) from pmf(j - 1)). The
    values are sorted by k, largest first, so step j touches only those still summing: the
    work is the sum of the k, whatever the spread of venue sizes."""
    shape = x.shape
    x, n = x.ravel().astype(np.int64), n.ravel().astype(np.int64)
    p = np.clip(p.ravel().astype(float), 1e-4, 1 - 1e-4)
    if x.size == 0:
        return np.zeros(shape)
    upper = x > n * p
    order = np.argsort(-np.where(upper, n - x, x), kind="stable")
    k = np.where(upper, n - x, x)[order]
    nn = n[order]
    pk = np.where(upper, 1 - p, p)[order]
    log_ratio = np.log(pk) - np.log1p(-pk)
    log_pmf = nn * np.log1p(-pk)  # pmf(0)
    tail = np.exp(log_pmf) * np.where(k == 0, 0.5, 1.0)
    active = np.searchsorted(-k, -np.arange(int(k[0]) + 1), side="right")  # how many have k >= j
    for j in range(1, int(k[0]) + 1):
        m = int(active[j])  # values with k >= j: a prefix
        lp = log_pmf[:m] = log_pmf[:m] + np.log((nn[:m] - j + 1) / j) + log_ratio[:m]
        tail[:m] += np.exp(lp) * np.where(k[:m] == j, 0.5, 1.0)
    z = _norm_ppf_lower(np.clip(tail, 1e-15, 0.5))
    out = np.empty(x.size)
    out[order] = np.where(upper[order], -z, z)
    return out.reshape(shape)


def _z(x: np.ndarray, registered: np.ndarray, share: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(expected, raw normal score) of ``x`` sign-ins given the registered headcount and share.
    The trials are the registered headcount, or the count itself where more came."""
    trials = np.where(registered > x, registered, np.maximum(x, 1))
    q = np.minimum(share * registered / trials, 0.9999)
    return trials * q, _binom_midp_z(x, trials, q)


# --- The venue's normal, for all venues at once -------------------------------------

def _weekday_shares(x: np.ndarray, trials: np.ndarray, weekday: np.ndarray,
                    use: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Share of the registered headcount per venue and weekday, (V, 7), from the baseline days
    marked ``use``, and the highest share each weekday's data allows. Sums, not means of
    ratios (unbiased), shrunk toward the all-week share by
    empirical Bayes: as far as the weekdays do not really differ at this venue (a KTV's
    weekends do; a small venue where everyone comes every day does not), a weekday borrows
    strength from the whole week."""
    xs = np.zeros((x.shape[0], 7))
    ns = np.zeros((x.shape[0], 7))
    for wd in range(7):
        m = use & (weekday == wd)
        xs[:, wd] = np.where(m, x, 0).sum(axis=1)
        ns[:, wd] = np.where(m, trials, 0).sum(axis=1)
    pooled = (xs.sum(axis=1) + 0.5) / (ns.sum(axis=1) + 1.0)
    present = ns > 0
    safe_ns = np.where(present, ns, 1.0)
    raw = xs / safe_ns
    base_var = np.maximum(pooled * (1 - pooled), 0.01)
    sampling = base_var[:, None] / safe_ns
    k = present.sum(axis=1)
    mean = np.where(present, raw, 0).sum(axis=1) / np.maximum(k, 1)
    between = np.where(present, (raw - mean[:, None]) ** 2, 0).sum(axis=1) / np.maximum(k - 1, 1)
    noise = np.where(present, sampling, 0).sum(axis=1) / np.maximum(k, 1)
    tau2 = np.where(k >= 2, np.maximum(between - noise, 1e-6), 1e-6)
    weight = sampling / (sampling + tau2[:, None])
    shrunk = weight * pooled[:, None] + (1 - weight) * raw
    edge = 0.5 / (ns + 1)  # never exactly 0 or 1: one absence must remain possible
    top = np.where(present, 1 - edge, 0.9999)
    return np.where(present, np.minimum(np.maximum(shrunk, edge), top), pooled[:, None]), top


def _fit(x: np.ndarray, reg: np.ndarray, weekday: np.ndarray, use: np.ndarray, p: Params,
         factor: np.ndarray | None = None) -> tuple[np.ndarray, ...]:
    """Each venue's normal from its baseline days (most recent first; ``use`` marks open days
    after its first sign-in; ``factor`` the city's common day factor on those days, see
    ``common``). Returns (fitted, share, scale) for all rows.

    1. Weekday shares over ``baseline_weeks`` weeks; days that are far off under that first
       fit (past events, unmarked closures: exact tail beyond ``outlier_z``) are left out
       and the shares fitted again.
    2. Level: observed / expected over the ``level_days`` most recent of those days (far-off
       days left out, shrunk toward 1): follows slow trends and staff who stop coming.
    3. Scale: the measured spread of the baseline's scores (bounded below by
       ``min_dispersion``; 1 where nearly everyone always comes) times the uncertainty of
       estimating the share and the level from a few weeks.
    """
    f = np.ones(x.shape) if factor is None else factor
    trials = np.maximum(reg, x)
    exposure = trials * f  # a holiday's expected share is the usual share x the day's factor
    n_base = use.sum(axis=1)
    fitted = n_base >= p.min_history_days // 2
    limit = p.outlier_z

    def day_z(share: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        s = np.take_along_axis(share, weekday, axis=1) * f
        return _z(x, reg, s)

    share, _top = _weekday_shares(x, exposure, weekday, use)
    _e, z = day_z(share)
    kept = use & (np.abs(z) <= limit)
    enough = kept.sum(axis=1) >= 0.6 * n_base
    kept = np.where(enough[:, None], kept, use)
    share, top = _weekday_shares(x, exposure, weekday, kept)
    e, z = day_z(share)
    recent = kept & (np.cumsum(kept, axis=1) <= p.level_days)
    inlier = recent & (np.abs(z) <= limit)
    level = ((np.where(inlier, x, 0).sum(axis=1) + p.level_prior)
             / (np.where(inlier, e, 0).sum(axis=1) + p.level_prior))
    # The level may not push a weekday's share to 1 where the weekday's own fit could not go.
    share = np.minimum(share * level[:, None], top)
    s = np.minimum(np.take_along_axis(share, weekday, axis=1) * f, 0.9999)
    n_kept = np.maximum(kept.sum(axis=1), 1)
    variance = np.where(kept, s * reg * (1 - s), 0).sum(axis=1) / n_kept
    _e, z = day_z(share)
    # Attendance on fixed rotas is steadier than a coin toss per person (under-dispersed) and
    # sometimes wilder: the root mean square of the baseline's scores (far-off days left out,
    # corrected for leaving them out), bounded below so a few calm weeks cannot make the
    # detector hair-trigger. Where nearly everyone always comes the binomial's spread is
    # already tiny and ordinary days all score ~0: nothing to measure, keep 1.
    inliers = kept & (np.abs(z) <= limit)
    n_in = inliers.sum(axis=1)
    rms = np.sqrt(np.where(inliers, z * z, 0).sum(axis=1) / np.maximum(n_in, 1)) / 0.95
    dispersion = np.where((variance >= 1.0) & (n_in >= 20), np.maximum(p.min_dispersion, rms), 1.0)
    per_weekday = np.maximum(kept.sum(axis=1) / 7, 1.0)
    n_recent = np.maximum(recent.sum(axis=1), 1)
    # The measured dispersion is itself an estimate from a few dozen days (relative standard
    # error ~ 1 / sqrt(2 n)): an underestimate would make every day look rarer than it is.
    measured = (variance >= 1.0) & (n_in >= 20)
    dispersion = dispersion * np.where(measured, 1 + 1 / np.sqrt(2 * np.maximum(n_in, 1)), 1.0)
    scale = dispersion * np.sqrt(1 + 1 / per_weekday + 1 / n_recent)
    return fitted, share, scale
