"""Writes for self-inspections, inspections, findings, rectification orders, interviews.

One module per topic; this package re-exports their services, so callers write
``from inspections.services import rectification_issue``.

Every state change of an order is claimed with a conditional UPDATE (``WHERE status IN
…``) and recorded as an event, so two officers clicking at once cannot both win, and an
illegal step is refused with a message that says what state the order is in.
"""

from .checklists import (  # noqa: F401
    ItemAnswer,
    _answers_for,
    checklist_current,
    checklist_publish,
)
from .common import (  # noqa: F401
    OVERDUE_ALERT_KIND,
    _check_venue_writer,
    deadline_days,
    escalate_after_days,
)
from .figures import (  # noqa: F401
    venue_inspection_stats,
)
from .inspections import (  # noqa: F401
    FindingInput,
    _check_inspector,
    inspection_cancel,
    inspection_disclose,
    inspection_plan,
    inspection_record,
)
from .interviews import (  # noqa: F401
    interview_record,
    interview_task_raise,
    sanction_issue,
)
from .rectifications import (  # noqa: F401
    OverdueResult,
    _check_order_officer,
    _claim,
    _event,
    _flag_overdue,
    _notify_order,
    rectification_accept,
    rectification_extend,
    rectification_issue,
    rectification_reject,
    rectification_submit,
    rectifications_flag_overdue,
)
from .self_inspections import (  # noqa: F401
    finding_address,
    selfinspection_submit,
    selfinspections_mark_missed,
)
