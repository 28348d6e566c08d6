from collections.abc import Callable

from django.conf import settings
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse
from django.utils import timezone

LOGIN_AT = "_daodao_login_at"
SEEN_AT = "_daodao_seen_at"
# Refresh the idle clock at most once a minute, so a busy page does not write its
# session row on every request.
TOUCH_EVERY = 60


class SessionTimeoutMiddleware:
    """End a session after 30 minutes idle or 12 hours in all, whichever comes first."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.user.is_authenticated and hasattr(request, "session"):
            now = timezone.now().timestamp()
            login_at = request.session.get(LOGIN_AT)
            seen_at = request.session.get(SEEN_AT)
            if login_at is None:
                request.session[LOGIN_AT] = login_at = now
            if seen_at is None:
                seen_at = now
            if (
                now - login_at > settings.SESSION_ABSOLUTE_TIMEOUT.total_seconds()
                or now - seen_at > settings.SESSION_IDLE_TIMEOUT.total_seconds()
            ):
                logout(request)
            elif now - seen_at >= TOUCH_EVERY or SEEN_AT not in request.session:
                request.session[SEEN_AT] = now
        return self.get_response(request)
