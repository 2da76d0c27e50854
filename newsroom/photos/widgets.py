"""The photo shown beside its alt text on the photo form."""

from django import forms
from django.utils.html import format_html

PREVIEW_ID = "photo-preview"
# What an upload may be; the browser's file chooser offers these first.
ACCEPTED_TYPES = "image/jpeg,image/png,image/webp,image/tiff"


class PhotoFileInput(forms.FileInput):
    """A plain file input: the private original has no URL to show as "Currently", and
    static/js/admin-photo-form.js shows the chosen file in the preview before it is sent."""

    def __init__(self, attrs=None):
        super().__init__({"accept": ACCEPTED_TYPES, "data-preview": PREVIEW_ID, **(attrs or {})})


class PhotoPreview(forms.Widget):
    """Shows the photo and submits nothing. The form sets `image` (src, width, height), `note`
    (what the picture is, or why there is none) before the page is drawn."""

    class Media:
        js = ["js/admin-photo-form.js"]

    def __init__(self, attrs=None):
        super().__init__(attrs)
        self.image = None
        self.note = ""

    def id_for_label(self, id_):
        return None  # a picture, not a control: its label names it without pointing at it

    def value_from_datadict(self, data, files, name):
        return None

    def render(self, name, value, attrs=None, renderer=None):
        # alt="": the alt text field right beside it says what is in the picture. With nothing to
        # show yet, the script adds the picture once a file is chosen.
        img = (
            format_html(
                '<img src="{}" alt="" width="{}" height="{}">',
                self.image["src"],
                self.image["width"],
                self.image["height"],
            )
            if self.image
            else ""
        )
        return format_html(
            '<figure class="photo-preview" id="{}">{}<figcaption>{}</figcaption></figure>', PREVIEW_ID, img, self.note
        )
