from django import template

register = template.Library()

FIGURE_SIZES = "(min-width: 64em) 48rem, 100vw"


@register.inclusion_tag("photos/picture.html")
def photo_picture(photo, alt="", sizes=FIGURE_SIZES, eager=False):
    """A responsive figure image: WebP for browsers that take it, JPEG for the rest."""
    fallback_key = "w800.jpg" if "w800.jpg" in photo.renditions else "w480.jpg"
    fallback = photo.renditions.get(fallback_key)
    return {
        "photo": photo,
        "alt": alt,
        "sizes": sizes,
        "eager": eager,
        "webp_srcset": photo.srcset("webp"),
        "jpeg_srcset": photo.srcset("jpg"),
        "src": photo.public_url(fallback_key),
        "width": fallback["width"] if fallback else 0,
        "height": fallback["height"] if fallback else 0,
    }


@register.inclusion_tag("photos/thumbnail.html")
def photo_thumbnail(photo, css_class=""):
    entry = photo.renditions.get("thumb.jpg")
    return {
        "photo": photo,
        "css_class": css_class,
        "webp": photo.public_url("thumb.webp"),
        "src": photo.public_url("thumb.jpg"),
        "width": entry["width"] if entry else 0,
        "height": entry["height"] if entry else 0,
    }
