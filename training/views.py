from django.http import Http404, HttpRequest, HttpResponse


def employee_exam(request: HttpRequest, token: str) -> HttpResponse:
    raise Http404
