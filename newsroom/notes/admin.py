"""Notes in the admin: each story's notes page (linked from the story form), and every note in a list.

The notes page is plain HTML forms, one per thing to do (add a note, reply, resolve, reopen), so it
works without JavaScript and from the keyboard. No one edits or deletes a note: a thread is resolved
and may be reopened, and the story's History page records each of these.
"""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html

from newsroom.core.apstyle import ap_datetime
from newsroom.notes.models import NOTE_LENGTH, Note
from newsroom.notes.selectors import body_blocks, may_read_notes, may_resolve, story_threads
from newsroom.notes.services import note_add, note_reopen, note_resolve
from newsroom.stories.models import Story

WHOLE_STORY = ""


class NoteForm(forms.Form):
    text = forms.CharField(
        label="Note",
        widget=forms.Textarea(attrs={"rows": 4, "cols": 60}),
        max_length=NOTE_LENGTH,
        help_text="Seen only by the newsroom's writers and editors, never by readers.",
    )
    block = forms.TypedChoiceField(
        label="About", required=False, coerce=int, empty_value=None, help_text="A part of the body, or the whole story."
    )

    def __init__(self, *args, blocks=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["block"].choices = [(WHOLE_STORY, "The whole story"), *blocks]


class ReplyForm(forms.Form):
    text = forms.CharField(label="Reply", widget=forms.Textarea(attrs={"rows": 2, "cols": 60}), max_length=NOTE_LENGTH)


class OpenFilter(admin.SimpleListFilter):
    title = "state"
    parameter_name = "state"

    def lookups(self, request, model_admin):
        return [("open", "Open"), ("resolved", "Resolved")]

    def queryset(self, request, queryset):
        if self.value() == "open":
            return queryset.filter(resolved_at__isnull=True)
        if self.value() == "resolved":
            return queryset.filter(resolved_at__isnull=False)
        return queryset


@admin.register(Note)
class NoteAdmin(admin.ModelAdmin):
    """Every thread, newest first, each linked to its story's notes page."""

    list_display = ["thread", "story_notes", "author", "written", "state"]
    list_display_links = None
    list_filter = [OpenFilter]
    list_select_related = ["story", "author"]
    search_fields = ["text", "story__headline"]
    ordering = ["-created_at", "-id"]
    list_per_page = 50
    show_full_result_count = False
    actions = None  # not even "Delete selected"

    def get_queryset(self, request):
        return super().get_queryset(request).filter(reply_to__isnull=True)

    def has_add_permission(self, request):
        return False  # notes are written on a story's notes page

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        """Notes go only with their story, for whoever may delete it: Django asks this of the notes a
        story's deletion takes with it. No one deletes a note on its own (delete_view; no actions)."""
        return request.user.has_perm("stories.delete_story")

    def delete_view(self, request, object_id, extra_context=None):
        raise PermissionDenied("Notes stay with the story's history: no one deletes a note.")

    @admin.display(description="Note")
    def thread(self, note):
        text = note.text if len(note.text) <= 120 else note.text[:120] + "…"
        return format_html('<a href="{}">{}</a>', self._story_notes_url(note.story_id, note), text)

    @admin.display(description="Story", ordering="story__headline")
    def story_notes(self, note):
        return note.story.headline

    @admin.display(description="Written", ordering="created_at")
    def written(self, note):
        return ap_datetime(note.created_at)

    @admin.display(description="State")
    def state(self, note):
        return "Resolved" if note.is_resolved else "Open"

    @staticmethod
    def _story_notes_url(story_id, note=None):
        url = reverse("admin:notes_note_story", args=[story_id])
        return f"{url}#note-{note.pk}" if note else url

    def get_urls(self):
        return [
            path("story/<int:story_id>/", self.admin_site.admin_view(self.story_notes_view), name="notes_note_story"),
            *super().get_urls(),
        ]

    def change_view(self, request, object_id, form_url="", extra_context=None):
        """A note's own page is its place in the thread."""
        note = Note.objects.filter(pk=object_id).first() if str(object_id).isdigit() else None
        if note is None or not may_read_notes(request.user, note.story):
            raise Http404(f"No note with ID “{object_id}”.")
        return HttpResponseRedirect(self._story_notes_url(note.story_id, note))

    def story_notes_view(self, request, story_id):
        story = get_object_or_404(Story.objects.only("pk", "headline", "body", "status"), pk=story_id)
        if not may_read_notes(request.user, story):
            raise PermissionDenied
        blocks = body_blocks(story.body)
        form, failed_reply = NoteForm(blocks=blocks), None
        if request.method == "POST":
            done, form, failed_reply = self._act(request, story, blocks)
            if done:
                return HttpResponseRedirect(done)
        threads = story_threads(story)
        for thread in threads:
            thread.may_resolve = may_resolve(request.user, thread)
            thread.reply_form = failed_reply[1] if failed_reply and failed_reply[0] == thread.pk else ReplyForm()
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "story_opts": Story._meta,
            "title": "Notes",
            "subtitle": story.headline,
            "story": story,
            "threads": threads,
            "open_count": sum(not thread.is_resolved for thread in threads),
            "form": form,
        }
        return TemplateResponse(
            request, "admin/notes/story_notes.html", context, status=400 if form.errors or failed_reply else 200
        )

    def _act(self, request, story, blocks):
        """What a POST asked for: (the address to go to when done, the new-note form, a failed reply)."""
        here = self._story_notes_url(story.pk)
        thread = None
        if request.POST.get("thread", "").isdigit():
            thread = Note.objects.filter(story=story, pk=request.POST["thread"], reply_to__isnull=True).first()
            if thread is None:
                raise Http404("No such note on this story.")
        action = request.POST.get("action")
        try:
            if action == "add":
                form = NoteForm(request.POST, blocks=blocks)
                if not form.is_valid():
                    return None, form, None
                note = note_add(story=story, user=request.user, **form.cleaned_data)
                self.message_user(request, "Your note was added.", messages.SUCCESS)
                return f"{here}#note-{note.pk}", NoteForm(blocks=blocks), None
            if thread is None:
                raise Http404("Say which note.")
            if action == "reply":
                reply = ReplyForm(request.POST)
                if not reply.is_valid():
                    return None, NoteForm(blocks=blocks), (thread.pk, reply)
                note = note_add(story=story, user=request.user, text=reply.cleaned_data["text"], reply_to=thread)
                self.message_user(request, "Your reply was added.", messages.SUCCESS)
                return f"{here}#note-{note.pk}", None, None
            if action in ("resolve", "reopen"):
                (note_resolve if action == "resolve" else note_reopen)(note=thread, user=request.user)
                self.message_user(
                    request, f"The note was {'resolved' if action == 'resolve' else 'reopened'}.", messages.SUCCESS
                )
                return f"{here}#note-{thread.pk}", None, None
        except ValidationError as error:
            form = NoteForm(request.POST, blocks=blocks)
            form.is_valid()
            form.add_error(None, error)
            return None, form, None
        raise Http404("No such thing to do with a note.")
