from django.apps import AppConfig


class DemoConfig(AppConfig):
    name = "newsroom.demo"
    verbose_name = "Demo content"
