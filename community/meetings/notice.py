"""The QR code on the printed notice: inline SVG that leads to the agenda page."""

import re

import segno
from markupsafe import Markup, escape

STYLE_ATTR = re.compile(r'\sstyle="[^"]*"')


def qr_svg(url: str, label: str, scale: int = 5) -> Markup:
    """The URL as an SVG QR code, with no style attribute (the CSP allows no inline styles)."""
    svg = segno.make(url, error="m").svg_inline(scale=scale, svgclass="qr", lineclass=None,
                                                title=url)
    svg = STYLE_ATTR.sub("", svg).replace(
        "<svg ", f'<svg role="img" aria-label="{escape(label)}" ', 1)
    return Markup(svg)  # noqa: S704 - segno's own markup; the URL is XML-escaped by segno
