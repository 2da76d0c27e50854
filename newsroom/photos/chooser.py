"""What the story editor's photo chooser reads and sends: library rows and the upload form, as JSON.

The views are the photo admin's (admin.py); this module says what a photo and a round of the
upload form look like to the editor's script.
"""

from django import forms
from django.urls import reverse
from django.utils.html import strip_tags

from newsroom.core.admin_widgets import DayInput
from newsroom.photos.models import PhotoAsset

PER_PAGE = 24
# The upload form's fields the editor types into; the file and its kept copy travel on their own.
_NOT_TYPED = {"original", "pending_upload", "preview"}


def photo_item(photo: PhotoAsset, *, change_url: bool = False) -> dict:
    """A photo as the chooser and the photo block show it. Without an image file there is no
    thumbnail: the editor shows the alt text in its place, never a broken picture."""
    thumb = photo.renditions.get("thumb.jpg") if photo.has_image and not photo.copies_status else None
    return {
        "id": photo.pk,
        "virin": photo.virin,
        "title": photo.title,
        "caption": photo.caption,
        "alt_text": photo.alt_text,
        "photographer": photo.photographer,
        "credit": photo.credit,
        "thumbnail": (
            {"url": photo.public_url("thumb.jpg"), "width": thumb["width"], "height": thumb["height"]}
            if thumb
            else None
        ),
        # "Copies being made" while the worker makes them (in place of the picture).
        "copies_status": photo.copies_status,
        # What publishing a story with this photo asks of it (stories' publication checks).
        "ready": bool(photo.alt_text) and photo.is_credited and not photo.copies_status,
        "change_url": reverse("admin:photos_photoasset_change", args=[photo.pk]) if change_url else "",
    }


def chooser_page(photos, *, page: int, change_url: bool) -> dict:
    """One page of photos, newest first. One row more than a page says whether another follows,
    so a library of millions is never counted."""
    start = (page - 1) * PER_PAGE
    rows = list(photos[start : start + PER_PAGE + 1])
    return {
        "photos": [photo_item(photo, change_url=change_url) for photo in rows[:PER_PAGE]],
        "page": page,
        "has_previous": page > 1,
        "has_next": len(rows) > PER_PAGE,
    }


def _field_kind(widget) -> str:
    if isinstance(widget, forms.Textarea):
        return "textarea"
    return "date" if isinstance(widget, DayInput) else "text"


def upload_round(form) -> dict:
    """The upload form after a round: each field with its label, help, value and errors (the
    values read from the file among them), what to check, and the kept upload's token and preview."""
    fields = []
    for name, field in form.fields.items():
        if name in _NOT_TYPED:
            continue
        bound = form[name]
        fields.append(
            {
                "name": name,
                "label": str(bound.label),
                # The field's own help: the form adds where a value came from, sent on its own.
                "help": strip_tags(str(form.base_fields[name].help_text)),
                "kind": _field_kind(field.widget),
                "required": field.required,
                "value": field.widget.format_value(bound.value()) or "",
                "filled_from_file": form.filled_from_file.get(name, ""),
                "errors": [strip_tags(error) for error in bound.errors],
            }
        )
    review = form.only_asks_for_review
    return {
        "saved": False,
        "fields": fields,
        "file_errors": [strip_tags(error) for error in form.errors.get("original", [])],
        "notes": [strip_tags(note) for note in form.review_notes] if review else [],
        "errors": [] if review else [strip_tags(error) for error in form.non_field_errors()],
        "pending_upload": form.data.get("pending_upload", ""),
        "preview": form.fields["preview"].widget.image,
    }
