"""Staff pages, one module per topic; ``urls.py`` reaches them through this package."""

from .actions import (  # noqa: F401
    _act,
    _transfer_act,
    employee_activate,
    employee_correct,
    employee_end,
    transfer_confirm_view,
    transfer_keep_view,
)
from .common import (  # noqa: F401
    PAGE_SIZE,
    SEARCH_LIMIT,
)
from .employees import (  # noqa: F401
    _add_errors,
    _detail_context,
    _list_queryset,
    _writable_venue,
    employee_detail,
    employee_edit,
    employee_export,
    employee_import,
    employee_import_template,
    employee_list,
    employee_new,
    employee_reveal,
)
from .signin import (  # noqa: F401
    signin_page,
)
from .venue_days import (  # noqa: F401
    venue_reopen,
    venue_signins,
)
