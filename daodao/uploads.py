"""Uploaded files: unguessable names, and served only to logged-in users.

Photos of findings, rectification evidence, drawn signatures and employee photos are
personal or sensitive. Their names are random (nothing about the person or venue, and
not enumerable), and the media view below requires a login; nothing under MEDIA_ROOT is
published by a web server.
"""

import secrets
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest
from django.utils import timezone
from django.utils._os import safe_join
from django.utils.deconstruct import deconstructible

ALLOWED_SUFFIXES = {".png", ".jpg", ".jpeg", ".gif", ".webp", ".heic", ".pdf", ".mp4", ".webm"}


@deconstructible
class RandomName:
    """``upload_to`` callable: <prefix>/<yyyy>/<mm>/<random>.<ext>"""

    def __init__(self, prefix: str) -> None:
        self.prefix = prefix

    def __call__(self, instance: Any, filename: str) -> str:
        suffix = Path(filename).suffix.lower()
        if suffix not in ALLOWED_SUFFIXES:
            suffix = ".bin"
        now = timezone.localtime()
        return f"{self.prefix}/{now:%Y/%m}/{secrets.token_urlsafe(16)}{suffix}"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, RandomName) and other.prefix == self.prefix


@login_required
def media(request: HttpRequest, path: str) -> FileResponse:
    try:
        full = Path(safe_join(settings.MEDIA_ROOT, path))
    except Exception:  # SuspiciousFileOperation: a path outside MEDIA_ROOT
        raise Http404 from None
    if not full.is_file():
        raise Http404
    response = FileResponse(full.open("rb"))
    response["Cache-Control"] = "private, no-store"
    response["Content-Disposition"] = "inline"
    return response
