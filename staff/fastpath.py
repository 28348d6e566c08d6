"""The sign-in API's short way through the request cycle.

``POST /api/v1/signins/`` is the busiest request (a shift change bunches hundreds into a
minute) and needs nothing of what the rest of the stack provides: no session, no login,
no CSRF (no cookie is read), no messages, no lockout, no URL resolver, no DRF content
negotiation. The profile of the full path was about 4 ms of CPU per sign-in, most of it
there. This middleware sits right after the security middlewares and answers the request
itself, so what every response gets still applies:

- ``SecurityMiddleware`` (before it): HTTPS redirect, HSTS, nosniff, referrer policy;
- ``SecurityHeadersMiddleware``: Content-Security-Policy, ``no-store``;
- ``RequestLimitsMiddleware``: the size limit;
- here: host validation (``get_host``), the bounded JSON body, the same serializer as
  the DRF view (same validation, same error shape), the poster token's venue, and the
  one identification and sign-in service (rate limits, refusals recorded, once a day,
  the rollup in the same statement). ``staff.api.SignInViewSet.create`` stays for the
  schema and as the reference; tests run both and compare.

Every other request passes through untouched.
"""
import json
import re
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.exceptions import DisallowedHost, RequestDataTooBig
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils import translation
from django.utils.translation import gettext as _

from daodao.clientip import client_ip

from .api import SignInCreateSerializer, signin_payload
from .identify import SignInRefused
from .models import SignIn
from .selectors import venue_for_signin
from .services import signin_record

PATH = "/api/v1/signins/"


class SignInFastPathMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if (request.method != "POST" or request.path_info != PATH or request.content_type != "application/json"
                or not getattr(settings, "DAODAO_SIGNIN_FAST_PATH", True)):
            return self.get_response(request)  # forms and multipart bodies take the full way
        try:
            request.get_host()
        except DisallowedHost:
            return JsonResponse({"detail": _("Bad request.")}, status=400)
        language = translation.get_language_from_request(request)
        with translation.override(language):
            response = signin_create(request)
        # What the full path's later middlewares add to an API answer.
        response.headers["Content-Language"] = language
        response.headers["Vary"] = "Accept, Accept-Language"
        response.headers.setdefault("X-Frame-Options", settings.X_FRAME_OPTIONS)
        return response


def signin_create(request: HttpRequest) -> JsonResponse:
    """What ``SignInViewSet.create`` answers, without the framework around it."""
    data = _json_body(request)
    if isinstance(data, JsonResponse):
        return data
    d = _plainly_valid(data)
    if d is None:  # anything unusual: the DRF serializer decides, and words the errors
        body = SignInCreateSerializer(data=data)
        if not body.is_valid():
            return JsonResponse(body.errors, status=400)
        d = body.validated_data
    venue = venue_for_signin(d["token"])
    if venue is None:
        return JsonResponse({"detail": _("Not found.")}, status=404)
    try:
        result = signin_record(venue=venue, id_number=d["id_number"], phone=d["phone"], lat=d.get("lat"),
                               lng=d.get("lng"), source=SignIn.Source.API, ip=client_ip(request))
    except SignInRefused as exc:
        if exc.code == "rate_limited":
            return JsonResponse({"detail": exc.messages[0]}, status=429)
        return JsonResponse({"detail": exc.messages[0], "code": exc.code}, status=400)
    return JsonResponse(signin_payload(result.signin, result.who.name), status=201 if result.created else 200)


_COORDINATE = re.compile(r"-?\d{1,3}(\.\d{1,6})?")


def _plainly_valid(data: Any) -> dict[str, Any] | None:
    """The body as ``SignInCreateSerializer`` would validate it, when it is plainly valid
    (every field a clean string within its length, coordinates plain decimals in range);
    None for anything else, which the serializer then judges. Building a DRF serializer
    costs about half a millisecond of CPU, a third of the whole sign-in."""
    if not isinstance(data, dict) or set(data) - _FIELDS:
        return None
    token, id_number, phone = data.get("token"), data.get("id_number"), data.get("phone")
    for value, low, high in ((token, 1, 64), (id_number, 18, 18), (phone, 1, 20)):
        if not isinstance(value, str) or not low <= len(value) <= high or value != value.strip():
            return None
    out: dict[str, Any] = {"token": token, "id_number": id_number, "phone": phone}
    for name, limit in (("lat", 90), ("lng", 180)):
        value = data.get(name)
        if value is None:
            continue
        if not isinstance(value, str) or not _COORDINATE.fullmatch(value) or abs(Decimal(value)) > limit:
            return None
        out[name] = Decimal(value)
    return out


_FIELDS = {"token", "id_number", "phone", "lat", "lng"}


def _json_body(request: HttpRequest) -> Any:
    try:
        raw = request.body  # bounded by DATA_UPLOAD_MAX_MEMORY_SIZE
    except RequestDataTooBig:
        return JsonResponse({"detail": _("The request is too large.")}, status=413)
    try:
        data = json.loads(raw or b"null")
    except RecursionError:
        return JsonResponse({"detail": _("The JSON is nested too deeply.")}, status=400)
    except ValueError as exc:
        return JsonResponse({"detail": f"JSON parse error - {exc}"}, status=400)  # DRF's words (untranslated)
    return data  # not an object: the serializer says so, in DRF's words
