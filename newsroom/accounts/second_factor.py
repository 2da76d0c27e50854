"""Every staff account's second factor (issue 17): after the password, a security key or passkey.

WebAuthn keys are phishing-resistant (OMB M-22-09): the browser writes the site's real address into
what the key signs, so an answer given to a look-alike site is refused here. django-otp keeps the
session's verification (OTPMiddleware: `user.is_verified()`); django-otp-webauthn runs the key's
ceremonies; django-otp's static tokens are the one-time recovery codes.

With REQUIRE_SECOND_FACTOR on, a signed-in staff member has one step left until they pass it:
"key" (use their key or a recovery code) or, for an account with neither, "add-key" (enrol one).
"""

from urllib.parse import urlencode, urlsplit

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django_otp import login as otp_login
from django_otp import user_has_device
from django_otp import verify_token as otp_verify_token
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp_webauthn.helpers import WebAuthnHelper
from django_otp_webauthn.models import WebAuthnCredential

from newsroom.accounts.security_log import record
from newsroom.core.apstyle import ap_date

RECOVERY_CODES = 10
KEY, ADD_KEY = "key", "add-key"


def relying_party_id(request) -> str:
    """The domain keys are bound to: WEBAUTHN_RP_ID, else the host the browser asked for (which
    ALLOWED_HOSTS has already vouched for)."""
    return settings.WEBAUTHN_RP_ID or urlsplit(f"//{request.get_host()}").hostname


class KeyCeremonies(WebAuthnHelper):
    """django-otp-webauthn's ceremonies with the newsroom's origins and key names."""

    def get_allowed_origins(self) -> list[str]:
        return settings.WEBAUTHN_ORIGINS or [f"{self.request.scheme}://{self.request.get_host()}"]

    def create_credential(self, user, response, parsed_credential, original_data):
        key = super().create_credential(user, response, parsed_credential, original_data)
        key.name = f"Security key added {ap_date(timezone.localdate())}"
        return key


def keys_of(user):
    return WebAuthnCredential.objects.filter(user=user, confirmed=True)


def recovery_codes_left(user) -> int:
    return StaticToken.objects.filter(device__user=user, device__confirmed=True).count()


def is_verified(user) -> bool:
    """Whether this session passed a second factor (False where OTPMiddleware did not run)."""
    return bool(getattr(user, "is_verified", bool)())


def step_left(user) -> str | None:
    """What still stands between a signed-in person and the admin: KEY, ADD_KEY, or None."""
    if not settings.REQUIRE_SECOND_FACTOR or not user.is_authenticated:
        return None
    if not is_verified(user):
        # django-otp-webauthn lets an unverified session add a key only to an account with no
        # second factor at all (keys or recovery codes); any other must use what it has first.
        return KEY if user_has_device(user) else ADD_KEY
    if isinstance(user.otp_device, WebAuthnCredential) or keys_of(user).exists():
        return None
    return ADD_KEY  # signed in with a recovery code, and has no key: add one before anything else


def staff_with_second_factor(user) -> bool:
    """Staff who may see staff pages: active, on staff, and past the second factor when it is required."""
    return user.is_active and user.is_staff and step_left(user) is None


def next_address(request) -> str:
    """Where to go once the step is done: a safe `next` on this site, else the admin's home."""
    wanted = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(wanted, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return wanted
    return reverse("admin:index")


def step_address(step: str, next_url: str) -> str:
    return f"{reverse(f'security:{step}')}?{urlencode({'next': next_url})}"


def issue_recovery_codes(user, *, request=None) -> list[str]:
    """New one-time recovery codes for the person; any they had stop working."""
    codes = [StaticToken.random_token() for _ in range(RECOVERY_CODES)]
    with transaction.atomic():
        device, _ = StaticDevice.objects.get_or_create(user=user, defaults={"name": "Recovery codes"})
        device.token_set.all().delete()
        StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in codes)
        record("recovery-codes", request=request, user=user, obj=user, count=len(codes))
    return codes


def use_recovery_code(request, code: str) -> bool:
    """Verify the session with one of the person's recovery codes, which is then used up.

    Wrong codes slow further tries down (django-otp's throttling: 1, 2, 4… seconds)."""
    user = request.user
    code = "".join(code.split()).replace("-", "").lower()
    codes = StaticDevice.objects.filter(user=user, confirmed=True).first()
    used = codes and otp_verify_token(user, codes.persistent_id, code)
    if not used:
        record("mfa-use", request=request, outcome="failure", method="recovery code")
        return False
    otp_login(request, used)
    record("mfa-use", request=request, method="recovery code", codes_left=recovery_codes_left(user))
    return True


def reset_security_keys(person, *, request=None, **details) -> tuple[int, int]:
    """Remove the person's keys and recovery codes: at their next sign-in they add a new key.
    Returns how many keys and codes were removed."""
    with transaction.atomic():
        keys = keys_of(person).count()
        codes = recovery_codes_left(person)
        WebAuthnCredential.objects.filter(user=person).delete()
        StaticDevice.objects.filter(user=person).delete()
        record("mfa-reset", request=request, obj=person, keys=keys, recovery_codes=codes, **details)
    return keys, codes
