"""What people have open in the story form: their private working copies and who is editing what.

Neither is ever public or part of a story: a working copy is a user's own unsaved text, and saving
the story (through the story services) is the only way it reaches the story.
"""

from django.conf import settings
from django.db import models

from newsroom.stories.models import Story


class WorkingCopy(models.Model):
    """What one user typed into one story's form and has not saved yet, kept by autosave.

    A story not saved yet (the add page) has no story: each user has one such copy at most.
    """

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="working_copies")
    story = models.ForeignKey(Story, on_delete=models.CASCADE, null=True, blank=True, related_name="working_copies")
    # The story's version the form was opened at: restoring over a later one replaces its changes.
    based_on_version = models.PositiveIntegerField(null=True, blank=True)
    headline = models.CharField(max_length=200, blank=True)
    slug = models.CharField(max_length=200, blank=True)
    summary = models.TextField(max_length=600, blank=True)
    byline = models.CharField(max_length=200, blank=True)
    body = models.TextField(blank=True)
    saved_at = models.DateTimeField(db_index=True)

    class Meta:
        verbose_name_plural = "working copies"
        constraints = [
            models.UniqueConstraint(
                "user", "story", condition=models.Q(story__isnull=False), name="working_copy_once_per_story"
            ),
            models.UniqueConstraint("user", condition=models.Q(story__isnull=True), name="working_copy_once_new"),
        ]

    def __str__(self):
        return f"{self.user}’s working copy of {self.story or 'a new story'}"


class Presence(models.Model):
    """Someone with a story's form open, kept alive by their page's heartbeat."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    story = models.ForeignKey(Story, on_delete=models.CASCADE, related_name="+")
    since = models.DateTimeField()
    seen_at = models.DateTimeField(db_index=True)
    # An Editor who took the story over; the person is told at their next heartbeat.
    taken_over_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    taken_over_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint("user", "story", name="presence_once_per_story")]

    def __str__(self):
        return f"{self.user} editing {self.story}"
