"""A photo as readers' pages show it: a responsive <picture>, or a listing's thumbnail."""

from django.template.loader import get_template
from markupsafe import Markup

FIGURE_SIZES = "(min-width: 64em) 48rem, 100vw"


def picture(photo, alt="", sizes=FIGURE_SIZES, eager=False) -> Markup:
    """A responsive figure image: WebP for browsers that take it, JPEG for the rest."""
    fallback_key = "w800.jpg" if "w800.jpg" in photo.renditions else "w480.jpg"
    fallback = photo.renditions.get(fallback_key)
    return _render("photos/picture.html", {
        "photo": photo,
        "alt": alt,
        "sizes": sizes,
        "eager": eager,
        "webp_srcset": photo.srcset("webp"),
        "jpeg_srcset": photo.srcset("jpg"),
        "src": photo.public_url(fallback_key),
        "width": fallback["width"] if fallback else 0,
        "height": fallback["height"] if fallback else 0,
    })


def thumbnail(photo, css_class="") -> Markup:
    """A listing's small photo, WebP or JPEG; decorative, so its alt text is empty."""
    entry = photo.renditions.get("thumb.jpg")
    return _render("photos/thumbnail.html", {
        "photo": photo,
        "css_class": css_class,
        "webp": photo.public_url("thumb.webp"),
        "src": photo.public_url("thumb.jpg"),
        "width": entry["width"] if entry else 0,
        "height": entry["height"] if entry else 0,
    })


def _render(template_name, values) -> Markup:
    return Markup(get_template(template_name).render(values))
