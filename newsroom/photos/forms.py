"""The photo upload form: checks the file, fills blanks from its own record, keeps it between rounds."""

import datetime

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS
from django.core.files import File
from django.urls import reverse
from django.utils.datastructures import MultiValueDict
from django.utils.html import format_html

from newsroom.core.apstyle import ap_date
from newsroom.core.files import DiskFull, file_sha256
from newsroom.photos.metadata import read_photo_metadata
from newsroom.photos.models import Copies, PhotoAsset, originals_storage
from newsroom.photos.pending import keep_upload, pending_name, pending_token
from newsroom.photos.services import (
    PUBLIC_FIELDS,
    inspect_photo_upload,
    metadata_source,
    sources_kept,
    values_from_file,
)
from newsroom.photos.virin import VirinError, normalise_virin, parse_virin
from newsroom.photos.widgets import PhotoFileInput, PhotoPreview

PREVIEW_SIZE = 480  # pixels on the longer side, as the public w480 copy

REPLACE_HELP = (
    "Only to change the picture itself. Choose the new file and save: Newsroom makes new public copies "
    "from it, and once the save is done the old original and its copies are deleted, so every story "
    "using this photo shows the new picture. The record above stays as it is; fields you leave blank "
    "are filled from the new file."
)
UPLOAD_MISSING_HELP = (
    "This photo has no image file yet: choose it and save. Newsroom makes its public copies, and readers "
    "see the picture instead of its alt text. Fields you leave blank are filled from the file."
)
MISSING_IMAGE_NOTE = (
    "This photo has no image file: readers see “Image not available” and its alt text in its place. "
    "Upload the picture under “Replace the image” below."
)


def virin_date_warning(virin: str, date_taken) -> str:
    """A VIRIN's date is the day the photo was shot; a different date taken is worth a second look."""
    try:
        shot = parse_virin(virin, lenient=True).date_shot
    except VirinError:
        return ""
    if date_taken and shot != date_taken:
        return (
            f"VIRIN {virin} says the photo was shot on {ap_date(shot)}, but its date taken is "
            f"{ap_date(date_taken)}. Check which one is right."
        )
    return ""


def _link_to(photo):
    return format_html('<a href="{}">{}</a>', reverse("admin:photos_photoasset_change", args=[photo.pk]), photo)


