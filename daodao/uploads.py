"""Uploaded files: unguessable names, served only to those who may see their owner.

Photos of findings, rectification evidence, drawn signatures, employee photos and signed
interview notes are personal or sensitive. Their names are random (nothing about the
person or venue, and not enumerable), nothing under MEDIA_ROOT is published by a web
server, and the media view below serves a file only when the record that owns it is
visible to the requesting user through that app's ordinary scoping path (jurisdiction,
role, the undercover rule). A random name is not a permission: a link forwarded to a
colleague of another district answers 404, like any out-of-scope object.

Each app registers, in ``AppConfig.ready``, who owns the files under its upload prefixes:
``media_owner("pledges/signatures", lambda user, name: <visible queryset>.filter(signature=name))``.
A prefix nobody registered is never served.
"""

import secrets
from collections.abc import Callable
from pathlib import Path
from typing import Any

from django.conf import settings
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


# upload prefix -> fn(user, name) -> a queryset (or bool) saying whether ``user`` may see it
OwnerLookup = Callable[[Any, str], Any]
_OWNERS: dict[str, OwnerLookup] = {}


def media_owner(prefix: str, lookup: OwnerLookup) -> None:
    """Register who may see the files stored under ``prefix`` (a ``RandomName`` prefix)."""
    _OWNERS[prefix.strip("/")] = lookup


def media_visible(user: Any, name: str) -> bool:
    for prefix, lookup in _OWNERS.items():
        if name.startswith(prefix + "/"):
            found = lookup(user, name)
            return bool(found) if isinstance(found, bool) else found.exists()
    return False


def media(request: HttpRequest, path: str) -> FileResponse:
    """Serve an uploaded file to a user who may see the record it belongs to; 404 otherwise
    (also for anonymous users, unless the owner says the file is public course material)."""
    try:
        full = Path(safe_join(settings.MEDIA_ROOT, path))
    except Exception:  # SuspiciousFileOperation: a path outside MEDIA_ROOT
        raise Http404 from None
    name = path.replace("\\", "/")
    if "\x00" in name or not media_visible(request.user, name):
        raise Http404
    try:
        handle = full.open("rb")
    except OSError:  # missing, a directory, a name too long for the file system
        raise Http404 from None
    response = FileResponse(handle)
    response["Cache-Control"] = "private, no-store"
    # Never rendered as a page of our origin (an uploaded HTML or SVG cannot run script).
    response["Content-Disposition"] = "inline"
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; img-src 'self'; media-src 'self'; sandbox"
    return response
