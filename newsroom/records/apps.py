from django.apps import AppConfig


class RecordsConfig(AppConfig):
    name = "newsroom.records"
    verbose_name = "Web records"

    def ready(self):
        from newsroom.records.snapshots import keep_page
        from newsroom.stories.signals import story_leaving_readers

        story_leaving_readers.connect(keep_page, dispatch_uid="records.keep_page")
