"""Who may do what: the one place that answers "may I".

Every capability is a property (or a method, when it depends on an object) of ``User``,
mixed in from :class:`Capabilities`. Views, services, selectors, templates, the API
(:func:`api_permission`) and the admin ask the same property, so a rule is written once
and a view cannot say something different from the service behind it.

Scoping is a separate question: a capability says what kind of thing a user may do;
``venues.scoping`` and each model's ``visible_to`` say *where* (which venues). Services
receive objects the caller already scoped and check the capability, not the scope again.

- ``works_police_side``: police officers and the system administrator. Alerts, interview
  tasks, the due list, undercover visits, reports, a person's history at every venue.
- ``may_inspect``: officers, partner-department inspectors, the system administrator.
  Record, plan and cancel inspections.
- ``sees_orders``: everyone but association staff (managers see their venue's orders).
- ``sees_staff_ids``: everyone but partner inspectors: masked ID numbers, staff exports.
- ``sees_coverage``: officers, association staff, the system administrator. Pledge,
  training and outreach coverage.
- ``can_manage_venues``: officers, association staff, the system administrator. Create
  venues, change registry data.
- ``records_outreach``: association staff. Record the volunteers' outreach visits.
- ``sees_outreach``: officers, association staff, managers (their venue's visits), the
  system administrator. Read outreach visits.
- ``sees_appeals``: officers, managers (their venue's), the system administrator. Rating
  appeals and re-visit requests are the venue's and the district police's, nobody else's.
- ``decides_appeals``: narcotics officers (of the venue's area, and not the one who
  recorded the contested facts: ``appeals.services``).
- ``uses_admin_site``: staff accounts of the association and the system administrator.
- ``may_change_identity``: officers and the system administrator. A person's name and phone
  although other venues employ them.
- ``can_reveal_id_numbers``: narcotics and public-order officers.
- ``may_publish_shared_texts``: the city narcotics office and the system administrator.
- ``may_change_rating_rules(j)``: narcotics officers over ``j``, the system administrator.
- ``sees_hair_tests``: officers, managers (their venue's rounds), social workers (rounds of
  their town/street), the system administrator. Hair self-test rounds, who was tested.
- ``schedules_hair_tests``: narcotics officers (the district narcotics office) and the
  system administrator. Approve, schedule or decline an application.
- ``samples_hair_tests``: anti-drug social workers. Take samples and enter lab results.
- ``sees_hair_results``: officers and the system administrator. An individual's result
  (every view audited); a venue only learns who was tested and that the round is complete.
- ``manages(venue)``: the venue's managers.
- ``may_write_employees(venue)``: officers, the system administrator, the venue's managers.
"""
from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import TYPE_CHECKING, Any, TypeVar

from django.http import Http404, HttpRequest, HttpResponse
from rest_framework import permissions

from .roles import POLICE_DEPARTMENTS, Department, Role

if TYPE_CHECKING:
    from .models import Jurisdiction


