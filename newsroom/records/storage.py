"""Where the snapshots of public pages are kept: private, beside the photo originals, with no URL."""

import os

from django.conf import settings
from django.core.files.storage import FileSystemStorage
from django.utils.functional import cached_property

from newsroom.core.files import WholeFiles


class RecordsStorage(WholeFiles, FileSystemStorage):
    """Files under PRIVATE_MEDIA_ROOT/records. Staff read them through the admin, never at a public URL."""

    setting_name = "PRIVATE_MEDIA_ROOT"

    @cached_property
    def base_location(self):
        return os.path.join(str(settings.PRIVATE_MEDIA_ROOT), "records")  # a str or django-environ's Path

    def _clear_cached_properties(self, setting, **kwargs):
        super()._clear_cached_properties(setting, **kwargs)
        if setting == "PRIVATE_MEDIA_ROOT":
            self.__dict__.pop("base_location", None)
            self.__dict__.pop("location", None)

    def url(self, name):
        raise ValueError("Kept records are private and have no URL; staff open them in the admin.")
