from axes import apps as axes_apps
from django.apps import AppConfig


class AccountsConfig(AppConfig):
    default = True
    name = "newsroom.accounts"
    verbose_name = "Newsroom staff accounts"

    def ready(self):
        # The checks, the security log, the lockout's events and the sessions' clock.
        from newsroom.accounts import checks, lockout, sessions, signals  # noqa: F401


class LockoutConfig(axes_apps.AppConfig):
    """django-axes, which counts failed sign-ins and locks accounts and addresses, named in the
    admin for the Site administrators who unlock them."""

    default = False
    verbose_name = "Failed sign-ins"
