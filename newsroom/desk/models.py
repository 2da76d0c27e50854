"""Notifications: who is told what about a story's workflow, in their inbox and by e-mail.

One row per person per workflow step. It is written when the step commits (signal_handlers.py) and
is the inbox entry and the e-mail's outbox at once: the task worker sends the mail (tasks.py), and a
send that failed stays unsent, with its error, until a later try sends it.
"""

from django.conf import settings
from django.db import models


class Kind(models.TextChoices):
    """What a person can be told; each can be turned off on their notification settings page."""

    SUBMITTED = "submitted", "A story is submitted for review (to editors)"
    RETURNED = "returned", "Your story is returned to draft, with the reason"
    PUBLISHED = "published", "Your story is published"
    SCHEDULED = "scheduled", "Your story is scheduled"
    WITHDRAWN = "withdrawn", "Your story is withdrawn, with the reason"
    RETRACTED = "retracted", "Your story is retracted, with the reason"


class Notification(models.Model):
    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=20, choices=Kind)
    story = models.ForeignKey("stories.Story", on_delete=models.CASCADE, related_name="+")
    # The story's revision that recorded the step: the same step is never told twice.
    revision_number = models.PositiveIntegerField()
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    headline = models.CharField(max_length=200, help_text="The story's headline when the step was taken.")
    reason = models.TextField(blank=True)
    # When a scheduled story goes out, as it was scheduled.
    scheduled_for = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField("when", auto_now_add=True)
    read_at = models.DateTimeField(null=True, blank=True)
    # The e-mail: to this address (empty: the person has none, so the inbox only), sent when sent_at is set.
    email_to = models.CharField(max_length=254, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.TextField(blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                "recipient", "story", "revision_number", name="notification_once_per_step_and_person"
            ),
            models.CheckConstraint(condition=models.Q(kind__in=Kind.values), name="notification_kind_valid"),
        ]
        indexes = [
            models.Index(fields=["recipient", "-created_at"], name="notification_inbox_idx"),
            # The outbox: unsent mail, a handful of rows however many are sent.
            models.Index(
                fields=["id"],
                name="notification_unsent_idx",
                condition=models.Q(sent_at__isnull=True) & ~models.Q(email_to=""),
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()}: {self.headline}"


class TurnedOff(models.Model):
    """A kind of notification a person has turned off: no inbox entry and no e-mail."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=20, choices=Kind)

    class Meta:
        verbose_name = "notification turned off"
        verbose_name_plural = "notifications turned off"
        constraints = [models.UniqueConstraint("user", "kind", name="turned_off_once_per_kind")]

    def __str__(self):
        return f"{self.get_kind_display()}: off"