class Capabilities:
    """Mixed into ``accounts.models.User``; relies on its role, department, jurisdiction."""

    # Provided by User (declared for type checkers).
    is_active: bool
    is_staff: bool
    is_superuser: bool
    role: str
    department: str
    jurisdiction_id: int | None
    jurisdiction: Jurisdiction | None

    if TYPE_CHECKING:
        @property
        def acts_for_city(self) -> bool: ...  # on User: the jurisdiction is the city or above

    # --- Roles -------------------------------------------------------------------
    @property
    def is_system_admin(self) -> bool:
        return self.is_superuser or self.role == Role.ADMIN

    @property
    def is_police(self) -> bool:
        return self.role == Role.POLICE

    @property
    def is_manager(self) -> bool:
        return self.role == Role.MANAGER

    @property
    def is_association(self) -> bool:
        return self.role == Role.ASSOCIATION

    @property
    def is_partner(self) -> bool:
        return self.role == Role.PARTNER

    @property
    def is_social_worker(self) -> bool:
        return self.role == Role.SOCIAL_WORKER

    @property
    def is_narcotics_officer(self) -> bool:
        return self.is_police and self.department == Department.NARCOTICS

    # --- Capabilities --------------------------------------------------------------
    @property
    def works_police_side(self) -> bool:
        """Alerts, interview tasks, the due list, undercover visits, monthly reports."""
        return self.is_active and (self.is_police or self.is_system_admin)

    @property
    def may_inspect(self) -> bool:
        """Record, plan and cancel inspections (partner departments included)."""
        return self.is_active and (self.is_police or self.is_partner or self.is_system_admin)

    @property
    def sees_orders(self) -> bool:
        """Rectification orders: officers and inspectors of their area, managers of their venue."""
        return self.is_active and not self.is_association

    @property
    def sees_staff_ids(self) -> bool:
        """Employees' ID numbers (masked) and staff exports: not partner departments, whose
        inspections are about fire and culture, not about who works where."""
        return self.is_active and not self.is_partner

    @property
    def sees_coverage(self) -> bool:
        """Pledge, training and outreach coverage across venues."""
        return self.is_active and (self.is_police or self.is_association or self.is_system_admin)

    @property
    def can_manage_venues(self) -> bool:
        """Create venues and change their registry data (not managers or partners)."""
        return self.is_active and (self.is_system_admin or self.is_police or self.is_association)

    @property
    def records_outreach(self) -> bool:
        """Record the association's volunteer outreach visits to venues of their area."""
        return self.is_active and self.is_association

    @property
    def sees_outreach(self) -> bool:
        """Read outreach visits: officers, association staff and the system administrator of
        their area; managers those of their own venue (scoping says which)."""
        return self.is_active and (self.is_police or self.is_association or self.is_manager
                                   or self.is_system_admin)

    @property
    def sees_hair_tests(self) -> bool:
        """Hair self-test rounds and who was tested in them (scoping says which rounds)."""
        return self.is_active and (self.is_police or self.is_manager or self.is_social_worker
                                   or self.is_system_admin)

    @property
    def schedules_hair_tests(self) -> bool:
        """The district narcotics office (区禁毒办) approves, schedules or declines applications."""
        return self.is_active and (self.is_narcotics_officer or self.is_system_admin)

    @property
    def samples_hair_tests(self) -> bool:
        """Take the samples and enter the lab's results: the town/street social workers."""
        return self.is_active and self.is_social_worker

    @property
    def sees_hair_results(self) -> bool:
        """An individual's hair-test result: sensitive personal information, police only."""
        return self.works_police_side

    @property
    def sees_appeals(self) -> bool:
        """Read rating appeals and re-visit requests: the police of the venue's area, the
        venue's managers (scoping says which venues), the system administrator. Not the
        association or partner departments: an appeal is between the venue and the police."""
        return self.is_active and (self.is_police or self.is_manager or self.is_system_admin)

    @property
    def decides_appeals(self) -> bool:
        """Decide a rating appeal: narcotics officers (the service also refuses the officer
        who recorded the contested facts)."""
        return self.is_active and self.is_narcotics_officer

    @property
    def uses_admin_site(self) -> bool:
        """The Django admin the association keeps shared records in."""
        return bool(self.is_active and self.is_staff and (self.is_system_admin or self.is_association))

    @property
    def may_change_identity(self) -> bool:
        """Change a person's name and phone although other venues employ them (audited)."""
        return self.works_police_side

    @property
    def can_reveal_id_numbers(self) -> bool:
        """Only narcotics and public-order officers may unmask an ID number, one click at a time."""
        return self.is_active and self.is_police and self.department in POLICE_DEPARTMENTS

    @property
    def may_publish_shared_texts(self) -> bool:
        """Publish the city-wide shared texts: pledge texts and the exam question bank.

        They bind every venue of the city, so they belong to the city narcotics office (a
        narcotics officer whose jurisdiction is the city or above) and the system
        administrator; district officers and association staff read them.
        """
        if not self.is_active:
            return False
        return self.is_system_admin or (self.is_narcotics_officer and self.acts_for_city)

    def may_change_rating_rules(self, jurisdiction: Jurisdiction) -> bool:
        """Save a new version of the rating rules at ``jurisdiction``: narcotics officers
        within whose area it lies, and the system administrator."""
        if not self.is_active:
            return False
        if self.is_system_admin:
            return True
        return bool(self.is_narcotics_officer and self.jurisdiction is not None
                    and self.jurisdiction.contains(jurisdiction))

    def manages(self, venue: Any) -> bool:
        """One of the venue's managers (one query unless the managers are prefetched)."""
        if not (self.is_active and self.is_manager):
            return False
        pk = getattr(self, "pk", None)
        cache = getattr(venue, "_prefetched_objects_cache", {})
        if "managers" in cache:
            return any(m.pk == pk for m in cache["managers"])
        return bool(venue.managers.filter(pk=pk).exists())

    def may_write_employees(self, venue: Any) -> bool:
        """Register, change and end employments at ``venue`` (already scoped by the caller)."""
        return self.works_police_side or self.manages(venue)


def may(user: Any, capability: str) -> bool:
    """``user.<capability>`` that is False for anonymous users and ``None``."""
    if user is None or not getattr(user, "is_authenticated", False):
        return False
    return bool(getattr(user, capability))


V = TypeVar("V", bound=Callable[..., HttpResponse])


def capability_required(capability: str) -> Callable[[V], V]:
    """View decorator: 404 unless the user has ``capability``.

    404, not 403: for a user without the capability the page does not exist, the same
    answer as for an object outside their scope.
    """
    def decorate(view: V) -> V:
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if not may(request.user, capability):
                raise Http404
            return view(request, *args, **kwargs)
        return wrapped  # type: ignore[return-value]
    return decorate


def require(user: Any, capability: str) -> None:
    """In a view body: 404 unless the user has ``capability``."""
    if not may(user, capability):
        raise Http404


def api_permission(capability: str, *, safe_methods_open: bool = False) -> type[permissions.BasePermission]:
    """A DRF permission class asking ``capability`` (optionally only for writes)."""
    class HasCapability(permissions.BasePermission):
        def has_permission(self, request: Any, view: Any) -> bool:
            if safe_methods_open and request.method in permissions.SAFE_METHODS:
                return bool(request.user and request.user.is_authenticated)
            return may(request.user, capability)

    HasCapability.__name__ = HasCapability.__qualname__ = f"Has_{capability}"
    return HasCapability
