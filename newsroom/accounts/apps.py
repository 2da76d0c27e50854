from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "newsroom.accounts"
    verbose_name = "Newsroom staff accounts"

    def ready(self):
        from newsroom.accounts import checks, signals  # noqa: F401  (registers the checks, connects the security log)
