from django.apps import AppConfig


class DeskConfig(AppConfig):
    name = "newsroom.desk"
    verbose_name = "News desk"

    def ready(self):
        from newsroom.desk import signal_handlers

        signal_handlers.connect()
