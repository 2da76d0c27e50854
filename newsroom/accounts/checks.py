"""System checks for staff accounts: `manage.py check --deploy` refuses production without the
second factor (OMB M-22-09 asks phishing-resistant MFA of every account that can publish)."""

from django.conf import settings
from django.core.checks import Error, Tags, register


@register(Tags.security, deploy=True)
def second_factor_required(app_configs, **kwargs):
    if settings.DEBUG or settings.REQUIRE_SECOND_FACTOR:
        return []
    return [
        Error(
            "Staff sign in with a password alone: REQUIRE_SECOND_FACTOR is off while DEBUG is off.",
            hint="Turn REQUIRE_SECOND_FACTOR on (it is on by default whenever DEBUG is off): every staff "
            "account then signs in with a security key or passkey after its password. Turn it off only "
            "on a development machine, with DEBUG=true.",
            id="newsroom.E011",
        )
    ]
