import segno
from django.utils.safestring import SafeString, mark_safe


def qr_svg(data: str, scale: int = 8) -> SafeString:
    """An inline SVG QR code (no external service, no inline style)."""
    svg = segno.make(data, error="m").svg_inline(scale=scale, border=2, omitsize=True)
    return mark_safe(svg)  # noqa: S308 — segno's own markup; data is encoded, not interpolated