class PhotoAssetForm(forms.ModelForm):
    pending_upload = forms.CharField(widget=forms.HiddenInput, required=False)
    preview = forms.Field(label="Photo", required=False, disabled=True, widget=PhotoPreview)

    class Meta:
        model = PhotoAsset
        fields = [
            "original",
            "virin",
            "title",
            "caption",
            "alt_text",
            "photographer",
            "credit",
            "date_taken",
            "place",
            "keywords",
        ]
        # Alt text is read whole before it is saved: a line as wide as the form, not a short box.
        widgets = {"original": PhotoFileInput, "alt_text": forms.TextInput(attrs={"class": "vLargeTextField"})}

    # Who is uploading (their kept uploads are theirs), and a full disk that stopped the last save;
    # the admin sets both on the form class it makes for each request (PhotoAssetAdmin.get_form).
    uploader = None
    disk_full: DiskFull | None = None

    def __init__(self, data=None, files=None, *args, uploader=None, **kwargs):
        self.uploader = uploader or self.uploader
        self.filled_from_file = {}  # field -> "IPTC" | "XMP" | "EXIF"
        self.review_notes = []  # what the first round of an upload asks the editor to check
        self.virin_unchanged = False
        self.facts = None
        self.stashed_name = ""
        self._pending = None
        self._metadata = None
        if data is not None:
            data, files = data.copy(), (files.copy() if files else MultiValueDict())
            upload = files.get("original")
            if upload is None and data.get("pending_upload"):
                upload = self._pending_file(data["pending_upload"])
                if upload is not None:
                    files["original"] = upload
            if upload is not None:
                self._metadata = read_photo_metadata(upload)
                self._fill_blanks(data, self._metadata)
        super().__init__(data, files, *args, **kwargs)
        if self.instance.pk and "original" in self.fields:
            # Editing a photo: the file stays unless the editor explicitly chooses another.
            original = self.fields["original"]
            original.label, original.required = "Replace the image", False
            original.help_text = REPLACE_HELP if self.instance.original else UPLOAD_MISSING_HELP
        for field, source in self.filled_from_file.items():
            self.fields[field].help_text = format_html(
                "<strong>Filled in from the file’s {} record.</strong> {}", source, self.fields[field].help_text
            )
        if self.stashed_name:
            self._note_kept_upload()
        self._show_preview()

    def _show_preview(self):
        if "preview" not in self.fields:
            return
        widget = self.fields["preview"].widget
        copy = self.instance.renditions.get("w480.jpg")
        if self.stashed_name and self.facts:
            # The kept upload, through a staff-only view named by the form's own signed token:
            # the original itself has no URL.
            token = self.data["pending_upload"]
            scale = min(1, PREVIEW_SIZE / max(self.facts.width, self.facts.height))
            widget.image = {
                "src": reverse("admin:photos_photoasset_pending_preview", args=[token]),
                "width": max(1, round(self.facts.width * scale)),
                "height": max(1, round(self.facts.height * scale)),
            }
            widget.note = "The file you chose, not saved yet."
        elif self.instance.copies_status:
            # Made by the worker after the save: say so, not a broken picture; the figure once made.
            widget.image = None
            widget.note = (
                f"{self.instance.copies_status}: {self.instance.copies_error}. Replace the image, or save again to try again."
                if self.instance.copies_error and self.instance.copies == Copies.FAILED
                else "Copies being made: the picture appears here in a few seconds (reload the page)."
            )
        elif copy and self.instance.has_image:
            widget.image = {
                "src": self.instance.public_url("w480.jpg"),
                "width": copy["width"],
                "height": copy["height"],
            }
            widget.note = "As readers see it."
        elif self.instance.pk:
            widget.image, widget.note = None, MISSING_IMAGE_NOTE
        else:
            widget.image, widget.note = None, "Choose the photo file above to see it here."

    def _note_kept_upload(self):
        self.fields["original"].help_text = format_html(
            "<strong>Your file is kept: no need to choose it again.</strong> Choose another only to replace it. {}",
            self.fields["original"].help_text,
        )
        self._bound_fields_cache.pop("original", None)  # bound fields copy help text when first made

    def _fill_blanks(self, data, metadata):
        for field, value in values_from_file(metadata).items():
            if field in self._meta.fields and not str(data.get(field, "")).strip():
                data[field] = value.isoformat() if isinstance(value, datetime.date) else value
                self.filled_from_file[field] = metadata_source(metadata, field)

    def _pending_file(self, token):
        name = pending_name(token, self.uploader)
        if not name:
            return None
        self.stashed_name = name
        self._pending = File(originals_storage().open(name, "rb"), name=name)
        return self._pending

    def clean_original(self):
        original = self.cleaned_data["original"]
        if original is None or getattr(original, "_committed", False):
            return original  # no new file: the stored one stays
        self.facts = inspect_photo_upload(original)
        holder = PhotoAsset.objects.filter(file_hash=file_sha256(original)).exclude(pk=self.instance.pk).first()
        if holder:
            raise forms.ValidationError(
                format_html("This file is already in the library: {}.", _link_to(holder)), code="duplicate_file"
            )
        return original

    def clean_virin(self):
        # A saved photo's VIRIN stays as it is while the editor leaves it alone, even an imported
        # legacy one (accepted leniently, with notes): fixing alt text must not mean inventing a VIRIN.
        self.virin_unchanged = bool(self.instance.pk) and self.cleaned_data["virin"] == self.instance.virin
        if self.virin_unchanged:
            return self.instance.virin
        try:
            virin = normalise_virin(self.cleaned_data["virin"])
        except VirinError as error:  # every wrong segment at once, not one per save
            raise forms.ValidationError(
                [forms.ValidationError(message, code="invalid_virin") for message in error.messages]
            ) from None
        holder = PhotoAsset.objects.filter(virin=virin).exclude(pk=self.instance.pk).first()
        if holder:
            raise forms.ValidationError(
                format_html("Another photo already has VIRIN {}: {}.", virin, _link_to(holder)),
                code="duplicate_virin",
            )
        return virin

    def clean(self):
        cleaned = super().clean()
        if self.disk_full:
            raise forms.ValidationError(
                f"{self.disk_full}: the photo was not saved. Free some space and upload it again.", code="disk_full"
            )
        if self._copies_cannot_be_remade():
            self.add_error(
                "original",
                forms.ValidationError(
                    "This photo’s original file is missing from private storage, so its public copies cannot be "
                    "made again with these changes. Choose the file under “Replace the image”, or leave the VIRIN, "
                    "title, caption, photographer and credit as they were.",
                    code="original_missing",
                ),
            )
        if self.filled_from_file and not self.errors:
            # Values read from a file deserve an editor's look before they go public: one more
            # round, which the admin shows as a notice rather than as an error.
            self.review_notes = [
                f"Newsroom filled in {len(self.filled_from_file)} fields from the photo’s own record "
                "(marked below). Check them, add alt text, and save again."
            ]
            warning = virin_date_warning(cleaned.get("virin", ""), cleaned.get("date_taken"))
            self.review_notes += [warning] if warning else []
            raise forms.ValidationError(self.review_notes, code="review_filled_values")
        return cleaned

    def _copies_cannot_be_remade(self) -> bool:
        """Saving would remake the public copies (as photo_save decides) from an original that is
        recorded but gone from storage: say so, rather than fail while saving."""
        original = self.instance.original
        if not self.instance.pk or not original or "original" in self.changed_data:
            return False
        remake = not self.instance.renditions or any(field in self.changed_data for field in PUBLIC_FIELDS)
        return remake and not original.storage.exists(original.name)

    @property
    def only_asks_for_review(self) -> bool:
        """Nothing is wrong: the form only wants the editor to check values it read from the file."""
        return (
            bool(self.review_notes)
            and list(self.errors) == [NON_FIELD_ERRORS]
            and (len(self.errors[NON_FIELD_ERRORS]) == len(self.review_notes))
        )

    def _get_validation_exclusions(self):
        exclude = super()._get_validation_exclusions()
        if self.virin_unchanged:  # the model's check is the strict one, for new VIRINs
            exclude.add("virin")
        return exclude

    def _post_clean(self):
        super()._post_clean()
        if self._metadata is not None:
            # What "Filled from the file" shows on this round is what saving will record.
            self.instance.metadata_sources = sources_kept(self.instance, self._metadata)

    def full_clean(self):
        super().full_clean()
        if self._errors:
            self._only_the_file_error()
            self._keep_upload()
            self._close_pending()
            self._show_preview()

    def _only_the_file_error(self):
        """A refused file has no record to fill the form from: "required" on the fields it was
        expected to fill would only hide the one thing to fix."""
        file_errors = self._errors.get("original")
        if not file_errors or not any(error.code == "upload_refused" for error in file_errors.as_data()):
            return
        for name in [name for name in self._errors if name not in ("original", NON_FIELD_ERRORS)]:
            if all(error.code == "required" for error in self._errors[name].as_data()):
                del self._errors[name]

    def _keep_upload(self):
        """Keep a good upload in private storage so the next round need not choose it again."""
        upload = self.cleaned_data.get("original")
        if upload is None or getattr(upload, "_committed", False) or self.stashed_name:
            if self.stashed_name:
                self.data["pending_upload"] = pending_token(self.stashed_name)
            return
        try:
            self.stashed_name = keep_upload(upload, self.uploader)
        except DiskFull as full:
            self.add_error(
                "original",
                forms.ValidationError(
                    f"{full}, so your file could not be kept for the next round: choose it again once "
                    "some space is freed.",
                    code="not_kept",
                ),
            )
            return
        if self.stashed_name:
            self.data["pending_upload"] = pending_token(self.stashed_name)
            self._note_kept_upload()

    @property
    def warnings(self):
        warning = virin_date_warning(self.instance.virin, self.instance.date_taken)
        return [warning] if warning else []

    def discard_pending(self):
        """Once the photo is saved, the kept upload has done its job."""
        self._close_pending()
        if self.stashed_name:
            originals_storage().delete(self.stashed_name)

    def _close_pending(self):
        if self._pending is not None:
            self._pending.close()
