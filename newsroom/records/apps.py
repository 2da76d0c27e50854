from django.apps import AppConfig


class RecordsConfig(AppConfig):
    name = "newsroom.records"
    verbose_name = "Web records"
