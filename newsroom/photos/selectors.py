"""What the editor's home shows of the photo library: photos an editor still has to fix."""

from newsroom.photos.models import PhotoAsset

# The home page counts this far and no further: it must not read a library of millions on
# every visit. Both lists have a partial index, so a count this size costs next to nothing.
COUNTED_UP_TO = 1000


def capped_count(photos) -> int:
    """How many photos, counting to COUNTED_UP_TO + 1 at most."""
    return photos.order_by()[: COUNTED_UP_TO + 1].count()


def photos_label(count: int) -> str:
    """ "1 photo", "12 photos", "more than 1,000 photos"."""
    if count > COUNTED_UP_TO:
        return f"more than {COUNTED_UP_TO:,} photos"
    return f"{count:,} photo{'' if count == 1 else 's'}"


def photos_needing_attention(user, *, shown: int) -> dict:
    """For the editor's home: photos without alt text (a count) and without an image file (the
    newest `shown`, and a count). Empty for someone who cannot see the library."""
    if not user.has_perm("photos.view_photoasset"):
        return {}
    without_alt_text = capped_count(PhotoAsset.objects.without_alt_text())
    without_image = PhotoAsset.objects.without_image().only("pk", "virin", "title", "created_at")
    without_image_count = capped_count(without_image)
    return {
        "photos_shown": True,
        "photos_without_alt_text": without_alt_text,
        "photos_without_alt_text_label": photos_label(without_alt_text),
        "photos_without_image": without_image.order_by("-created_at", "-id")[:shown],
        "photos_without_image_count": without_image_count,
        "photos_without_image_label": photos_label(without_image_count),
        "photos_without_image_more": without_image_count > shown,
    }
