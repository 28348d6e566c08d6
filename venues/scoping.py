"""The one rule that decides which venues a user may see.

Every read of a venue, or of anything that belongs to a venue, filters through
``venue_scope``: ``Venue.objects.visible_to(user)`` uses it directly, and models that
hang off a venue use ``venue_scope(user, "venue__")``. Objects outside the scope are
simply absent from querysets, so views answer 404 and ids cannot be probed.
"""

from typing import Any

from django.db.models import Q

NOTHING = Q(pk__in=[])


def venue_scope(user: Any, prefix: str = "") -> Q:
    if user is None or not user.is_authenticated or not user.is_active:
        return NOTHING
    if user.is_system_admin:
        return Q()
    if user.is_manager:
        return Q(**{f"{prefix}managers": user})
    if user.jurisdiction_id is None or user.is_social_worker:
        # Social workers do not read the venue registry; hair self-tests scope them by
        # street (``street_scope``).
        return NOTHING
    # Officers, partner inspectors and association staff: their node and everything below.
    return Q(**{f"{prefix}station__path__startswith": user.jurisdiction.path})


def street_scope(user: Any, prefix: str = "") -> Q:
    """What a social worker reaches: the venues of their town/street (and below it)."""
    if user is None or not user.is_authenticated or not user.is_active:
        return NOTHING
    if not user.is_social_worker or user.jurisdiction_id is None:
        return NOTHING
    return Q(**{f"{prefix}street__path__startswith": user.jurisdiction.path})


def area_scope(user: Any, area: Any, prefix: str = "") -> Q:
    """``venue_scope`` narrowed to one jurisdiction node (a district or station the user picked).

    The narrowing only ever removes rows: an area outside the user's scope leaves nothing
    extra visible, because it is ANDed with the user's own scope."""
    scope = venue_scope(user, prefix)
    if area is None:
        return scope
    return scope & Q(**{f"{prefix}station__path__startswith": area.path})
