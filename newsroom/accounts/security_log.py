"""The security log: one JSON line per event (UTC time, client address, user, action, object,
outcome) on the "newsroom.security" logger, which SECURITY_LOG points at a file or standard output,
and a copy in the database for the admin's recent events (SecurityEvent).

Inside a transaction an event is written when it commits: a rolled-back publish did not happen.
"""

import contextvars
import datetime
import json
import logging

from django.db import transaction
from django.utils import timezone

from newsroom.core.clients import client_address

logger = logging.getLogger("newsroom.security")

# The request being answered, so events raised by signals (an account saved in the admin) know who
# and where from; set by SecurityLogMiddleware.
current_request = contextvars.ContextVar("current_request", default=None)

# Every action the log records, and what it means.
ACTIONS = {
    "login": "signed in (or failed to)",
    "logout": "signed out",
    "lockout": "too many failed sign-ins: the account and address are locked",
    "unlock": "a lockout lifted by a Site administrator",
    "mfa-enrol": "a security key or passkey added",
    "mfa-use": "a second factor used to sign in (or failed)",
    "mfa-reset": "a person's security keys and recovery codes removed",
    "recovery-codes": "recovery codes issued",
    "account-create": "an account made",
    "account-change": "an account's staff, superuser or active status changed",
    "role-change": "an account's roles or permissions changed",
    "deactivate": "an account deactivated",
    "publish": "a story published, scheduled, or its changes published",
    "withdraw": "a story withdrawn",
    "retract": "a story retracted, its address left with the public notice",
    "archive": "a story moved into a historical collection",
    "delete": "a story moved to the trash, or deleted for good from it",
    "bundle-import": "a site bundle imported",
    "photo-release": "a photo released for public use before a story published it, or its release withdrawn",
    "preview-revoke": "a story's reviewer preview links revoked by hand (a withdrawal or return to draft revokes them too)",
}


def describe(obj) -> str:
    if obj is None:
        return ""
    if isinstance(obj, str):
        return obj[:300]
    meta = getattr(obj, "_meta", None)
    label = f"{meta.label_lower}:{obj.pk}" if meta else type(obj).__name__
    return f"{label} {obj}"[:300]


def username_of(user) -> str:
    if user is None or not getattr(user, "is_authenticated", False):
        return ""
    return user.get_username()


def record(action: str, *, request=None, user=None, username: str = "", obj=None, outcome: str = "success", **details):
    """Log one event. `user` is the account acting (else the request's); `username` names an
    account that is not signed in, such as the name typed at a failed sign-in."""
    if action not in ACTIONS:
        raise ValueError(f"{action!r} is not a security log action; add it to ACTIONS first.")
    request = request if request is not None else current_request.get()
    if user is None and request is not None:
        user = getattr(request, "user", None)
    at = timezone.now()
    event = {
        "time": at.astimezone(datetime.UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z"),
        "address": client_address(request),
        "user": (username or username_of(user))[:150],
        "action": action,
        "object": describe(obj),
        "outcome": outcome,
    }
    if details:
        event["details"] = details

    def write():
        logger.info(json.dumps(event, ensure_ascii=False, default=str))
        from newsroom.accounts.models import SecurityEvent

        SecurityEvent.objects.create(
            at=at,
            action=action,
            outcome=outcome,
            user=event["user"],
            address=event["address"],
            object=event["object"],
            details=details,
        )

    transaction.on_commit(write, robust=True)
    return event


class SecurityLogMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = current_request.set(request)
        try:
            return self.get_response(request)
        finally:
            current_request.reset(token)
