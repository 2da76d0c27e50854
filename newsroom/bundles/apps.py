from django.apps import AppConfig


class BundlesConfig(AppConfig):
    name = "newsroom.bundles"
    verbose_name = "Site bundles"
