from pathlib import PurePath

from django.conf import settings
from django.core.files.storage import default_storage, storages
from django.db import models
from django.db.models.functions import Upper
from django.urls import reverse
from django.utils.http import urlencode

from newsroom.core.addresses import address
from newsroom.core.indexes import PrefixIndex
from newsroom.core.visible import VisibleText
from newsroom.photos.virin import validate_virin


def originals_storage():
    """Originals live outside MEDIA_ROOT: readers only ever get the cleaned public copies."""
    return storages["originals"]


def embargoed_storage():
    """Where the public copies of a photo readers may not see yet are kept: beside the originals,
    with no URL. The web server never sees them; staff get them through a view that checks who asks
    (stories.views.photo_copy)."""
    return storages["originals"]


def copies_storage(public: bool):
    """The storage a photo's copies are in: MEDIA_ROOT (or the public bucket) once readers may see
    the photo, the private one while it is embargoed."""
    return default_storage if public else embargoed_storage()


def original_upload_to(photo, filename):
    """Originals are filed by year and VIRIN, the name a DoD photo already carries."""
    return original_name(photo.virin, PurePath(filename).suffix.lower())


def original_name(virin: str, extension: str) -> str:
    return f"originals/{virin[:2] or 'xx'}/{virin.lower()}{extension}"


class Copies(models.TextChoices):
    """Where the making of a photo's public copies stands (the task worker makes them, tasks.py)."""

    MADE = "made", "Made"
    MAKING = "making", "Being made"
    FAILED = "failed", "Could not be made"


# A photo with nothing to show readers: imported or generated without its file, or whose public
# copies were never made (or could not be). Readers get its alt text in place of the picture. A
# new photo whose copies the worker is making is not among them: it will have its picture in a moment.
WITHOUT_IMAGE = models.Q(original="") | (models.Q(renditions={}) & ~models.Q(copies=Copies.MAKING))
# A photo no story can be published with until an editor describes it.
WITHOUT_ALT_TEXT = models.Q(alt_text="")


class PhotoQuerySet(models.QuerySet):
    def without_image(self):
        return self.filter(WITHOUT_IMAGE)

    def without_alt_text(self):
        return self.filter(WITHOUT_ALT_TEXT)


