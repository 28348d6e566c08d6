"""The night's judgement: the run rule over the last days, the evidence, and the pure ``detect()``."""

from dataclasses import asdict, dataclass
from datetime import date, timedelta
from typing import Any

import numpy as np

from ..alert_kinds import KIND_SIGNIN
from .common import day_factors
from .scores import _fit, _z
from .window import SEVERITY_HIGH, SEVERITY_MEDIUM, CityWindow, Finding, Params

# --- The night's judgement ------------------------------------------------------------

@dataclass
class _Night:
    rows: np.ndarray  # window rows judged tonight
    cols: np.ndarray  # (len(rows), max_run): columns of the last open days, -1 where fewer
    observed: np.ndarray
    expected: np.ndarray
    scores: np.ndarray  # clipped daily scores (nan where no day)
    # The same for judging a rise: a registry that shrank lately (a clean-up of people who no
    # longer came) does not lower the expectation much, see _judge step 4.
    rise_expected: np.ndarray
    rise_scores: np.ndarray
    share: np.ndarray  # (len(rows), 7)
    factor: np.ndarray  # (len(rows), max_run): the area's common day factor on each judged day
    usual_reg: np.ndarray  # (len(rows),): the registry's median over the baseline weeks
    capped: np.ndarray  # (len(rows),): a registry jump was bounded on some judged day
    floored: np.ndarray  # (len(rows),): ... or, judging a rise, a registry clean-up


