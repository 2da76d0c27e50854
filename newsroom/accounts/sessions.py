"""Staff sessions end after SESSION_IDLE_MINUTES without activity and SESSION_MAX_HOURS in all
(and when the browser closes: SESSION_EXPIRE_AT_BROWSER_CLOSE).

Activity is a request the person made: a page, a form sent, a search typed, autosave of typed text.
A page's own background requests are not (the story form's heartbeat, its leaving beacon, its
look for a working copy): their views are marked `@not_activity`, so a story form left open in an
idle tab does not keep its session alive. The time of the last activity is written to the session
at most once a minute, so a busy page does not rewrite its session row on every request.

A session that ran out ends at the person's next request: they are signed out (the security log
says why) and the login page tells them why. A page asking for JSON (the story form's autosave)
gets a 401 with the same words instead of the login page, so the page can say so and keep what
was typed.
"""

from urllib.parse import urlsplit

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver
from django.http import JsonResponse
from django.shortcuts import resolve_url
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from newsroom.core.apstyle import counted

SIGNED_IN_AT = "newsroom_signed_in_at"
ACTIVE_AT = "newsroom_active_at"
# Kept in the signed-out session: the page's requests after the one that ended it say why too.
ENDED = "newsroom_session_ended"
# The last activity is written again once it is this old: idle time is measured to the minute.
ACTIVITY_RESOLUTION_SECONDS = 60


def not_activity(view):
    """Marks a view that a page calls on its own (a heartbeat): it does not keep a session alive."""
    view.session_activity = False
    return view


def signed_in_at(request) -> float | None:
    """When this session was signed in (a POSIX time): a new sign-in is a new value."""
    return request.session.get(SIGNED_IN_AT) if hasattr(request, "session") else None


@receiver(user_logged_in, dispatch_uid="session-limits-sign-in")
def start_session_clock(sender, request, user, **kwargs):
    if request is not None and hasattr(request, "session"):
        now = timezone.now().timestamp()
        request.session[SIGNED_IN_AT] = now
        request.session[ACTIVE_AT] = now
        request.session.pop(ENDED, None)


def why_signed_out(reason: str | None) -> str:
    if reason == "idle":
        return (
            f"You were signed out after {counted(settings.SESSION_IDLE_MINUTES, 'minute', 'minutes')} without activity."
        )
    if reason == "limit":
        return f"You were signed out: a session lasts at most {counted(settings.SESSION_MAX_HOURS, 'hour', 'hours')}."
    return "You are signed out."


def _login_paths() -> set[str]:
    paths = {urlsplit(resolve_url(settings.LOGIN_URL)).path}
    try:
        paths.add(reverse("admin:login"))
    except NoReverseMatch:
        pass
    return paths


def _wants_json(request) -> bool:
    return "application/json" in request.headers.get("Accept", "")


def _sent_to_login(response) -> bool:
    return response.status_code in (301, 302, 303) and urlsplit(response.get("Location", "")).path in _login_paths()


class SessionLimitsMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        # Without a session cookie there is no session to end or keep, and none is read.
        has_session = settings.SESSION_COOKIE_NAME in request.COOKIES
        ended = self.end_if_over(request) if has_session else None
        response = self.get_response(request)
        if _wants_json(request) and _sent_to_login(response):
            return self.json_refusal(request, ended)
        if has_session and ended is None and request.user.is_authenticated and self.is_activity(request):
            now = timezone.now().timestamp()
            if now - request.session.get(ACTIVE_AT, 0) >= ACTIVITY_RESOLUTION_SECONDS:
                request.session[ACTIVE_AT] = now
        return response

    def end_if_over(self, request) -> str | None:
        """Signs out a session past either limit, and says why: "idle" or "limit"."""
        if not request.user.is_authenticated:
            return None
        now = timezone.now().timestamp()
        session = request.session
        if SIGNED_IN_AT not in session:  # signed in before these limits: they start now
            session[SIGNED_IN_AT] = session[ACTIVE_AT] = now
            return None
        if now - session[SIGNED_IN_AT] >= settings.SESSION_MAX_HOURS * 3600:
            reason = "limit"
        elif now - session.get(ACTIVE_AT, session[SIGNED_IN_AT]) >= settings.SESSION_IDLE_MINUTES * 60:
            reason = "idle"
        else:
            return None
        request.session_ended = reason  # the security log's logout line says why
        logout(request)
        request.session[ENDED] = reason
        # For the login page the person meets next, whichever request this is.
        messages.warning(request, f"{why_signed_out(reason)} Sign in to go on.", fail_silently=True)
        return reason

    @staticmethod
    def is_activity(request) -> bool:
        match = request.resolver_match
        return match is None or getattr(match.func, "session_activity", True)

    @staticmethod
    def json_refusal(request, ended: str | None) -> JsonResponse:
        """What a page's request for JSON gets instead of the login page."""
        user = request.user
        if user.is_authenticated and not (user.is_active and user.is_staff):  # signed in, but not staff
            return JsonResponse(
                {"error": "Your account may not use the newsroom's admin.", "signedOut": False}, status=403
            )
        if user.is_authenticated:  # staff, with the second factor still to pass
            said = "Finish signing in with your security key to go on."
        else:
            ended = ended or request.session.get(ENDED)
            said = why_signed_out(ended)
        # "why" is null when this request came with a session already gone (a page's two requests
        # crossing the one that ended it): the page's later requests say why, and it updates.
        return JsonResponse(
            {"error": said, "why": ended, "signedOut": True, "login": reverse("admin:login")}, status=401
        )
