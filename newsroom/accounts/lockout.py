"""Sign-in lockout, with django-axes: failed sign-ins are counted for the account and for the
address they came from (newsroom.core.clients.client_address, which honours PROXY_COUNT); once
either reaches LOGIN_FAILURES_ALLOWED within LOCKOUT_MINUTES, sign-ins for that account, or from
that address, are refused until LOCKOUT_MINUTES after the last failure, the right password too.

The login page says so, and until when. Locking, and lifting a lock (the admin's *Unlock sign-in*,
the failed sign-ins' list, `manage.py axes_reset_username` and its kin), go into the security log;
the failed sign-ins themselves are already there (signals.py).
"""

import dataclasses
import datetime

from axes.handlers.database import AxesDatabaseHandler
from axes.handlers.proxy import AxesProxyHandler
from axes.helpers import get_client_parameters, get_client_username, get_cool_off, get_failure_limit
from axes.models import AccessAttempt
from axes.signals import user_locked_out
from django.core.exceptions import ValidationError
from django.dispatch import receiver
from django.http import HttpResponse, JsonResponse
from django.utils import timezone

from newsroom.accounts.security_log import current_request, record
from newsroom.core.apstyle import ap_time

# What a lock is kept against, in the words the login page and the log use.
LOCKED_BY = {"username": "account", "ip_address": "address"}


@dataclasses.dataclass(frozen=True)
class Lock:
    until: datetime.datetime
    by: tuple[str, ...]  # "account", "address" or both

    def message(self) -> str:
        when = ap_time(_next_minute(self.until))
        if "account" in self.by:
            return (
                f"Too many failed sign-ins for this account. Try again after {when}, "
                "or ask a Site administrator to unlock it."
            )
        return (
            f"Too many failed sign-ins from your network address. Try again after {when}, "
            "or ask a Site administrator to unlock it."
        )


def _next_minute(moment: datetime.datetime) -> datetime.datetime:
    """The lock's end as a clock shows it: 3:14:20 is said as 3:15, never as a time still locked."""
    rounded = moment.replace(second=0, microsecond=0)
    return rounded if rounded == moment else rounded + datetime.timedelta(minutes=1)


def _locked_until(attempts, limit: int, cool_off: datetime.timedelta) -> datetime.datetime | None:
    """When the failures in `attempts` (time of each row's last failure, failures in it; oldest
    first) fall below the limit. Each row stops counting LOCKOUT_MINUTES after its last failure."""
    total = sum(failures for _, failures in attempts)
    if total < limit:
        return None
    for last_failure, failures in attempts:
        total -= failures
        if total < limit:
            return last_failure + cool_off
    return None  # unreachable: the loop empties the total


def lock_of(request, credentials=None) -> Lock | None:
    """The lock a sign-in with these credentials, from this request's address, meets; None if none."""
    AxesProxyHandler.update_request(request)
    cool_off = get_cool_off(request)
    limit = get_failure_limit(request, credentials)
    now = request.axes_attempt_time
    username = get_client_username(request, credentials)
    ends = {}
    for parameters in get_client_parameters(
        username, request.axes_ip_address, request.axes_user_agent, request, credentials
    ):
        attempts = (
            AccessAttempt.objects.filter(**parameters, attempt_time__gte=now - cool_off)
            .order_by("attempt_time")
            .values_list("attempt_time", "failures_since_start")
        )
        until = _locked_until(list(attempts), limit, cool_off)
        if until is not None:
            ends[" and ".join(LOCKED_BY[name] for name in parameters)] = until
    if not ends:
        return None
    return Lock(until=max(ends.values()), by=tuple(sorted(ends)))


def lockout_response(request, original_response=None, credentials=None):
    """What a refused sign-in answers (AXES_LOCKOUT_CALLABLE): the login page as the login view made
    it, its error replaced by the lock and when it ends; 429 Too Many Requests, with Retry-After."""
    lock = lock_of(request, credentials)
    if lock is None:  # the lock ended between the refusal and this answer
        lock = Lock(until=timezone.now(), by=("account",))
    message = lock.message()
    if "application/json" in request.headers.get("Accept", ""):
        response = JsonResponse({"error": message}, status=429)
    else:
        context = getattr(original_response, "context_data", None) or {}
        form = context.get("form")
        if form is not None and hasattr(original_response, "rendered_content"):
            form.errors.clear()
            form.add_error(None, ValidationError(message, code="locked_out"))
            original_response.content = original_response.rendered_content
            original_response.status_code = 429
            response = original_response
        else:
            response = HttpResponse(message, status=429, content_type="text/plain; charset=utf-8")
    # The lock holds through `until` itself: the first whole second after it.
    response["Retry-After"] = str(max(0, int((lock.until - timezone.now()).total_seconds())) + 1)
    return response


@receiver(user_locked_out, dispatch_uid="security-log-lockout")
def record_lockout(sender, request, username, ip_address, **kwargs):
    # Sent for the failure that reaches the limit, which axes counted, and again for each try while
    # locked, which it did not (and which the log already has as a failed sign-in): one lockout each.
    if request is None or getattr(request, "axes_failures_since_start", None) is None:
        return
    lock = lock_of(request, getattr(request, "axes_credentials", None))
    record(
        "lockout",
        request=request,
        username=(username or "")[:150],
        outcome="locked",
        locked=list(lock.by) if lock else [],
        until=lock.until.isoformat() if lock else None,
        failures=request.axes_failures_since_start,
    )


class LockoutHandler(AxesDatabaseHandler):
    """axes' own handler (AXES_HANDLER), which also logs each lock it lifts: from the admin, or from
    `manage.py axes_reset_username`, `axes_reset_ip`, `axes_reset_ip_username` or `axes_reset`."""

    def reset_attempts(self, *, ip_address=None, username=None, ip_or_username=False) -> int:
        removed = super().reset_attempts(ip_address=ip_address, username=username, ip_or_username=ip_or_username)
        if removed:
            what = [f"account {username}" if username else "", f"address {ip_address}" if ip_address else ""]
            joined = (" or " if ip_or_username else " from ").join(part for part in what if part)
            record(
                "unlock",
                obj=joined or "every account and address",
                failed_sign_ins_removed=removed,
                **({} if current_request.get() is not None else {"via": "manage.py"}),
            )
        return removed