def _judge(w: CityWindow, e: int, p: Params) -> _Night | None:
    """Scores of the last ``max_run`` open days ending on column ``e`` for every venue that can
    be judged that night (enough history, open that day, a baseline to go by)."""
    ok = (w.first >= 0) & (e - w.first >= p.min_history_days) & ~w.closed[:, e]
    rows = np.nonzero(ok)[0]
    if rows.size == 0:
        return None
    x, closed, reg, first = w.counts[rows], w.closed[rows], w.registered[rows], w.first[rows]
    # 1. The last max_run open days ending at e, closed days skipped, not before the lookback.
    lo = max(e - p.lookback_days, 0)
    is_open = ~closed[:, lo:e + 1]
    from_end = np.cumsum(is_open[:, ::-1], axis=1)[:, ::-1]  # open days from this column to e
    cols = np.full((rows.size, p.max_run), -1, dtype=np.int64)
    for k in range(1, p.max_run + 1):
        hit = is_open & (from_end == k)
        cols[:, p.max_run - k] = np.where(hit.any(axis=1), lo + hit.argmax(axis=1), -1)
    n_open = (cols >= 0).sum(axis=1)
    # 2. No registry to go by (data loaded without employments): the most staff ever seen on
    #    one day before the judged days stands in for the headcount, so the statistics still
    #    have a ceiling.
    no_registry = reg.max(axis=1) == 0
    if no_registry.any():
        oldest = np.where(cols >= 0, cols, e).min(axis=1)
        before = np.arange(w.days)[None, :] < oldest[:, None]
        most = np.where(before, x, 0).max(axis=1)
        reg = np.where(no_registry[:, None], most[:, None], reg)
    # 3. The baseline ends before the oldest day any window may judge: the days of an
    #    event in progress never become its own baseline (they would lower the level and
    #    widen the spread, so the longer the event the harder to see).
    first_judged = p.max_run - np.clip(n_open, 1, None)
    start = np.where(n_open >= p.min_run, cols[np.arange(cols.shape[0]), first_judged], e)
    back = start[:, None] - 1 - np.arange(7 * p.baseline_weeks)[None, :]
    inside = back >= np.maximum(first, 0)[:, None]
    b = np.maximum(back, 0)
    bx = np.take_along_axis(x, b, axis=1)
    use = inside & ~np.take_along_axis(closed, b, axis=1)
    # 4. A registry that jumps (a batch of staff registered at once) raises the expectation
    #    only so far above its usual size in the baseline weeks: a sudden influx that signs
    #    in is then a rise, and people registered for a week and never removed do not make
    #    the weeks after look like a drop. Ordinary hiring stays well inside the bound; a
    #    venue younger than the baseline weeks is still filling its registry, so no bound.
    #    The other way, for rises only: a registry cleaned up at once (people who had stopped
    #    coming removed, as a dismissed alert's to-do asks) lowers the expectation at most a
    #    tenth (at least one person) below the registry's usual size, so the clean-up itself
    #    is no rise (judged against more staff, a rise is only harder to see); a drop may
    #    still be explained by people deregistered as they leave.
    usual_reg = _median_where(np.take_along_axis(reg, b, axis=1), use)
    settled = inside.all(axis=1) & (usual_reg > 0)
    # ... unless the venue has really grown: on most of the last two weeks more people came
    # than it usually saw before (an influx lasts days; an expansion stays).
    recent = use & (np.arange(b.shape[1])[None, :] < 14)
    usual_count = _median_where(bx, use & ~recent)
    grown = (recent & (bx > usual_count[:, None] * (1 + p.reg_jump_rel) + p.reg_jump_abs)).sum(axis=1)
    settled &= grown < p.reg_confirm_days
    cap = np.where(settled, np.ceil(usual_reg * (1 + p.reg_jump_rel) + p.reg_jump_abs), np.inf)
    floor = np.where(settled & p.rise_registry_floor,
                     np.floor(usual_reg - np.maximum(p.reg_jump_abs, usual_reg * p.reg_jump_rel)), 0)
    raw_reg = reg
    reg = np.minimum(reg, cap[:, None])
    breg = np.take_along_axis(reg, b, axis=1)
    weekday = (w.start.weekday() + b) % 7
    dayf = day_factors(w, e, p)[rows]
    fitted, share, scale = _fit(bx, breg, weekday, use, p, np.take_along_axis(dayf, b, axis=1))
    keep = fitted & (n_open >= p.min_run)
    if not keep.any():
        return None
    rows, cols, x, reg, share, scale = rows[keep], cols[keep], x[keep], reg[keep], share[keep], scale[keep]
    dayf, raw_reg, usual_reg, floor = dayf[keep], raw_reg[keep], usual_reg[keep], floor[keep]
    # 5. Today's days scored against that normal.
    have = cols >= 0
    c = np.maximum(cols, 0)
    jx = np.take_along_axis(x, c, axis=1)
    jreg = np.take_along_axis(reg, c, axis=1)
    jf = np.take_along_axis(dayf, c, axis=1)
    jshare = np.take_along_axis(share, (w.start.weekday() + c) % 7, axis=1) * jf
    expected, z = _z(jx, jreg, jshare)
    scores = np.where(have, np.clip(z / scale[:, None], -p.z_clip, p.z_clip), np.nan)
    rise_reg = np.maximum(jreg, floor[:, None])
    rise_expected, rz = _z(jx, rise_reg, jshare)
    rise_scores = np.where(have, np.clip(rz / scale[:, None], -p.z_clip, p.z_clip), np.nan)
    jraw = np.take_along_axis(raw_reg, c, axis=1)
    capped = (have & (jraw > jreg)).any(axis=1)
    floored = (have & (rise_reg > jraw)).any(axis=1)
    return _Night(rows, cols, jx, expected, scores, rise_expected, rise_scores, share, jf, usual_reg, capped,
                  floored)


def _median_where(a: np.ndarray, mask: np.ndarray) -> np.ndarray:
    """Row medians over the masked cells (0 where a row has none)."""
    vals = np.where(mask, a, np.nan).astype(float)
    out = np.zeros(a.shape[0])
    some = mask.any(axis=1)
    if some.any():
        out[some] = np.nanmedian(vals[some], axis=1)
    return out


