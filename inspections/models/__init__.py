"""Self-inspections, police and partner inspections, findings, rectification orders,
interviews (约谈) and interview tasks, warnings and public exposure.

Visibility is the sharp edge here: an undercover visit (暗访) is police-only and does not
exist for the venue, not even as a count, until the officer discloses its findings; a
planned inspection is never visible to the venue (surprise inspections must surprise).
All of that lives in the ``visible_to`` querysets and nowhere else. One module per topic;
this package re-exports every model.
"""

from .checklists import (  # noqa: F401
    Checklist,
    ChecklistItem,
)
from .common import (  # noqa: F401
    Severity,
)
from .inspections import (  # noqa: F401
    Inspection,
    InspectionDepartment,
    InspectionQuerySet,
    ItemResult,
)
from .interviews import (  # noqa: F401
    Interview,
    InterviewReason,
    InterviewTask,
    PoliceOnlyQuerySet,
    Sanction,
)
from .rectifications import (  # noqa: F401
    EvidencePhoto,
    Finding,
    FindingQuerySet,
    RectificationEvent,
    RectificationOrder,
    RectificationOrderQuerySet,
)
from .self_inspections import (  # noqa: F401
    SelfInspection,
    SelfInspectionQuerySet,
)
