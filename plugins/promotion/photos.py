"""Visit photos: whatever the phone sends is decoded by Pillow (or refused), turned upright,
shrunk to at most 1600 px and saved again as JPEG without any metadata, so no photo keeps
the EXIF location (or the camera's serial) of where and how it was taken."""

from __future__ import annotations

from io import BytesIO

from PIL import Image, ImageOps, UnidentifiedImageError

from kht.plugin_api import ValidationError

MAX_SIDE = 1600
MAX_PIXELS = 60_000_000


def cleaned(data: bytes, field: str = "photo") -> bytes:
    """The photo re-encoded as a metadata-free JPEG; 422 naming `field` if it is no image."""
    if not data:
        raise ValidationError("the photo is empty", field)
    try:
        with Image.open(BytesIO(data)) as probe:
            probe.verify()  # a truncated or forged file fails here
        with Image.open(BytesIO(data)) as image:
            if image.width * image.height > MAX_PIXELS:
                raise ValidationError("the photo is too large", field)
            upright = ImageOps.exif_transpose(image).convert("RGB")
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        raise ValidationError("the file is not a photo (JPEG, PNG, WebP, HEIF...)", field) from None
    upright.thumbnail((MAX_SIDE, MAX_SIDE))
    out = BytesIO()
    # No exif= and no icc_profile=: Pillow writes none of the original's metadata.
    upright.save(out, "JPEG", quality=82, optimize=True)
    return out.getvalue()