class PhotoAsset(models.Model):
    """An official photograph: the original file, its record, and the public copies made from it."""

    original = models.FileField(
        "photo file",
        storage=originals_storage,
        upload_to=original_upload_to,
        max_length=255,
        help_text="JPEG, PNG, WebP or TIFF, as received from the photographer. Kept private: "
        "readers get copies without GPS positions or camera serial numbers.",
    )
    width = models.PositiveIntegerField("width in pixels", editable=False, default=0)
    height = models.PositiveIntegerField("height in pixels", editable=False, default=0)
    file_size = models.PositiveBigIntegerField("original's size in bytes", editable=False, default=0)
    file_hash = models.CharField("SHA-256 of the original", max_length=64, editable=False, blank=True, db_index=True)
    # Public copies, by file name ("full", "w800.webp", "thumb.jpg", ...): storage name, width,
    # height and size of each. Pages read this instead of touching files while a reader waits.
    renditions = models.JSONField("public copies", default=dict, blank=True, editable=False)
    # The worker makes the copies after the save (tasks.make_photo_copies); until it has, the photo
    # keeps the copies it had (none for a new file) and no story using it can be published.
    copies = models.CharField(
        "copies", max_length=10, choices=Copies, default=Copies.MADE, db_default=Copies.MADE, editable=False
    )
    copies_error = models.TextField(
        "why the copies could not be made",
        blank=True,
        db_default="",  # rows bulk-written by code that names only the older columns (generate_content)
        editable=False,
        help_text="The last try's error.",
    )
    virin = models.CharField(
        "VIRIN",
        max_length=40,
        validators=[validate_virin],
        help_text="Visual Information Record Identification Number, for example 200922-D-BN624-1166.",
    )
    virin_notes = models.TextField(
        "VIRIN notes",
        blank=True,
        editable=False,
        help_text="Why an imported VIRIN is not in today's form (legacy data).",
    )
    title = models.CharField(
        max_length=120,
        blank=True,
        validators=[VisibleText("title")],
        help_text="A short title shown above the caption, for example “Honor Cordon”.",
    )
    caption = models.TextField(
        validators=[VisibleText("caption")],
        help_text="Who, what, where and when, for example “Army Spc. Luis Ortega signals an "
        "excavator operator …, June 14, 2021.”",
    )
    alt_text = models.CharField(
        "alt text",
        max_length=250,
        blank=True,
        validators=[VisibleText("alt text")],
        help_text="One line describing what is in the picture, for readers who cannot see it, for "
        "example “A soldier in a hard hat signals to an excavator on a grassy levee.” "
        "Required before a story using the photo can be published.",
    )
    photographer = models.CharField(
        max_length=120,
        blank=True,
        validators=[VisibleText("photographer")],
        help_text="Rank and name as credited, for example “Staff Sgt. Maria Delgado”.",
    )
    credit = models.CharField(
        "credit (organization)",
        max_length=120,
        blank=True,
        validators=[VisibleText("credit")],
        help_text="The unit or organization credited, for example “Army” or “DOD”.",
    )
    date_taken = models.DateField("date taken", null=True, blank=True, help_text="The day the photo was shot.")
    place = models.CharField(
        max_length=200, blank=True, help_text="Where it was shot, for example “Baton Rouge, Louisiana, United States”."
    )
    keywords = models.CharField(
        max_length=500, blank=True, help_text="Comma-separated, for example “levee, engineers, flood”."
    )
    metadata_sources = models.JSONField(
        "filled from the file",
        default=dict,
        blank=True,
        editable=False,
        help_text="Which values came from the photo's own IPTC, XMP or EXIF record.",
    )
    # What the original's own Content Credentials record beyond the standard adjustments (a camera's
    # or an editing program's manifest: "c2pa.edited", a generative source ...), read when its copies
    # are made, so that the library can be filtered by it and a story's checks can ask for the
    # caption's disclosure (DoDI 5040.02) without reading the file again.
    original_edits = models.JSONField(
        "edits its credentials record",
        default=list,
        db_default=models.Value([], output_field=models.JSONField()),  # rows written by code that predates it
        blank=True,
        editable=False,
        help_text="Edits the original's Content Credentials record that the caption must disclose.",
    )
    # Embargo. A photo's public copies are written where readers can reach them (MEDIA_ROOT, served
    # by the web server) only once a published story uses it or an Editor releases it; until then
    # they are kept privately and only staff (and a story's reviewer link) see them, through a view.
    copies_public = models.BooleanField(
        "copies public",
        default=False,
        db_default=False,  # rows written by code that predates the column (a server mid-upgrade) are embargoed
        editable=False,
        help_text="Whether the public copies are in the public media folder. False while the photo is "
        "embargoed: no published story uses it and no Editor has released it.",
    )
    released_at = models.DateTimeField(
        "released for public use",
        null=True,
        blank=True,
        editable=False,
        help_text="When an Editor released the photo for public use before any story published it.",
    )
    released_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="released by",
        null=True,
        blank=True,
        editable=False,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="uploaded by",
        null=True,
        blank=True,
        editable=False,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField("uploaded", auto_now_add=True)
    updated_at = models.DateTimeField("updated", auto_now=True)

    objects = PhotoQuerySet.as_manager()

    class Meta:
        verbose_name = "photo"
        permissions = [("release_photoasset", "Can release photos for public use before a story publishes them")]
        ordering = ["-created_at", "-id"]
        get_latest_by = "created_at"
        indexes = [
            # The photo library's changelist, newest first; and its "year taken" filter's range.
            models.Index(fields=["-created_at", "-id"], name="photo_library_idx"),
            models.Index(fields=["date_taken"], name="photo_date_taken_idx"),
            # Searching by the start of a VIRIN ("210614-A-KX193"): LIKE 'prefix%' on this index.
            PrefixIndex(fields=["virin"], name="photo_virin_prefix_idx"),
            # The library's credit filter lists each credit by stepping through this index.
            models.Index(fields=["credit"], name="photo_credit_idx"),
            # What the editor's home counts and the library's filters list, newest first: a few
            # rows among millions, found without reading the others.
            models.Index(fields=["-created_at", "-id"], condition=WITHOUT_ALT_TEXT, name="photo_no_alt_text_idx"),
            models.Index(fields=["-created_at", "-id"], condition=WITHOUT_IMAGE, name="photo_no_image_idx"),
            models.Index(
                fields=["-created_at", "-id"], condition=~models.Q(original_edits=[]), name="photo_edits_shown_idx"
            ),
        ]
        constraints = [
            models.UniqueConstraint(
                "virin",
                name="photo_virin_unique",
                violation_error_message="Another photo already has this VIRIN.",
            ),
            models.CheckConstraint(
                condition=models.Q(virin=Upper("virin")),
                name="photo_virin_upper_case",
                violation_error_message="A VIRIN is stored in upper case.",
            ),
        ]

    def __str__(self):
        return f"{self.virin} · {self.title}" if self.title else self.virin

    def get_absolute_url(self):
        return address("photos:detail", self.virin)

    @property
    def credit_line(self):
        """`Photo By: NAME, ORG`, as DoD pages print it; empty when nobody is credited."""
        names = ", ".join(part for part in (self.photographer, self.credit) if part)
        return f"Photo By: {names}" if names else ""

    @property
    def is_credited(self):
        return bool(self.photographer and self.credit)

    @property
    def has_image(self):
        """Whether there is a picture to show: an original and the public copies made from it."""
        return bool(self.original) and bool(self.renditions)

    @property
    def copies_status(self) -> str:
        """What an editor reads where the picture would be while its copies are not made; "" once they are."""
        if self.copies == Copies.MAKING:
            return "Copies being made"
        if self.copies == Copies.FAILED:
            return "Copies could not be made"
        return ""

    @property
    def keyword_list(self):
        return [word.strip() for word in self.keywords.split(",") if word.strip()]

    # Public copies. Names are storage names (under MEDIA_ROOT once the photo is public); each
    # carries a content hash, so a URL never changes meaning and can be cached for good.

    @property
    def is_embargoed(self):
        return not self.copies_public

    def public_url(self, key):
        entry = self.renditions.get(key)
        return self._copy_url(key, entry["name"]) if entry else ""

    def _copy_url(self, key, name):
        """The web server's address of a public photo's copy; an embargoed one's is the view that
        checks who asks (with the reviewer link's token when a reviewer's preview shows it)."""
        if self.copies_public:
            return default_storage.url(name)
        url = reverse("photos:copy", args=[self.virin, key])
        reviewer_token = getattr(self, "reviewer_token", "")
        return f"{url}?{urlencode({'link': reviewer_token})}" if reviewer_token else url

    @property
    def full_size(self):
        """The full-size public copy: what "Download full size" serves."""
        return self.renditions.get("full")

    @property
    def full_size_url(self):
        return self.public_url("full")

    @property
    def download_name(self):
        """Saved under its VIRIN, the name DoD photos go by."""
        return self.virin + PurePath(self.full_size["name"]).suffix if self.full_size else ""

    def srcset(self, extension):
        """`url 480w, url 800w, ...` for the responsive widths in one format."""
        widths = sorted(
            (entry["width"], key, entry["name"])
            for key, entry in self.renditions.items()
            if key.startswith("w") and key.endswith(f".{extension}")
        )
        return ", ".join(f"{self._copy_url(key, name)} {width}w" for width, key, name in widths)
