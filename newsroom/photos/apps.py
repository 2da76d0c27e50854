from django.apps import AppConfig
from django.db.models.signals import post_delete


class PhotosConfig(AppConfig):
    name = "newsroom.photos"
    verbose_name = "Photos"

    def ready(self):
        from newsroom.photos.models import PhotoAsset
        from newsroom.photos.services import delete_files_when_committed

        post_delete.connect(delete_files_when_committed, sender=PhotoAsset, dispatch_uid="photo-files-delete")