def run_rule(cols: np.ndarray, scores: np.ndarray, observed: np.ndarray, expected: np.ndarray,
             p: Params, rise: tuple[np.ndarray, np.ndarray] | None = None,
             ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The strongest qualifying window ending on the last day, per venue: (combined score or
    -inf, direction +1 rise / -1 drop, length). Arrays are (venues, max_run), right-aligned,
    ``cols`` -1 and ``scores`` nan where a venue has fewer open days; ``rise`` the (scores,
    expected) a rise is judged by, where they differ."""
    by_sign = {-1: (scores, expected), 1: rise or (scores, expected)}
    n = cols.shape[0]
    best = np.full(n, -np.inf)
    best_dir = np.zeros(n, dtype=np.int64)
    best_len = np.zeros(n, dtype=np.int64)
    width = cols.shape[1]
    for length in range(p.min_run, width + 1):
        first_col = cols[:, width - length]
        # A run does not bridge a closure of several days.
        spans = (first_col >= 0) & (cols[:, -1] - first_col <= length + 2)
        allowed_normal = 0 if length == p.min_run else 1
        strong = p.z_strong if length == p.min_run else p.z_strong_long
        for sign in (-1, 1):
            scores, expected = by_sign[sign]
            zs = scores[:, width - length:]
            ratio = (observed[:, width - length:].sum(axis=1)
                     / np.maximum(expected[:, width - length:].sum(axis=1), 1e-9))
            sz = sign * np.nan_to_num(zs, nan=0.0)
            off = sz >= p.z_day
            ok = spans & off[:, -1] & off[:, 0] & ((~off).sum(axis=1) <= allowed_normal)
            day_rel = sign * (observed[:, width - length:] / np.maximum(expected[:, width - length:], 1e-9) - 1)
            not_a_blip, few_staff = _not_a_blip(sz, off, day_rel, expected[:, width - length:], strong, p,
                                                p.min_rel_drop_day if sign < 0 else p.min_rel)
            ok &= not_a_blip
            # ... nor be statistically clear but too small to matter (4 -> 3 at a tiny venue).
            ok &= sign * (ratio - 1) >= (p.min_rel_drop if sign < 0 else p.min_rel_rise)
            # Stouffer over the days that are off: the one day tolerated back near normal
            # (or beyond it) interrupts the event, it does not count against it.
            combined = np.where(off, sz, 0).sum(axis=1) / np.sqrt(np.maximum(off.sum(axis=1), 1))
            needed = np.where(few_staff & (sign < 0), p.z_run_small, p.z_run)
            better = ok & (combined >= needed) & (combined > best)
            best = np.where(better, combined, best)
            best_dir = np.where(better, sign, best_dir)
            best_len = np.where(better, length, best_len)
    return best, best_dir, best_len


def _not_a_blip(sz: np.ndarray, off: np.ndarray, day_rel: np.ndarray, expected: np.ndarray, strong: float,
                p: Params, min_rel: float) -> tuple[np.ndarray, np.ndarray]:
    """The evidence must not rest on one or two extreme days (a blip beside a naturally low
    day). Either three days are clearly off, each statistically clear AND large enough to
    matter on its own (at a big venue a 13 % dip can be 2.5 sigma: a blip beside it is no
    event; where a few staff work, 4 -> 2 is clear at a lower score, as far as the exact
    tail of so few can go), or the days that are off, their two most extreme left out, are
    still off together (a long moderate drop: 4 to 5 days each 1.5-2.5 sigma). Where the
    window tolerates a day back near normal, its off days must be further off.

    Also returns, per venue, whether every day of the window is clearly off by the few-staff
    rule (no day back near normal): such a drop needs only ``z_run_small`` combined."""
    gap = (~off).any(axis=1, keepdims=True)
    need = np.where(gap, p.min_rel_gap, min_rel)
    few = (sz >= p.z_clear_rel) & (day_rel >= p.rel_clear) & (expected <= p.clear_rel_upto)
    clear = ((sz >= strong) & (day_rel >= need)) | few
    order = np.argsort(-np.where(off, sz, -np.inf), axis=1, kind="stable")[:, 2:]  # all but the two most extreme
    rest = np.take_along_axis(off, order, axis=1)
    n_rest = rest.sum(axis=1)
    rest_z = np.where(rest, np.take_along_axis(sz, order, axis=1), 0).sum(axis=1) / np.sqrt(np.maximum(n_rest, 1))
    rest_rel = np.where(rest, np.take_along_axis(day_rel, order, axis=1), 0).sum(axis=1) / np.maximum(n_rest, 1)
    robust = (n_rest >= 1) & (rest_z >= p.z_rest) & (rest_rel >= need[:, 0])
    return (clear.sum(axis=1) >= p.min_run) | robust, np.asarray(few.all(axis=1))


def _evidence(w: CityWindow, row: int, on: date, p: Params) -> list[list[Any]]:
    out = []
    for i in range(p.chart_days):
        d = on - timedelta(days=p.chart_days - 1 - i)
        c = w.col(d)
        inside = 0 <= c < w.days
        out.append([d.isoformat(), int(w.counts[row, c]) if inside else 0, bool(w.closed[row, c]) if inside else False])
    return out


def _context(night: _Night, j: int, first: int, drop: bool) -> dict[str, Any]:
    """What the venue's own numbers do not show: the area's common factor on the judged days
    (only where some day had one) and the usual registry (only where a jump was bounded)."""
    out: dict[str, Any] = {}
    factors = [round(float(f), 2) for f in night.factor[j, first:]]
    if any(f != 1.0 for f in factors):
        out["area_factor"] = factors
    bound = "cap" if night.capped[j] else "floor" if not drop and night.floored[j] else None
    if bound:
        out["usual_headcount"] = int(round(float(night.usual_reg[j])))
        out["registry_bound"] = bound
    return out


def detect(window: CityWindow, on: date, params: Params | None = None) -> list[Finding]:
    """The pure detection: the city's arrays in, findings out (at most one per venue)."""
    p = params or Params()
    e = window.col(on)
    if window.venue_ids.size == 0 or not 0 <= e < window.days:
        return []
    night = _judge(window, e, p)
    if night is None:
        return []
    combined, direction, length = run_rule(night.cols, night.scores, night.observed, night.expected, p,
                                           (night.rise_scores, night.rise_expected))
    findings = []
    width = p.max_run
    for j in np.nonzero(np.isfinite(combined))[0]:
        row, n = int(night.rows[j]), int(length[j])
        cols = [int(c) for c in night.cols[j, width - n:]]
        days = [window.start + timedelta(days=c) for c in cols]
        drop = direction[j] < 0
        day_scores = night.scores if drop else night.rise_scores
        observed = [int(v) for v in night.observed[j, width - n:]]
        expected = [float(v) for v in (night.expected if drop else night.rise_expected)[j, width - n:]]
        rel_dev = abs(sum(observed) - sum(expected)) / max(sum(expected), 1)
        findings.append(Finding(int(window.venue_ids[row]), KIND_SIGNIN,
                                SEVERITY_HIGH if rel_dev >= 0.5 else SEVERITY_MEDIUM,
                                "drop" if drop else "rise", {
            "rule": KIND_SIGNIN, "direction": "drop" if drop else "rise", "date": on.isoformat(),
            "days": [d.isoformat() for d in days], "observed": observed,
            "baseline": [round(v, 1) for v in expected],
            "scores": [round(float(v), 1) for v in day_scores[j, width - n:]],
            "combined": round(float(combined[j]), 1),
            "headcount": int(window.registered[row, e]),
            "usual_share": [round(float(night.share[j, d.weekday()]), 2) for d in days],
            "series": _evidence(window, row, on, p), "params": asdict(p),
            **_context(night, int(j), width - n, drop),
        }))
    return findings
