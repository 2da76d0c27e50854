"""Where the snapshots of public pages are kept: private, beside the photo originals, with no URL."""

import os

from django.conf import settings
from django.utils.functional import cached_property

from newsroom.photos.storage import OriginalsStorage


class RecordsStorage(OriginalsStorage):
    """Files under PRIVATE_MEDIA_ROOT/records. Staff read them through the admin, never at a public URL."""

    @cached_property
    def base_location(self):
        return os.path.join(str(settings.PRIVATE_MEDIA_ROOT), "records")  # a str or django-environ's Path

    def url(self, name):
        raise ValueError("Kept records are private and have no URL; staff open them in the admin.")
