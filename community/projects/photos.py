"""Shrink an uploaded photo on the server to a small JPEG (≤ 30 KB) for slow networks."""

import io

from PIL import Image, ImageOps, UnidentifiedImageError

from ..errors.domain import DomainError
from ..i18n import gettext as _
from .models import PHOTO_MAX

# Widest first; quality steps down until the file fits.
SIZES = (800, 640, 480, 360, 240)
QUALITIES = (70, 55, 40, 30)
MAX_PIXELS = 40_000_000  # refuse decompression bombs before decoding


class PhotoError(DomainError):
    """The upload is not a photo we can read; shown beside the form's `photo` field."""

    def __init__(self, message: str, field: str = "photo"):
        super().__init__(message, field)


def shrink(data: bytes, limit: int = PHOTO_MAX) -> bytes:
    """Return the photo as a JPEG of at most `limit` bytes, without its EXIF data."""
    try:
        with Image.open(io.BytesIO(data)) as img:
            if img.width * img.height > MAX_PIXELS:
                raise PhotoError(_("照片太大"))
            img = ImageOps.exif_transpose(img).convert("RGB")
    except (UnidentifiedImageError, OSError, Image.DecompressionBombError) as e:
        raise PhotoError(_("看不懂这个文件，请上传 JPG 或 PNG 照片")) from e
    for size in SIZES:
        small = img.copy()
        small.thumbnail((size, size))
        for quality in QUALITIES:
            out = io.BytesIO()
            small.save(out, "JPEG", quality=quality, optimize=True, progressive=True)
            if out.tell() <= limit:
                return out.getvalue()
    raise PhotoError(_("照片无法压缩到 30 KB 以内，请换一张"))
