"""Inspection pages, one module per topic; ``urls.py`` reaches them through this package."""

from .common import (  # noqa: F401
    _answers,
    _check_photos,
    _errors,
)
from .exports import (  # noqa: F401
    _audit_export,
    _list_filters,
    board_export,
    plan_export,
    tasks_export,
)
from .inspections import (  # noqa: F401
    cancel,
    detail,
    disclose,
    finding_address,
    month,
    order_issue,
    plan,
    plan_new,
    record,
)
from .interviews import (  # noqa: F401
    interview,
    interview_new,
    sanction,
    tasks,
)
from .orders import (  # noqa: F401
    ORDER_ACTIONS,
    ORDER_DONE,
    board,
    order,
    order_act,
    order_notice,
)
from .self_inspection import (  # noqa: F401
    self_inspection,
)
