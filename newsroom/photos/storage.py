"""Where photo originals live: outside MEDIA_ROOT, with no URL at all."""

from django.conf import settings
from django.core.files.storage import FileSystemStorage
from django.utils.functional import cached_property

from newsroom.core.files import WholeFiles


class OriginalsStorage(WholeFiles, FileSystemStorage):
    """Files under PRIVATE_MEDIA_ROOT. Readers get cleaned public copies, never these."""

    setting_name = "PRIVATE_MEDIA_ROOT"

    @cached_property
    def base_location(self):
        return settings.PRIVATE_MEDIA_ROOT

    def _clear_cached_properties(self, setting, **kwargs):
        super()._clear_cached_properties(setting, **kwargs)
        if setting == "PRIVATE_MEDIA_ROOT":
            self.__dict__.pop("base_location", None)
            self.__dict__.pop("location", None)

    def url(self, name):
        raise ValueError("Photo originals are private and have no URL; use the photo's public copies.")
