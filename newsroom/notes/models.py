"""Notes between writer and editor on a story: threads of a note and its replies.

Notes are not story content: they are never shown to readers, never in feeds, search or sitemaps,
in a site bundle only when the operator moves the newsroom with its staff (export_newsroom
--with-staff-accounts), and writing one does not change the story's version. They stay with the story for good
(no one deletes a note; a thread is resolved, and may be reopened), and adding, resolving or
reopening one is written to the story's History page.
"""

from django.conf import settings
from django.db import models

from newsroom.stories.models import Story

NOTE_LENGTH = 4000


class Note(models.Model):
    story = models.ForeignKey(Story, on_delete=models.CASCADE, related_name="notes")
    # A reply belongs to a thread: its first note (a reply to a reply joins the same thread).
    reply_to = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.CASCADE, related_name="replies", editable=False
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+", editable=False
    )
    text = models.TextField(max_length=NOTE_LENGTH)
    # The block of the body the thread is about, as it read when the note was written: its
    # position then (1 is the first block) and what it was ("the paragraph starting “The levee
    # held…”"). Later edits may move or change the block; the note still says which one it meant.
    block = models.PositiveIntegerField("block of the body", null=True, blank=True, editable=False)
    block_label = models.CharField(max_length=200, blank=True, editable=False)
    created_at = models.DateTimeField("written", auto_now_add=True)
    resolved_at = models.DateTimeField("resolved", null=True, blank=True, editable=False)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", editable=False
    )

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["story", "reply_to", "created_at"], name="note_thread_idx")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(reply_to__isnull=True) | models.Q(resolved_at__isnull=True),
                name="note_only_threads_resolve",
            ),
        ]

    def __str__(self):
        return f"Note by {self.author or 'a former user'} on “{self.story}”"

    @property
    def is_resolved(self):
        return self.resolved_at is not None

    @property
    def anchor(self):
        """ "On the paragraph starting “The levee held…”", or "" for a note on the whole story."""
        return f"On {self.block_label}" if self.block else ""
