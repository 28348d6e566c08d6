"""The site's error pages: Chinese, in the site layout, with a way back.

404 is the designed answer for anything outside a user's scope, so its page says "not
found or not yours to see" and offers the home page rather than blaming the user. The API
keeps answering JSON (``daodao.api``); these views serve every other path. They work with
DEBUG off (Django's own handlers are bare English text without the layout).
"""


from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.template import loader
from django.utils.translation import gettext as _
from django.views.decorators.csrf import requires_csrf_token


class ExplainedNotFound(Http404):
    """A 404 (or 410) for someone without an account, with one sentence that tells them
    what to do (e.g. a rotated sign-in poster). Rendered with ``status`` by
    :func:`page_not_found` on the plain poster layout."""

    def __init__(self, message: str, status: int = 404) -> None:
        super().__init__(message)
        self.message = message
        self.status = status


def _page(request: HttpRequest, status: int, title: str, message: str) -> HttpResponse:
    return render(request, "errors/error.html", {"status": status, "title": title, "message": message},
                  status=status)


@requires_csrf_token
def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _page(request, 400, _("The request could not be understood"),
                 _("Something in the address or the form was not valid. Go back and try again."))


@requires_csrf_token
def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    detail = str(exception) if exception is not None and str(exception) else ""
    return _page(request, 403, _("You may not do this"),
                 detail or _("Your account may see this record but not change it. Ask your unit if you need to."))


@requires_csrf_token
def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    if isinstance(exception, ExplainedNotFound):
        return render(request, "errors/poster.html", {"message": exception.message}, status=exception.status)
    return _page(request, 404, _("Page not found"),
                 _("This page does not exist, or it belongs to an area your account does not cover."))


def server_error(request: HttpRequest) -> HttpResponse:
    # No context processors and no database: whatever failed may fail again.
    try:
        body = loader.get_template("errors/500.html").render({})
    except Exception:  # the page that says sorry must not fail itself
        body = "500"
    return HttpResponse(body, status=500)


@requires_csrf_token
def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    return _page(request, 403, _("The form had expired"),
                 _("The page was open for too long or the browser refused cookies. Go back, reload the page "
                   "and submit it again."))
