from django.contrib.auth.hashers import make_password
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from .models import Jurisdiction, User


@transaction.atomic
def jurisdiction_create(*, name: str, code: str, level: int, parent: Jurisdiction | None = None) -> Jurisdiction:
    if parent is None and level != Jurisdiction.Level.PROVINCE:
        raise ValidationError(_("Only a province may have no parent."))
    if parent is not None and Jurisdiction.PARENT_LEVEL.get(level) != parent.level:
        raise ValidationError(_("A jurisdiction must sit exactly one level below its parent."))
    if "/" in code:
        raise ValidationError(_("A jurisdiction code may not contain '/'."))
    path = (parent.path if parent else "") + code + "/"
    return Jurisdiction.objects.create(name=name, code=code, level=level, parent=parent, path=path)


@transaction.atomic
def user_create(
    *,
    username: str,
    password: str,
    role: str,
    department: str = "",
    jurisdiction: Jurisdiction | None = None,
    first_name: str = "",
    last_name: str = "",
    email: str = "",
    phone: str = "",
    password_hash: str | None = None,
) -> User:
    """Create an account; the password must pass the configured rules.

    ``password_hash`` (from ``make_password`` of an already validated password) skips
    re-hashing when many accounts share one initial password, as in the demo.
    """
    user = User(
        username=username, role=role, department=department, jurisdiction=jurisdiction,
        first_name=first_name, last_name=last_name, email=email, phone=phone,
        is_staff=role in {User.Role.ADMIN, User.Role.ASSOCIATION},
        is_superuser=role == User.Role.ADMIN,
    )
    validate_password(password, user)
    user.password = password_hash or make_password(password)
    user.full_clean(exclude=["password"])
    user.save()
    return user
