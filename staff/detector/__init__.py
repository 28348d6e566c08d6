"""The sign-in anomaly detector: the platform's headline capability.

Each venue is judged against its own normal, never against a fixed rule of thumb.

1. **Expected count.** For each open day, expected = the venue's usual share of its
   registered staff for that weekday x the registered headcount that day x a recent level.
   - The weekday share comes from the same weekday over the previous ``baseline_weeks``
     weeks (days far off under a first fit -- a past event, an unmarked holiday -- are left
     out and the shares fitted again), shrunk toward the venue's all-week share by empirical
     Bayes when the weekdays do not really differ. A bar where 60 % of the staff come on
     weekdays is normal at 60 %; a venue where everyone always comes is normal at ~100 %.
   - The registered headcount per day comes from the employments' hiring and leaving dates,
     so new registrations raise the expectation instead of looking like a rise.
   - The level is the ratio observed / expected over the ``level_days`` open days before
     the days being judged (outlying days left out): slow growth, slow decline and staff
     who stop coming without being deregistered move it, so they are not anomalies.
   - The registry explains only so much at once: a batch registered together raises the
     expectation at most 10 % + 1 above the registry's usual size (an influx that signs in
     is a rise; the same people left on the list are no drop later; once more people than
     usual have come on 10 of the last 14 days the growth is real and counts in full), and
     a rise is judged
     against at most a tenth fewer than the usual size (a staff list cleaned up at once is
     no rise).
   - Days that are off for every venue of a type (a holiday, a typhoon, a sign-in outage)
     are nobody's anomaly: each day's expectation is multiplied by the type's common day
     factor (``common``), in the baseline and on the days judged.
2. **Exact count statistics.** Each day's count is scored with the exact binomial tail
   (mid-p) of the count given the registered headcount and the expected share, turned into
   a normal score, divided by the venue's measured dispersion (bounded below) and by the
   uncertainty of the estimates, and clipped to +-``z_clip``. So 4 -> 2 at a venue where
   all four always come scores as strongly as 30 -> 15 at a KTV, while 8 -> 6 at a noisy
   bar scores nothing much. Counts never exceed the binomial's trials: the trials are the
   registered headcount or the count itself, whichever is larger.
3. **Run rule.** For windows of the last ``min_run`` .. ``max_run`` open days ending on the
   night's date: flag when the last day is off, all but at most one day of the window are
   off by ``z_day`` in the same direction (one day falling back near normal inside an
   event is tolerated from four days on; for three days all three must be off), and the
   window's combined score (Stouffer: sum / sqrt(days)) passes ``z_run``. The clipping
   means no single day, however extreme, can complete a run: a one-day blip next to a
   naturally low day never reaches ``z_run``.

Not flagged: a single odd day or two, closed days (skipped, never counted), venues with less
than ``min_history_days`` of history, the weekly rhythm, slow trends, registry gaps that
build up slowly, a naturally low attendance share.

Kinds: ``signin_count`` (drops and rises). ``signin_headcount`` is kept for alerts raised by
earlier versions; the share-based count rule replaces it (a fixed "half of the registered
staff" rule fired all the time at bars and wherever the registry lagged).

Set-based and vectorised: one query reads the rollup window of every operating venue, one
the registry's changes per venue and day (hirings minus leavings; the running sum is the
registered headcount); both land in venue x day arrays (``CityWindow``) and every step of
the pure ``detect`` works on all venues at once with NumPy. One upsert raises the alerts.
Idempotent: the evidence for a given date is deterministic, and alerts_raise leaves
identical alerts unchanged.
"""

from ..alert_kinds import KIND_HEADCOUNT, KIND_SIGNIN  # noqa: F401
from .judge import (  # noqa: F401
    _evidence,
    _judge,
    _Night,
    detect,
    run_rule,
)
from .nightly import (  # noqa: F401
    _log_held_back,
    _title,
    detect_signin_anomalies,
    load_window,
)
from .scores import (  # noqa: F401
    _A,
    _B,
    _C,
    _D,
    _E,
    _F,
    _binom_midp_z,
    _fit,
    _norm_ppf_lower,
    _poly,
    _weekday_shares,
    _z,
)
from .window import (  # noqa: F401
    SEVERITY_HIGH,
    SEVERITY_LOW,
    SEVERITY_MEDIUM,
    CityWindow,
    Finding,
    Params,
    VenueSeries,
    registered_by_day,
)
