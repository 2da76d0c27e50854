"""Which public copies a photo's <picture> shows; templates/readers/photos/picture.html writes it."""

# The fallback <img>: 800 pixels wide, or 480 for a photo too small to have an 800 copy.
FALLBACK_KEYS = ("w800.jpg", "w480.jpg")


def fallback_copy(photo) -> tuple[str, dict]:
    """The fallback JPEG's address and its rendition entry (`width`, `height`); ("", {}) if none."""
    for key in FALLBACK_KEYS:
        if key in photo.renditions:
            return photo.public_url(key), photo.renditions[key]
    return "", {}
