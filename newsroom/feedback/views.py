"""Readers' pages: the accessibility statement, the feedback form, and the story page's yes/no.

The feedback form carries a CSRF token (it sets the csrftoken cookie), so it is never cached. The
yes/no on story pages, which the page cache keeps for everyone, carries no token and sets no
cookie: its endpoint takes no CSRF protection, which is safe because all it does is add one to a
published story's yes or no count, something anyone may do anyway by answering, and it is limited
per client. Messages and counts are never shown to readers.
"""

import logging
from urllib.parse import urlencode, urlsplit

from django.conf import settings
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from newsroom.feedback.forms import PAGE_MAX_CHARS, FeedbackForm
from newsroom.feedback.protection import WINDOW_SECONDS, over_limit, served_token
from newsroom.feedback.selectors import current_statement, public_story
from newsroom.feedback.services import message_receive, story_answer_helpful

logger = logging.getLogger(__name__)


@require_safe
def statement(request):
    statement, limitations = current_statement()
    return render(request, "feedback/statement.html", {"statement": statement, "limitations": limitations})


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def feedback(request):
    if request.method != "POST":
        form = FeedbackForm(initial={"page": _page_reported(request)})
        return _form_page(request, form)
    if over_limit(request, what="feedback", per_hour=settings.FEEDBACK_MESSAGES_PER_HOUR):
        return _too_many(request, settings.FEEDBACK_MESSAGES_PER_HOUR, "messages")
    form = FeedbackForm(request.POST)
    if form.is_spam:
        # Said to be received, so the program learns nothing; nothing is kept.
        logger.info("Feedback refused: the honeypot field was filled in")
        return redirect("feedback:thanks")
    if not form.is_valid():
        return _form_page(request, form)
    data = form.cleaned_data
    message_receive(page=data["page"], problem=data["problem"], reply_to=data["reply_to"])
    # POST/redirect/GET: reloading the thank-you page sends nothing twice.
    return redirect(reverse("feedback:thanks") + ("?reply=1" if data["reply_to"] else ""))


def _form_page(request, form):
    statement, _ = current_statement()
    # A fresh signed time on each showing, so a refused form can be sent again as it is.
    if form.is_bound:
        form.data = form.data.copy()
        form.data["served"] = served_token()
    else:
        form.initial["served"] = served_token()
    errors = [(form[name], error) for name, errors in form.errors.items() if name != "__all__" for error in errors]
    context = {
        "form": form,
        "field_errors": errors,
        "form_errors": form.non_field_errors(),
        "statement": statement,
    }
    return render(request, "feedback/feedback_form.html", context)


def _page_reported(request) -> str:
    """The page a reader came from, on this site only: `?page=` (the story page's "No" leads here
    with it), else the Referer. An address elsewhere, or the statement and form themselves, is left out."""
    host = request.get_host()
    for candidate in (request.GET.get("page", ""), request.META.get("HTTP_REFERER", "")):
        if not candidate or len(candidate) > PAGE_MAX_CHARS or candidate.startswith("//"):
            continue
        if not url_has_allowed_host_and_scheme(candidate, allowed_hosts={host}, require_https=request.is_secure()):
            continue
        parts = urlsplit(candidate)
        if parts.netloc and parts.netloc != host or not parts.path.startswith("/"):
            continue
        if parts.path.startswith(reverse("feedback:statement")):
            continue
        return request.build_absolute_uri(parts.path + (f"?{parts.query}" if parts.query else ""))
    return ""


@never_cache
@require_safe
def thanks(request):
    statement, _ = current_statement()
    context = {"statement": statement, "gave_address": request.GET.get("reply") == "1"}
    return render(request, "feedback/feedback_thanks.html", context)


@csrf_exempt
@require_POST
def helpful(request):
    if over_limit(request, what="helpful", per_hour=settings.HELPFUL_ANSWERS_PER_HOUR):
        return _too_many(request, settings.HELPFUL_ANSWERS_PER_HOUR, "answers")
    answer = request.POST.get("answer")
    if answer not in ("yes", "no"):
        return HttpResponse("Bad Request: answer “yes” or “no”.", status=400, content_type="text/plain; charset=utf-8")
    story = public_story(request.POST.get("story"))
    if story is None:
        raise Http404("No published story has that number.")
    story_answer_helpful(story_id=story.pk, helpful=answer == "yes")
    return redirect(reverse("feedback:helpful-thanks") + "?" + urlencode({"story": story.pk, "answer": answer}))


@never_cache
@require_safe
def helpful_thanks(request):
    story = public_story(request.GET.get("story"))
    said_no = request.GET.get("answer") == "no"
    report = reverse("feedback:feedback")
    if story is not None:
        report += "?" + urlencode({"page": story.get_absolute_url()})
    return render(request, "feedback/helpful_thanks.html", {"story": story, "said_no": said_no, "report": report})


def _too_many(request, per_hour: int, what: str):
    response = render(request, "feedback/too_many.html", {"per_hour": per_hour, "what": what}, status=429)
    response["Retry-After"] = str(WINDOW_SECONDS)
    response["Cache-Control"] = "no-store"
    return response
