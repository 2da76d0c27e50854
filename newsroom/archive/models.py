from django.db import models

from newsroom.core.addresses import address
from newsroom.core.visible import VisibleSlugField, VisibleText


class Collection(models.Model):
    """A historical collection: stories that stay online but are no longer current news."""

    name = models.CharField(
        max_length=150,
        unique=True,
        validators=[VisibleText("name")],
        help_text="For example “2017-2021 Administration”.",
    )
    slug = VisibleSlugField(max_length=150, unique=True, help_text="Used in the archive's web address.")
    notice = models.TextField(
        help_text="Shown at the top of every story in the collection, for example “You have "
        "accessed part of a historical collection on defense.gov. Some of the information "
        "contained within may be outdated and links may not function. Please contact the "
        "DOD Webmaster with any questions.”"
    )
    description = models.TextField(blank=True, help_text="Optional; introduces the collection in the archive.")
    published_before = models.DateField(
        "rule: published before",
        null=True,
        blank=True,
        help_text="Optional rule: stories published before this date belong here.",
    )
    published_after = models.DateField(
        "rule: published on or after",
        null=True,
        blank=True,
        help_text="Optional rule, with the date above: stories published on or after this date.",
    )
    created_at = models.DateTimeField("created", auto_now_add=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(published_before__isnull=True)
                | models.Q(published_after__isnull=True)
                | models.Q(published_after__lt=models.F("published_before")),
                name="collection_rule_dates_in_order",
                violation_error_message="The rule's start date must come before its end date.",
            ),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return address("archive:collection", self.slug)
