"""The accessibility statement readers read at /accessibility/, and what readers tell the newsroom.

OMB M-24-08 asks every agency site for a statement (the standard it meets, its known limitations,
the Section 508 contact, the date it was reviewed) and a way for the public to report a problem.
The statement is one row the Site administrators keep current; until they save one, readers get
the starter statement (`AccessibilityStatement.starter()`). Readers' messages and their yes/no
answers to "Was this page helpful?" are for editors only: never on a public page, feed, sitemap
or in search.
"""

from django.conf import settings
from django.db import models

# The statement is one row, always this one.
STATEMENT_ID = 1
MESSAGE_MAX_CHARS = 2000


class Standard(models.TextChoices):
    WCAG_22_AA = "wcag-2.2-aa", "WCAG 2.2 Level AA"
    WCAG_21_AA = "wcag-2.1-aa", "WCAG 2.1 Level AA"
    WCAG_20_AA = "wcag-2.0-aa", "WCAG 2.0 Level AA (the Revised Section 508 Standards)"


class Conformance(models.TextChoices):
    # The W3C's words for how far a site meets a standard.
    FULL = "full", "fully conforms"
    PARTIAL = "partial", "partially conforms"
    NONE = "none", "does not conform"


class AccessibilityStatement(models.Model):
    standard = models.CharField(
        "standard applied",
        max_length=20,
        choices=Standard,
        default=Standard.WCAG_22_AA,
        help_text="The standard the site is built and checked against. OMB M-23-22 asks for WCAG 2.2 Level AA.",
    )
    conformance = models.CharField(
        max_length=10,
        choices=Conformance,
        default=Conformance.PARTIAL,
        help_text="“Partially conforms” while any known limitation below is open.",
    )
    commitment = models.TextField(
        "our commitment",
        blank=True,
        help_text="Optional: a paragraph in the agency's words, for example “We want everyone who visits "
        "this site to find the news and photos they need, whatever device or assistive technology they use.”",
    )
    contact_name = models.CharField(
        "Section 508 contact",
        max_length=200,
        help_text="The office or person who answers, for example “Section 508 Program Manager, Office of Public Affairs”.",
    )
    contact_email = models.EmailField("contact's email address", help_text="For example section508@example.gov.")
    contact_phone = models.CharField(
        "contact's phone number",
        max_length=40,
        blank=True,
        help_text="Optional, as the agency gives it, for example “703-555-0100 (TTY 711)”.",
    )
    reply_days = models.PositiveSmallIntegerField(
        "replies within (business days)",
        null=True,
        blank=True,
        help_text="Optional: how many business days a reader may wait for a reply, for example 5.",
    )
    reviewed_on = models.DateField(
        "date reviewed",
        null=True,
        blank=False,  # the starter statement has none; whoever saves the statement gives one
        help_text="When the statement was last checked against the site. Editors are reminded after a year.",
    )
    updated_at = models.DateTimeField("last changed", auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
        verbose_name="last changed by",
    )

    class Meta:
        verbose_name = "accessibility statement"
        verbose_name_plural = "accessibility statement"
        constraints = [
            models.CheckConstraint(condition=models.Q(pk=STATEMENT_ID), name="accessibility_statement_one_row"),
            models.CheckConstraint(condition=models.Q(standard__in=Standard.values), name="statement_standard_valid"),
            models.CheckConstraint(
                condition=models.Q(conformance__in=Conformance.values), name="statement_conformance_valid"
            ),
        ]

    def __str__(self):
        return "Accessibility statement"

    @classmethod
    def starter(cls) -> "AccessibilityStatement":
        """What readers see before a Site administrator has saved the statement (not saved itself)."""
        return cls(
            pk=None,
            contact_name="Section 508 Program Manager",
            contact_email="section508@example.gov",
            reply_days=5,
        )


class KnownLimitation(models.Model):
    statement = models.ForeignKey(AccessibilityStatement, on_delete=models.CASCADE, related_name="limitations")
    description = models.TextField(
        "limitation",
        help_text="What does not work yet and for whom, for example “Videos published before 2021 have no captions.”",
    )
    workaround = models.TextField(
        blank=True,
        help_text="Optional: what readers can do meanwhile, for example “Ask us for a transcript.”",
    )
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["order", "id"]
        verbose_name = "known limitation"

    def __str__(self):
        return self.description[:80]


class Status(models.TextChoices):
    NEW = "new", "New"
    HANDLED = "handled", "Handled"


class FeedbackMessage(models.Model):
    """A reader's report of a problem. No name, no phone, no client address: only what they typed."""

    page = models.CharField(
        "page",
        max_length=500,
        blank=True,
        help_text="The page the reader was on, as they gave it or as the form filled it in.",
    )
    problem = models.TextField("what went wrong", max_length=MESSAGE_MAX_CHARS)
    reply_to = models.EmailField(
        "reply address", blank=True, help_text="Given by the reader only if they want a reply. Never shown to readers."
    )
    received_at = models.DateTimeField("received", auto_now_add=True)
    status = models.CharField(max_length=10, choices=Status, default=Status.NEW)
    handled_at = models.DateTimeField("handled", null=True, blank=True, editable=False)
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
        verbose_name="handled by",
    )
    handling_note = models.TextField(
        "what was done",
        blank=True,
        help_text="For the newsroom only, for example “Alt text added to the photo; replied Dec. 8.”",
    )

    class Meta:
        ordering = ["-received_at", "-id"]
        get_latest_by = "received_at"
        verbose_name = "reader's message"
        verbose_name_plural = "readers' messages"
        constraints = [
            models.CheckConstraint(condition=models.Q(status__in=Status.values), name="feedback_status_valid"),
        ]
        indexes = [
            # The admin home's list: the new ones, newest first.
            models.Index(fields=["-received_at"], name="feedback_new_idx", condition=models.Q(status=Status.NEW)),
        ]

    def __str__(self):
        words = " ".join(self.problem.split())
        return words if len(words) <= 60 else words[:59] + "…"


class StoryHelpfulness(models.Model):
    """Readers' answers to "Was this page helpful?" on a story: counts only, nothing about who answered."""

    story = models.OneToOneField(
        "stories.Story", on_delete=models.CASCADE, related_name="helpfulness", primary_key=True
    )
    yes_count = models.PositiveIntegerField("yes", default=0)
    no_count = models.PositiveIntegerField("no", default=0)
    last_answer_at = models.DateTimeField("last answer")

    class Meta:
        ordering = ["-last_answer_at"]
        get_latest_by = "last_answer_at"
        verbose_name = "“Was this page helpful?” answers"
        verbose_name_plural = "“Was this page helpful?” answers"
        indexes = [models.Index(fields=["-last_answer_at"], name="helpfulness_latest_idx")]

    def __str__(self):
        return f"Yes {self.yes_count}, no {self.no_count}"
