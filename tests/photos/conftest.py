"""What the photo tests share: the sample files, the upload form's fields, photo rows with no image."""

import itertools
from pathlib import Path

from django.core.files.uploadedfile import SimpleUploadedFile

from newsroom.photos.models import PhotoAsset

SAMPLES = Path(__file__).parent / "samples"
# The photo form's fields, as the admin posts them.
FIELDS = ["virin", "title", "caption", "alt_text", "photographer", "credit", "date_taken", "place", "keywords"]
_numbers = itertools.count(2001)


def sample(name, upload_name=None):
    """One of samples/ as a browser uploads it (see samples/README.md)."""
    return SimpleUploadedFile(upload_name or name, (SAMPLES / name).read_bytes(), content_type="image/jpeg")


def blank_form(**values):
    return dict.fromkeys(FIELDS, "") | {"pending_upload": ""} | values


def photo_without_file(**fields):
    """A row as generate_content and old imports leave it: a record, no original, no public copies."""
    fields.setdefault("virin", f"200415-D-FN350-{next(_numbers)}")
    fields.setdefault("caption", "A caption, April 15, 2020.")
    return PhotoAsset.objects.create(original="", renditions={}, **fields)
