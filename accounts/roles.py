"""The roles and departments accounts belong to (one definition for every app)."""
from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    POLICE = "police", _("Police officer")
    PARTNER = "partner", _("Partner-department inspector")
    ASSOCIATION = "association", _("Association staff")
    MANAGER = "manager", _("Venue manager")
    SOCIAL_WORKER = "social_worker", _("Anti-drug social worker")
    ADMIN = "admin", _("System administrator")


class Department(models.TextChoices):
    NARCOTICS = "narcotics", _("Narcotics")
    PUBLIC_ORDER = "public_order", _("Public order")
    CULTURE_TOURISM = "culture_tourism", _("Culture & tourism")
    FIRE = "fire", _("Fire")


# Police belong to these departments; partner inspectors to the others.
POLICE_DEPARTMENTS = (Department.NARCOTICS, Department.PUBLIC_ORDER)
PARTNER_DEPARTMENTS = (Department.CULTURE_TOURISM, Department.FIRE)
