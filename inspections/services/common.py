"""Settings and checks shared by the inspection services."""

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

from accounts.models import User
from venues.models import Venue

OVERDUE_ALERT_KIND = "rectification_overdue"


def deadline_days(severity: str) -> int:
    """Days to rectify by severity (settings.DAODAO_RECTIFICATION_DAYS; default 7, serious 3)."""
    table = getattr(settings, "DAODAO_RECTIFICATION_DAYS", {"low": 7, "medium": 7, "high": 3})
    return int(table.get(severity, 7))


def escalate_after_days() -> int:
    return int(getattr(settings, "DAODAO_RECTIFICATION_ESCALATE_AFTER_DAYS", 7))



def _check_venue_writer(by: User, venue: Venue) -> None:
    """The venue's own manager (or a system administrator) acts for the venue."""
    if not (by.is_system_admin or by.manages(venue)):
        raise PermissionDenied(_("Only the venue's manager can do this."))
