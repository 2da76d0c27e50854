from django.apps import AppConfig


class ArchiveConfig(AppConfig):
    name = "newsroom.archive"
    verbose_name = "Historical collections"
