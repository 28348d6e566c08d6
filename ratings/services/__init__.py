"""The rating engine, its jobs, rule sets, the supervision schedule and adjustments.

One module per topic; this package re-exports their services, so callers write
``from ratings.services import ratings_refresh``.
"""

from .adjustments import (  # noqa: F401
    adjustment_create,
)
from .common import (  # noqa: F401
    CENT,
    HUNDRED,
    KIND_BEHIND,
    ZERO,
    _rng,
)
from .engine import (  # noqa: F401
    RATING_NOTICE_KIND,
    Line,
    Result,
    _operating_ids,
    _ratings_refresh,
    grades_refresh,
    rating_recompute,
    ratings_close_period,
    ratings_compute,
    ratings_refresh,
)
from .rulesets import (  # noqa: F401
    _city_of,
    _deepest,
    _latest_rule_sets,
    _ruleset_lock,
    rule_sets_for_venues,
    ruleset_create_default,
    ruleset_for_jurisdiction,
    ruleset_new_version,
)
from .schedule import (  # noqa: F401
    _standings_refresh,
    due_date,
    due_inspections_plan,
    standings_refresh,
    standings_refresh_venue,
    undercover_schedule,
)
