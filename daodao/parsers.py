"""Request body parsers for the API (the REST_FRAMEWORK setting names them).

Kept apart from daodao/api.py: DRF imports its parser classes while drf-spectacular's views,
which daodao/api.py imports, are still loading.
"""

import io
from collections.abc import Mapping
from typing import Any

from django.conf import settings
from django.utils.translation import gettext_lazy as _
from rest_framework import status
from rest_framework.exceptions import APIException, ParseError
from rest_framework.parsers import FormParser, JSONParser


class RequestTooLarge(APIException):
    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    default_detail = _("The request is too large.")
    default_code = "request_too_large"


class BoundedJSONParser(JSONParser):
    """DRF's JSON parser reads the whole stream, however large, and ``json.loads`` recurses
    once per nesting level. This one reads at most DATA_UPLOAD_MAX_MEMORY_SIZE bytes (413
    beyond) and answers a body nested too deeply for the interpreter with 400."""

    def parse(self, stream: Any, media_type: str | None = None, parser_context: Mapping[str, Any] | None = None) -> Any:
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        raw = stream.read(limit + 1) if stream is not None else b""
        if len(raw) > limit:
            raise RequestTooLarge()
        try:
            return super().parse(io.BytesIO(raw), media_type, parser_context)
        except RecursionError:
            raise ParseError(_("The JSON is nested too deeply.")) from None


class BoundedFormParser(FormParser):
    """DRF's form parser reads the whole stream too (Django's own limit applies only to
    request.POST, not to a PATCH or PUT body that DRF parses itself)."""

    def parse(self, stream: Any, media_type: str | None = None, parser_context: Mapping[str, Any] | None = None) -> Any:
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        raw = stream.read(limit + 1) if stream is not None else b""
        if len(raw) > limit:
            raise RequestTooLarge()
        return super().parse(io.BytesIO(raw), media_type, parser_context)
