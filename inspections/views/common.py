"""Helpers shared by the inspection pages: errors onto messages, photo limits, checklist answers, the day filter."""

from datetime import date

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest

from daodao.files import validate_image
from daodao.params import parse_day

from .. import services
from ..models import Checklist


def _errors(request: HttpRequest, exc: ValidationError) -> None:
    for m in exc.messages:
        messages.error(request, m)


def _check_photos(request: HttpRequest) -> None:
    """Every file these phone forms send is a photo; anything else is refused before a service stores it."""
    errors: list[str] = []
    for upload in (f for files in request.FILES.lists() for f in files[1]):
        try:
            validate_image(upload)
        except ValidationError as exc:
            errors.extend(f"{upload.name}: {m}" for m in exc.messages)
    if errors:
        raise ValidationError(errors)


def _answers(request: HttpRequest, checklist: Checklist | None) -> list[services.ItemAnswer]:
    """Checklist answers from the phone form: item_<id> = pass|fail|na, note_<id>, photo_<id>."""
    if checklist is None:
        return []
    answers = []
    for item in checklist.items.all():
        result = request.POST.get(f"item_{item.pk}")
        if result:
            answers.append(services.ItemAnswer(item.pk, result, request.POST.get(f"note_{item.pk}", "").strip(),
                                               request.FILES.get(f"photo_{item.pk}")))
    return answers


def day_filter(request: HttpRequest) -> date | None:
    """The ``day`` filter (the calendar's link to one day): absent, or a real date, else 404."""
    if "day" not in request.GET:
        return None
    day = parse_day(request.GET["day"])
    if day is None:
        raise Http404
    return day
