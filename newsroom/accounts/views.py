"""The admin's second-factor pages (newsroom/accounts/second_factor.py): the key step after the
password, adding a key, and the person's own keys and recovery codes; and django-otp-webauthn's
ceremony endpoints, with each outcome in the security log."""

import json
from urllib.parse import urlencode

from django import forms
from django.contrib import admin, messages
from django.contrib.auth.decorators import user_passes_test
from django.http import HttpResponseRedirect, JsonResponse
from django.template.response import TemplateResponse
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django_otp import user_has_device
from django_otp_webauthn.exceptions import OTPWebAuthnApiError
from django_otp_webauthn.views import CompleteCredentialAuthenticationView, CompleteCredentialRegistrationView

from newsroom.accounts.second_factor import (
    ADD_KEY,
    KEY,
    is_verified,
    issue_recovery_codes,
    keys_of,
    next_address,
    recovery_codes_left,
    step_address,
    use_recovery_code,
)
from newsroom.accounts.security_log import record
from newsroom.core.apstyle import counted

# New recovery codes wait here, in the person's own session, until the page that shows them once.
NEW_CODES = "newsroom_new_recovery_codes"

staff_signed_in = user_passes_test(lambda user: user.is_active and user.is_staff, login_url="admin:login")


class RecoveryCodeForm(forms.Form):
    code = forms.CharField(
        label="Recovery code",
        max_length=40,
        help_text="One of the codes you stored when you added your key, for example k4mz7qxa. Each works once.",
        error_messages={"required": "Enter one of your recovery codes."},
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "spellcheck": "false", "autocapitalize": "none"}
        ),
    )


def _page(request, template, title, **context):
    context = {**admin.site.each_context(request), "title": title, **context}
    return TemplateResponse(request, f"admin/accounts/{template}", context)


@never_cache
@staff_signed_in
def key(request):
    """After the password: the person's security key, or one of their recovery codes."""
    user = request.user
    next_url = next_address(request)
    if is_verified(user):
        return HttpResponseRedirect(next_url)
    if not user_has_device(user):
        return HttpResponseRedirect(step_address(ADD_KEY, next_url))
    form = RecoveryCodeForm(request.POST or None)
    if form.is_valid():
        if use_recovery_code(request, form.cleaned_data["code"]):
            left = recovery_codes_left(user)
            messages.warning(
                request,
                f"You signed in with a recovery code: {counted(left, 'code', 'codes')} left, each good once. "
                "If your security key is lost, add a new one and issue new codes under Security keys.",
            )
            return HttpResponseRedirect(next_url)
        form.add_error(
            "code",
            "That recovery code did not work. Check it against your list (each code works once) "
            "and try again in a few seconds.",
        )
    if form.errors:
        form.fields["code"].widget.attrs["autofocus"] = True  # where the person fixes it
    return _page(
        request, "security_key.html", "Use your security key", form=form, next=next_url, has_key=keys_of(user).exists()
    )


@never_cache
@staff_signed_in
def add_key(request):
    """Register a security key or passkey: before anything else for an account without one."""
    user = request.user
    next_url = next_address(request)
    if not is_verified(user) and user_has_device(user):
        return HttpResponseRedirect(step_address(KEY, next_url))
    first = not keys_of(user).exists()
    title = "Add a security key" if first else "Add another security key"
    return _page(request, "add_security_key.html", title, first=first, next=next_url)


def overview(request):
    """The person's own keys and recovery codes; new codes are shown here, once. (An admin view.)"""
    user = request.user
    if request.method == "POST":
        if is_verified(user):
            request.session[NEW_CODES] = issue_recovery_codes(user, request=request)
        else:
            messages.error(request, "Sign in with your security key first: then you can issue new recovery codes.")
        return HttpResponseRedirect(request.get_full_path())
    return _page(
        request,
        "security_keys.html",
        "Your security keys",
        keys=keys_of(user).order_by("created_at"),
        codes_left=recovery_codes_left(user),
        new_codes=request.session.pop(NEW_CODES, None),
        verified=is_verified(user),
        next=next_address(request),
    )


class KeyAdded(CompleteCredentialRegistrationView):
    """django-otp-webauthn's registration, logged; the first key comes with recovery codes."""

    def post(self, request, *args, **kwargs):
        try:
            answer = super().post(request, *args, **kwargs)
        except OTPWebAuthnApiError as error:
            record("mfa-enrol", request=request, outcome="failure", reason=error.code)
            raise
        added = keys_of(request.user).get(pk=json.loads(answer.content)["id"])
        record("mfa-enrol", request=request, obj=added)
        if not recovery_codes_left(request.user):
            request.session[NEW_CODES] = issue_recovery_codes(request.user, request=request)
        shown = f"{reverse('security:overview')}?{urlencode({'next': next_address(request)})}"
        return JsonResponse({"id": added.pk, "redirect_url": shown})


class KeyUsed(CompleteCredentialAuthenticationView):
    """django-otp-webauthn's authentication as the second factor, logged."""

    def get_success_url(self):
        return next_address(self.request)

    def post(self, request, *args, **kwargs):
        try:
            answer = super().post(request, *args, **kwargs)
        except OTPWebAuthnApiError as error:
            record("mfa-use", request=request, outcome="failure", method="security key", reason=error.code)
            raise
        record("mfa-use", request=request, obj=request.user.otp_device, method="security key")
        return answer
