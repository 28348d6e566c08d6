"""Shared by the staff services: the write check and the distance that marks a sign-in as far."""

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

from accounts.models import User
from venues.models import Venue

# A sign-in further than this from the venue's registered location is accepted but marked:
# indoor GPS is unreliable, so distance is evidence, not a reason to refuse.
FAR_FROM_VENUE_M = 300


# --- Permissions ----------------------------------------------------------------


def _check_may_write(by: User, venue: Venue) -> None:
    if not by.may_write_employees(venue):
        raise PermissionDenied(_("Only the venue's managers and police officers may change its employees."))
