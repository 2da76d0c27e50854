"""The story form's JSON endpoints for autosave and presence: staff only (admin_view, with its
CSRF check), and only for stories the user may change, as the story admin decides."""

from django.contrib import admin
from django.core.exceptions import ValidationError
from django.http import JsonResponse
from django.views.decorators.http import require_GET, require_POST

from newsroom.core.apstyle import ap_time
from newsroom.editing import services
from newsroom.stories.models import Story


def _refused(message: str, status: int) -> JsonResponse:
    return JsonResponse({"error": message}, status=status)


def _story_or_refusal(request, story_id):
    """The story the user may change, or the answer to give instead. None for a new story."""
    story_admin = admin.site.get_model_admin(Story)
    if story_id is None:
        return (
            (None, None)
            if story_admin.has_add_permission(request)
            else (None, _refused("You may not add stories.", 403))
        )
    story = Story.objects.filter(pk=story_id).first()
    if story is None:
        return None, _refused(f"No story with ID {story_id}.", 404)
    if not story_admin.has_change_permission(request, story):
        return None, _refused(f"You may not change “{story.headline}”.", 403)
    return story, None


def _copy_said(copy) -> dict | None:
    if copy is None:
        return None
    return {
        "savedAt": ap_time(copy.saved_at),
        "basedOnVersion": copy.based_on_version,
        "fields": {name: getattr(copy, name) for name in services.TYPED_FIELDS},
    }


@require_GET
def working_copy(request, story_id=None):
    story, refusal = _story_or_refusal(request, story_id)
    if refusal:
        return refusal
    copy = services.working_copy_of(user=request.user, story=story)
    return JsonResponse({"workingCopy": _copy_said(copy), "storyVersion": story.version if story else None})


@require_POST
def autosave(request, story_id=None):
    story, refusal = _story_or_refusal(request, story_id)
    if refusal:
        return refusal
    version = request.POST.get("started_from_version", "")
    if version and not version.isdigit():
        return _refused(f"started_from_version must be a version number, not “{version[:20]}”.", 400)
    try:
        fields = services.typed_fields(request.POST)
    except ValidationError as error:
        return _refused(error.messages[0], 400)
    copy = services.working_copy_save(
        user=request.user, story=story, fields=fields, based_on_version=int(version) if version else None
    )
    return JsonResponse({"savedAt": ap_time(copy.saved_at)})


@require_POST
def discard(request, story_id=None):
    story, refusal = _story_or_refusal(request, story_id)
    if refusal:
        return refusal
    services.working_copy_discard(user=request.user, story=story)
    return JsonResponse({"discarded": True})


@require_POST
def heartbeat(request, story_id):
    story, refusal = _story_or_refusal(request, story_id)
    if refusal:
        return refusal
    said = services.presence_heartbeat(user=request.user, story=story)
    return JsonResponse({**said, "mayTakeOver": request.user.has_perm("stories.publish_story")})


@require_POST
def leave(request, story_id):
    story, refusal = _story_or_refusal(request, story_id)
    if refusal:
        return refusal
    services.presence_leave(user=request.user, story=story)
    return JsonResponse({"left": True})


@require_POST
def take_over(request, story_id):
    story, refusal = _story_or_refusal(request, story_id)
    if refusal:
        return refusal
    if not request.user.has_perm("stories.publish_story"):
        return _refused("Only editors can take over a story someone else is editing.", 403)
    names = services.presence_take_over(user=request.user, story=story)
    return JsonResponse({"tookOverFrom": names})
