from django.apps import AppConfig


class SearchConfig(AppConfig):
    name = "newsroom.search"
    verbose_name = "Search"

    def ready(self):
        from newsroom.search.signal_handlers import register_signal_handlers

        register_signal_handlers()
