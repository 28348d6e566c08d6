"""The request type of pages behind ``login_required``, for type checkers.

Django types ``request.user`` as "a user or AnonymousUser"; after ``login_required`` it is
always our ``User``, whose capabilities (``accounts.capabilities``) views ask about.
"""
from django.http import HttpRequest

from .models import User


class AuthedRequest(HttpRequest):
    user: User


def acting_user(request: HttpRequest) -> User:
    """``request.user`` where authentication is required (DRF's ``IsAuthenticated``,
    ``login_required``): our ``User``, never AnonymousUser."""
    user = request.user
    assert isinstance(user, User), "authentication is required here"  # noqa: S101 -- a programming error
    return user
