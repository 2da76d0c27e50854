from django.apps import AppConfig


class EditingConfig(AppConfig):
    name = "newsroom.editing"
    verbose_name = "Working together"

    def ready(self):
        from django.contrib.admin.models import LogEntry
        from django.db.models.signals import post_save

        from newsroom.editing.services import forget_saved_working_copy

        # A story saved from the admin leaves its saver's working copy with nothing left to restore.
        post_save.connect(forget_saved_working_copy, sender=LogEntry, dispatch_uid="editing-saved")
