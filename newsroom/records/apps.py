from django.apps import AppConfig


class RecordsConfig(AppConfig):
    name = "newsroom.records"
    verbose_name = "Web records"

    def ready(self):
        from django.core.signals import request_finished

        from newsroom.records.snapshots import keep_page, remove_files_rolled_back
        from newsroom.stories.signals import story_leaving_readers

        story_leaving_readers.connect(keep_page, dispatch_uid="records.keep_page")
        # A change refused after its page was kept (or an admin request that failed) leaves no file.
        request_finished.connect(remove_files_rolled_back, dispatch_uid="records.remove_files_rolled_back")
