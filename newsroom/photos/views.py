from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.cache import never_cache

from newsroom.photos.models import PhotoAsset
from newsroom.photos.virin import VirinError, parse_virin
from newsroom.stories.models import Story


def photo_detail(request, virin):
    """A photo readers have met in a published story.

    Photos no published story uses may be embargoed, so readers get 404; staff see the page
    as a preview, marked as such and never cached.
    """
    if virin != virin.strip().upper():
        return redirect("photos:detail", virin.strip().upper(), permanent=True)
    photo = get_object_or_404(PhotoAsset, virin=virin)
    stories = Story.objects.published().filter(placements__photo=photo).order_by("-published_at")
    if not stories.exists():
        if not request.user.is_staff:
            raise Http404("No published story uses this photo.")
        return never_cache(_render)(request, photo, stories, preview=True)
    return _render(request, photo, stories)


def _render(request, photo, stories, preview=False):
    try:
        explained = parse_virin(photo.virin, lenient=True).explain()
    except VirinError:
        explained = []
    context = {"photo": photo, "stories": stories, "explained": explained, "preview": preview}
    return render(request, "photos/photo_detail.html", context)
