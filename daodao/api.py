"""API plumbing shared by every app: the token endpoint and the exception handler."""

from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import JsonResponse
from django.utils.translation import gettext_lazy as _
from drf_spectacular.views import SpectacularSwaggerSplitView
from rest_framework import serializers
from rest_framework import views as drf_views
from rest_framework.authtoken.serializers import AuthTokenSerializer
from rest_framework.authtoken.views import ObtainAuthToken
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.parsers import MultiPartParser
from rest_framework.response import Response
from rest_framework.throttling import ScopedRateThrottle

from . import errors
from .parsers import BoundedFormParser, BoundedJSONParser


class TokenRequestSerializer(AuthTokenSerializer):
    """DRF's, with the lengths of the columns behind it: an over-long username would reach
    django-axes' failure log (varchar 255) and fail there with a 500."""

    username = serializers.CharField(label=_("Username"), max_length=150, write_only=True)
    password = serializers.CharField(label=_("Password"), max_length=128, style={"input_type": "password"},
                                     trim_whitespace=False, write_only=True)


class TokenView(ObtainAuthToken):
    """``POST /api/v1/auth/token/`` with username and password returns a token.

    Failures count towards the same lockout (per account and address) as the login page
    (django-axes), and the endpoint is rate limited per address on top (DRF throttle;
    ``NUM_PROXIES`` follows ``DAODAO_TRUSTED_PROXIES``, so a forged X-Forwarded-For does not
    give a fresh allowance).
    """

    throttle_classes = [ScopedRateThrottle]
    throttle_scope = "token"
    parser_classes = [BoundedFormParser, MultiPartParser, BoundedJSONParser]
    serializer_class = TokenRequestSerializer


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    """DRF's handler, taught the exceptions our services raise.

    Services are shared by pages and the API, so they raise Django's exceptions; here a
    Django ``ValidationError`` becomes a 400 with the same field keys (DRF itself already
    answers Django's ``PermissionDenied`` with 403 and ``Http404`` with 404). Views call
    services without wrapping them.
    """
    if isinstance(exc, DjangoValidationError):
        exc = ValidationError(exc.message_dict if hasattr(exc, "error_dict") else {"detail": exc.messages})
    elif isinstance(exc, DjangoPermissionDenied):
        exc = PermissionDenied(str(exc) or None)
    return drf_views.exception_handler(exc, context)


class ApiDocsView(SpectacularSwaggerSplitView):
    """Swagger UI from local files. Its React components set inline style attributes, so
    this one page allows inline styles; scripts stay 'self'-only like everywhere else."""

    def finalize_response(self, request: Any, response: Any, *args: Any, **kwargs: Any) -> Any:
        response = super().finalize_response(request, response, *args, **kwargs)
        response["Content-Security-Policy"] = settings.CONTENT_SECURITY_POLICY.replace(
            "style-src 'self'", "style-src 'self' 'unsafe-inline'"
        )
        return response



def _json_or(default_view: Any, status: int, message: Any) -> Any:
    """Django's error page for pages, a JSON body for the API (clients parse JSON, and the
    schema documents errors as JSON)."""

    def view(request: Any, exception: Exception | None = None) -> Any:
        if request.path_info.startswith("/api/"):
            return JsonResponse({"detail": str(message)}, status=status)
        return default_view(request, exception) if exception is not None else default_view(request)

    return view


not_found = _json_or(errors.page_not_found, 404, _("Not found."))
bad_request = _json_or(errors.bad_request, 400, _("Bad request."))
forbidden = _json_or(errors.permission_denied, 403, _("You do not have permission to perform this action."))


def server_error(request: Any) -> Any:
    if request.path_info.startswith("/api/"):
        return JsonResponse({"detail": str(_("Server error."))}, status=500)
    return errors.server_error(request)
