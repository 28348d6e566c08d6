"""Writes for employees, employments, daily sign-ins, closed days and corrections.

One module per topic; this package re-exports their services, so callers write
``from staff.services import signin_record``.
"""

from .common import (  # noqa: F401
    FAR_FROM_VENUE_M,
    _check_may_write,
)
from .days import (  # noqa: F401
    signin_correct,
    venue_day_close,
    venue_day_reopen,
    venue_days_rebuild,
)
from .employees import (  # noqa: F401
    NAME_MAX,
    _check_plausible_day,
    _clean_identity,
    _may_change_identity,
    _same_name,
    _transfers_open,
    clean_name,
    employee_register,
    employee_update,
    transfer_confirm_days,
)
from .employments import (  # noqa: F401
    ACTIVATION_GATES,
    employment_activate,
    employment_end,
    register_activation_gate,
)
from .imports import (  # noqa: F401
    ImportRefused,
    RowError,
    _parse_day,
    employees_import,
)
from .retention import (  # noqa: F401
    SIGNINS,
    signin_partitions_maintain,
)
from .signin import (  # noqa: F401
    SIGNIN_FIELDS,
    SignInResult,
    _coordinate,
    distance_m,
    signin_record,
)
from .transfers import (  # noqa: F401
    _transfer_close,
    transfer_confirm,
    transfer_keep,
    transfers_resolve_due,
)
