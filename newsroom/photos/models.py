from pathlib import PurePath

from django.conf import settings
from django.db import models
from django.db.models.functions import Upper

from newsroom.photos.virin import validate_virin


def photo_upload_to(photo, filename):
    """Originals are filed by year and VIRIN, the name a DoD photo already carries."""
    extension = PurePath(filename).suffix.lower()
    return f"photos/{photo.virin[:2] or 'xx'}/{photo.virin.lower()}{extension}"


class PhotoAsset(models.Model):
    """An official photograph: the image file and the record that travels with it."""

    image = models.ImageField(
        "image file",
        upload_to=photo_upload_to,
        width_field="width",
        height_field="height",
        help_text="JPEG, PNG, WebP or TIFF, as received from the photographer.",
    )
    width = models.PositiveIntegerField("width in pixels", editable=False, default=0)
    height = models.PositiveIntegerField("height in pixels", editable=False, default=0)
    file_size = models.PositiveBigIntegerField("file size in bytes", editable=False, default=0)
    file_hash = models.CharField(
        "SHA-256 of the original", max_length=64, editable=False, blank=True, db_index=True
    )
    virin = models.CharField(
        "VIRIN",
        max_length=40,
        validators=[validate_virin],
        help_text="Visual Information Record Identification Number, for example 200922-D-BN624-1166.",
    )
    title = models.CharField(
        max_length=120, help_text="A short title shown above the caption, for example “Honor Cordon”."
    )
    caption = models.TextField(
        help_text="Who, what, where and when, for example “Army Spc. Luis Ortega signals an "
        "excavator operator …, June 14, 2021.”"
    )
    alt_text = models.CharField(
        "alt text",
        max_length=250,
        blank=True,
        help_text="One line describing what is in the picture, for readers who cannot see it, for "
        "example “A soldier in a hard hat signals to an excavator on a grassy levee.” "
        "Required before a story using the photo can be published.",
    )
    photographer = models.CharField(
        max_length=120,
        blank=True,
        help_text="Rank and name as credited, for example “Staff Sgt. Maria Delgado”.",
    )
    credit = models.CharField(
        "credit (organization)",
        max_length=120,
        blank=True,
        help_text="The unit or organization credited, for example “Army” or “DOD”.",
    )
    date_taken = models.DateField(
        "date taken", null=True, blank=True, help_text="The day the photo was shot."
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

    class Meta:
        verbose_name = "photo"
        ordering = ["-created_at", "-id"]
        get_latest_by = "created_at"
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
        return f"{self.virin} · {self.title}"

    @property
    def credit_line(self):
        """`Photo By: NAME, ORG`, as DoD pages print it; empty when nobody is credited."""
        names = ", ".join(part for part in (self.photographer, self.credit) if part)
        return f"Photo By: {names}" if names else ""

    @property
    def is_credited(self):
        return bool(self.photographer and self.credit)
