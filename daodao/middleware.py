from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse, QueryDict
from django.utils.translation import gettext as _


class SecurityHeadersMiddleware:
    """Content-Security-Policy on every response, and ``no-store`` on dynamic ones.

    WhiteNoise answers static files before this middleware runs, so only pages and API
    responses get ``no-store``; they may carry personal data and must never sit in a
    shared or browser cache. A view that sets its own Cache-Control keeps it.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response.headers.setdefault("Content-Security-Policy", settings.CONTENT_SECURITY_POLICY)
        response.headers.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=(self)")
        if "Cache-Control" not in response.headers:
            response.headers["Cache-Control"] = "no-store, private"
        return response


class RequestLimitsMiddleware:
    """Refuse what no view can handle, before any view tries: a body larger than the
    biggest upload we accept (413), and a NUL character in the path, the query string or
    a form field (400).

    PostgreSQL cannot store NUL in text, so a NUL that reaches a query is a 500; it has no
    business in a token, a search or a name, so it is refused at the door for every view
    instead of in each. Uploaded files are not inspected (binary files contain NUL bytes).
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        if length > settings.DAODAO_MAX_REQUEST_BYTES:
            return _refuse(request, 413, _("The request is too large."))
        if any(len(segment) > MAX_PATH_SEGMENT for segment in request.path_info.split("/")):
            # No route has such a segment, and the file system refuses names over 255 bytes.
            return _refuse(request, 404, _("Not found."))
        if "\x00" in request.path_info or _has_nul(request.GET):
            return _refuse(request, 400, _("The request contains a NUL character."))
        if request.method == "POST" and request.content_type in FORM_TYPES and _has_nul(request.POST):
            return _refuse(request, 400, _("The request contains a NUL character."))
        return self.get_response(request)


MAX_PATH_SEGMENT = 200
FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")


def _has_nul(data: QueryDict) -> bool:
    return any("\x00" in key or any("\x00" in v for v in values) for key, values in data.lists())


def _refuse(request: HttpRequest, status: int, message: str) -> HttpResponse:
    if request.path_info.startswith("/api/"):
        return JsonResponse({"detail": message}, status=status)
    return HttpResponse(message, status=status, content_type="text/plain; charset=utf-8")
