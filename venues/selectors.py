from typing import Any

from django.db.models import Count, Q
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _

from accounts.models import Jurisdiction, User
from daodao.errors import ExplainedNotFound
from daodao.params import parse_id

from .models import RetiredSigninToken, Venue


def venue_get_for_user(user: Any, pk: int) -> Venue:
    """The one way to fetch a single venue: 404 when it is out of the user's scope."""
    return get_object_or_404(Venue.objects.visible_to(user).select_related("station__parent", "street"), pk=pk)


def venue_list_for_user(user: Any) -> Any:
    return Venue.objects.visible_to(user).select_related("station__parent")


def stations_for_user(user: Any) -> Any:
    return Jurisdiction.objects.visible_to(user).stations().select_related("parent")


def streets_for_user(user: Any) -> Any:
    """Towns/streets of the districts the user covers (a station officer: of their district)."""
    if user.is_system_admin:
        return Jurisdiction.objects.streets().select_related("parent")
    if user.jurisdiction_id is None:
        return Jurisdiction.objects.none()
    node = user.jurisdiction
    district = node.parent if node.level == Jurisdiction.Level.STATION else node
    return Jurisdiction.objects.subtree(district).streets().select_related("parent")


def manager_accounts_for_user(user: Any) -> Any:
    """Manager accounts an officer may attach to a venue: in their area, or already on one of their venues."""
    managers = User.objects.filter(role=User.Role.MANAGER, is_active=True)
    if user.is_system_admin:
        return managers
    if user.jurisdiction_id is None:
        return managers.none()
    path = user.jurisdiction.path
    on_their_venues = Venue.objects.filter(station__path__startswith=path).values("managers")
    return managers.filter(Q(jurisdiction__path__startswith=path) | Q(pk__in=on_their_venues))


def venue_counts_for_user(user: Any) -> dict[str, Any]:
    """Dashboard figures in one aggregate query."""
    qs = Venue.objects.visible_to(user)
    by_status = {row["status"]: row["n"] for row in qs.values("status").annotate(n=Count("id"))}
    by_type = {
        row["type"]: row["n"] for row in qs.filter(status=Venue.Status.OPERATING).values("type").annotate(n=Count("id"))
    }
    return {
        "total": sum(by_status.values()),
        "by_status": [(label, by_status.get(value, 0)) for value, label in Venue.Status.choices],
        "by_type": [(label, by_type[value]) for value, label in Venue.Type.choices if by_type.get(value)],
    }


class PosterUnavailable(ExplainedNotFound):
    """A poster token that leads nowhere, with a sentence for the employee holding the phone.

    The site's 404 handler (``daodao.errors``) renders the message with ``status``. What it
    says names no venue: only someone holding a once-valid poster learns anything, and only
    that this poster no longer works."""


def poster_unavailable(token: str) -> Http404:
    """Why ``token`` opens no sign-in page: replaced (410), venue not operating (200: an answer,
    not an error), or unknown (404)."""
    if RetiredSigninToken.objects.filter(token_hash=RetiredSigninToken.hash(token)).exists():
        return PosterUnavailable(_("This sign-in code has been replaced. Ask the venue manager for the new one."),
                                 410)
    if Venue.objects.exclude(status=Venue.Status.OPERATING).filter(signin_token=token).exists():
        return PosterUnavailable(_("This venue is not operating at the moment: sign-in, pledges and exams "
                                   "resume when it reopens."), 200)
    return Http404()


def venue_by_signin_token(token: str) -> Venue:
    """The operating venue behind a poster's QR code (public pages: no user scope), or 404."""
    venue = Venue.objects.operating().filter(signin_token=token).first()
    if venue is None:
        raise poster_unavailable(token)
    return venue


def area_from_request(request: Any) -> Jurisdiction | None:
    """The district or station a list or the dashboard is narrowed to (``?area=<id>``).

    Only a node the user may see: another district's id answers 404, like any other object."""
    pk = parse_id(request.GET.get("area", ""))
    if pk is None:
        return None
    return get_object_or_404(Jurisdiction.objects.visible_to(request.user)
                             .police_areas(), pk=pk)


def areas_for_user(user: Any) -> list[Jurisdiction]:
    """The districts and stations a user may narrow to, in tree order (for the area picker)."""
    return list(Jurisdiction.objects.visible_to(user).police_areas()
                .order_by("path"))
