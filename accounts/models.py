
from typing import Any, ClassVar

from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .capabilities import Capabilities
from .roles import PARTNER_DEPARTMENTS, POLICE_DEPARTMENTS, Department, Role


class JurisdictionQuerySet(models.QuerySet["Jurisdiction"]):
    def subtree(self, node: "Jurisdiction") -> "JurisdictionQuerySet":
        """The node and everything below it."""
        return self.filter(path__startswith=node.path)

    def stations(self) -> "JurisdictionQuerySet":
        return self.filter(level=Jurisdiction.Level.STATION)

    def streets(self) -> "JurisdictionQuerySet":
        return self.filter(level=Jurisdiction.Level.STREET)

    def police_areas(self) -> "JurisdictionQuerySet":
        """Districts and police stations: the nodes a list or the dashboard narrows venues to
        (venues are scoped by their station; a town/street is the social workers' node)."""
        return self.filter(level__in=[Jurisdiction.Level.DISTRICT, Jurisdiction.Level.STATION])

    def visible_to(self, user: Any) -> "JurisdictionQuerySet":
        if not user.is_authenticated or not user.is_active:
            return self.none()
        if user.is_system_admin:
            return self.all()
        if user.jurisdiction is None:
            return self.none()
        return self.subtree(user.jurisdiction)


class Jurisdiction(models.Model):
    """A node of the tree province > city > district/county > police station, with the
    towns/streets (镇街) beside the stations under a district: a venue lies in one station
    (the police's node) and one town/street (the anti-drug social workers' node).

    ``path`` is the materialised path of codes ("330000/330600/330602/"), so "this node
    and everything below" is one indexed prefix match instead of a recursive query.
    """

    class Level(models.IntegerChoices):
        PROVINCE = 1, _("Province")
        CITY = 2, _("City")
        DISTRICT = 3, _("District / county")
        STATION = 4, _("Police station")
        # Beside the stations, also under a district (a different numbering, not a deeper level).
        STREET = 5, _("Town / street")

    # The level a node's parent must have.
    PARENT_LEVEL: ClassVar[dict[int, int]] = {2: 1, 3: 2, 4: 3, 5: 3}

    name = models.CharField(_("name"), max_length=100)
    code = models.CharField(_("code"), max_length=32, unique=True)
    level = models.PositiveSmallIntegerField(_("level"), choices=Level.choices)
    parent = models.ForeignKey(
        "self", verbose_name=_("parent"), null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    # db_index on a CharField gives PostgreSQL a varchar_pattern_ops index too: the
    # prefix match in subtree() (every scoped read) uses it.
    path = models.CharField(_("path"), max_length=255, unique=True, editable=False)

    objects = JurisdictionQuerySet.as_manager()

    class Meta:
        verbose_name = _("jurisdiction")
        verbose_name_plural = _("jurisdictions")
        ordering = ["path"]
        constraints = [
            models.CheckConstraint(
                condition=Q(level=1, parent__isnull=True) | Q(level__gt=1, parent__isnull=False),
                name="jurisdiction_root_is_province",
                violation_error_message=_("Only a province has no parent; every other level has one."),
            ),
            models.CheckConstraint(condition=~Q(code=""), name="jurisdiction_code_not_empty",
                                   violation_error_message=_("Enter the jurisdiction's code.")),
        ]

    def __str__(self) -> str:
        return self.name

    def contains(self, other: "Jurisdiction") -> bool:
        return other.path.startswith(self.path)


class User(Capabilities, AbstractUser):
    """An account. What it may do is in ``accounts.capabilities`` (one place)."""

    Role = Role
    Department = Department

    role = models.CharField(_("role"), max_length=16, choices=Role.choices)
    department = models.CharField(_("department"), max_length=16, choices=Department.choices, blank=True)
    jurisdiction = models.ForeignKey(
        Jurisdiction, verbose_name=_("jurisdiction"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="users",
    )
    phone = models.CharField(_("phone"), max_length=20, blank=True)

    objects: ClassVar[UserManager["User"]] = UserManager()  # type: ignore[assignment]

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        constraints = [
            # Officers, inspectors and association staff act for a jurisdiction.
            models.CheckConstraint(
                condition=Q(role__in=["admin", "manager"]) | Q(jurisdiction__isnull=False),
                name="user_scoped_role_has_jurisdiction",
                violation_error_message=_("Officers, inspectors and association staff need a jurisdiction."),
            ),
            models.CheckConstraint(
                condition=~Q(role="police") | Q(department__in=[d.value for d in POLICE_DEPARTMENTS]),
                name="user_police_department",
                violation_error_message=_("A police officer belongs to the narcotics or the public-order department."),
            ),
            models.CheckConstraint(
                condition=~Q(role="partner") | Q(department__in=[d.value for d in PARTNER_DEPARTMENTS]),
                name="user_partner_department",
                violation_error_message=_("A partner inspector belongs to culture and tourism or the fire department."),
            ),
        ]

    def __str__(self) -> str:
        full = self.get_full_name()
        return f"{full} ({self.username})" if full else self.username

    def get_full_name(self) -> str:
        # Chinese names: family name first, no space.
        return f"{self.last_name}{self.first_name}".strip()

    @property
    def acts_for_city(self) -> bool:
        """The user's jurisdiction is the city or above (a department's city office)."""
        return bool(self.jurisdiction is not None and self.jurisdiction.level <= Jurisdiction.Level.CITY)
