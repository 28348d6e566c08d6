"""What an upload must be before it is stored: its size, and that it is what it claims.

Every upload field (pledge signatures, inspection photos and evidence, person photos,
interview notes, training material) uses these validators. A file's name and the browser's
content type are the sender's word, so images are decoded with Pillow and documents are
recognised by their first bytes. Caps come from settings (DAODAO_MAX_*_BYTES).
"""

import warnings
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from PIL import Image, UnidentifiedImageError

IMAGE_FORMATS = {"JPEG", "PNG", "GIF", "WEBP"}
PDF_MAGIC = b"%PDF-"


def _head(upload: Any, n: int) -> bytes:
    upload.seek(0)
    head = upload.read(n)
    upload.seek(0)
    return head


def _check_size(upload: Any, limit: int) -> None:
    if upload.size is None or upload.size > limit:
        raise ValidationError(_("The file is larger than %(mb)d MB.") % {"mb": limit // (1024 * 1024)},
                              code="file_too_large")
    if upload.size == 0:
        raise ValidationError(_("The file is empty."), code="file_empty")


def is_image(upload: Any) -> bool:
    """True when Pillow decodes the file as a JPEG, PNG, GIF or WebP of sane dimensions."""
    upload.seek(0)
    try:
        with warnings.catch_warnings():
            # Pillow warns, then raises, on decompression bombs; both mean "no".
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(upload) as img:
                ok = img.format in IMAGE_FORMATS and img.width * img.height <= settings.DAODAO_MAX_IMAGE_PIXELS
                img.verify()
    except (UnidentifiedImageError, Image.DecompressionBombError, Image.DecompressionBombWarning,
            OSError, SyntaxError, ValueError, EOFError):
        ok = False
    finally:
        upload.seek(0)
    return ok


def is_pdf(upload: Any) -> bool:
    return _head(upload, 1024).lstrip().startswith(PDF_MAGIC)


def is_video(upload: Any) -> bool:
    """MP4/MOV (an ISO base media 'ftyp' box) or WebM (an EBML header)."""
    head = _head(upload, 12)
    return head[4:8] == b"ftyp" or head[:4] == b"\x1a\x45\xdf\xa3"


def validate_image(upload: Any) -> None:
    _check_size(upload, settings.DAODAO_MAX_IMAGE_BYTES)
    if not is_image(upload):
        raise ValidationError(_("Upload a photo (JPEG, PNG, GIF or WebP)."), code="not_an_image")


def validate_image_or_pdf(upload: Any) -> None:
    """Scans of signed papers: a photo or a PDF."""
    if is_pdf(upload):
        _check_size(upload, settings.DAODAO_MAX_DOCUMENT_BYTES)
        return
    _check_size(upload, settings.DAODAO_MAX_IMAGE_BYTES)
    if not is_image(upload):
        raise ValidationError(_("Upload a photo (JPEG, PNG, GIF or WebP) or a PDF."), code="not_image_or_pdf")


def validate_pdf_or_video(upload: Any) -> None:
    """Training material: a PDF or a video (MP4 or WebM)."""
    if is_pdf(upload):
        _check_size(upload, settings.DAODAO_MAX_DOCUMENT_BYTES)
        return
    _check_size(upload, settings.DAODAO_MAX_VIDEO_BYTES)
    if not is_video(upload):
        raise ValidationError(_("Upload a PDF or a video (MP4 or WebM)."), code="not_pdf_or_video")
