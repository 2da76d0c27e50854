"""Notes between writer and editor: threads on a story, anchored to a block of its body, resolved
and reopened, on the story's notes page; recorded on the story's History; never public."""

import re
import zipfile

import pytest
from django.contrib.admin.models import LogEntry
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from newsroom.notes.models import Note
from newsroom.notes.services import note_add, note_reopen, note_resolve
from newsroom.stories.models import Status, Story
from tests.conftest import command_output, make_account, page_text

pytestmark = pytest.mark.django_db

BODY = (
    "<p>The levee held through the night as the river crested two feet above flood stage.</p>"
    "<h2>What comes next</h2><p>Engineers will inspect it on Monday.</p>"
)


def notes_url(story):
    return reverse("admin:notes_note_story", args=[story.pk])


def story_url(story):
    return reverse("admin:stories_story_change", args=[story.pk])


@pytest.fixture
def story(create_story, committed, run_tasks):
    made = committed(create_story, headline="Levee Holds as River Crests", body=BODY)
    run_tasks()  # its search document (PostgreSQL), made by the worker
    return made


@pytest.fixture
def draft(create_story):
    return create_story(published=False, headline="Flood Relief Draft", body=BODY)


def test_a_writer_adds_a_note_on_a_paragraph_and_an_editor_replies_and_resolves_it(client, draft, writer, editor):
    client.force_login(writer)
    page = client.get(notes_url(draft))
    assert page.status_code == 200
    text = page_text(page, after='id="content"')
    assert "No notes yet" in text
    # The body's blocks are offered by what they say.
    assert "the paragraph starting “The levee held through the night as the…”" in text
    assert "the subheading starting “What comes next”" in text

    added = client.post(notes_url(draft), {"action": "add", "text": "Is “two feet” confirmed?", "block": "1"})
    note = Note.objects.get()
    assert added.status_code == 302 and added["Location"].endswith(f"#note-{note.pk}")
    text = page_text(client.get(notes_url(draft)), after='id="content"')
    assert "1 thread, 1 open" in text
    assert "On the paragraph starting “The levee held through the night as the…”" in text
    assert "Is “two feet” confirmed?" in text

    client.force_login(editor)
    client.post(notes_url(draft), {"action": "reply", "thread": note.pk, "text": "Yes: Corps of Engineers, 6 a.m."})
    client.post(notes_url(draft), {"action": "resolve", "thread": note.pk})
    text = page_text(client.get(notes_url(draft)), after='id="content"')
    assert "1 thread, 0 open" in text
    assert "(resolved)" in text and "Resolved by editor" in text
    assert "Yes: Corps of Engineers, 6 a.m." in text
    assert "Reopen" in text


def test_a_reply_to_a_reply_joins_the_same_thread(draft, writer, editor):
    first = note_add(story=draft, user=writer, text="Check the crest height.")
    reply = note_add(story=draft, user=editor, text="Checked.", reply_to=first)
    again = note_add(story=draft, user=writer, text="Thanks.", reply_to=reply)
    assert reply.reply_to_id == first.pk and again.reply_to_id == first.pk
    assert list(first.replies.values_list("text", flat=True)) == ["Checked.", "Thanks."]


def test_the_story_form_links_to_its_notes_and_counts_the_open_ones(editor_client, draft, writer, editor):
    assert re.search(
        r'<a href="[^"]+/notes/note/story/\d+/">Notes on this story</a>',
        editor_client.get(story_url(draft)).content.decode(),
    )
    note_add(story=draft, user=writer, text="One.")
    resolved = note_add(story=draft, user=writer, text="Two.")
    note_resolve(note=resolved, user=editor)
    html = editor_client.get(story_url(draft)).content.decode()
    assert f'<a href="{notes_url(draft)}">Notes on this story (1 open)</a>' in html


def test_resolving_is_for_the_author_or_an_editor(client, draft, writer, editor):
    other_writer = make_account("other-writer", "writer")
    note = note_add(story=draft, user=writer, text="Photo credit?")
    client.force_login(other_writer)
    page = page_text(client.get(notes_url(draft)), after='id="content"')
    assert "Photo credit?" in page and "Resolve" not in page  # the other writer reads and replies only
    assert client.post(notes_url(draft), {"action": "resolve", "thread": note.pk}).status_code == 403
    note.refresh_from_db()
    assert not note.is_resolved
    with pytest.raises(PermissionDenied):
        note_resolve(note=note, user=other_writer)

    assert note_resolve(note=note, user=writer).is_resolved  # its author
    assert not note_reopen(note=note, user=editor).is_resolved  # an Editor
    assert note_resolve(note=note, user=editor).resolved_by == editor


def test_bad_notes_are_refused_with_a_reason(client, draft, writer):
    client.force_login(writer)
    empty = client.post(notes_url(draft), {"action": "add", "text": "   ", "block": ""})
    assert empty.status_code == 400
    assert "This field is required." in page_text(empty, after='id="content"')
    long = client.post(notes_url(draft), {"action": "add", "text": "x" * 4001, "block": ""})
    assert long.status_code == 400 and "at most 4000 characters" in page_text(long, after='id="content"')
    no_block = client.post(notes_url(draft), {"action": "add", "text": "Here.", "block": "9"})
    assert no_block.status_code == 400
    assert "Select a valid choice" in page_text(no_block, after='id="content"')
    empty_reply = client.post(
        notes_url(draft), {"action": "reply", "thread": note_add(story=draft, user=writer, text="A.").pk, "text": ""}
    )
    assert empty_reply.status_code == 400
    assert Note.objects.count() == 1
    with pytest.raises(ValidationError, match="has no block 7"):
        note_add(story=draft, user=writer, text="Here.", block=7)
    other = Story.objects.create(headline="Another", slug="another", summary="S")
    with pytest.raises(ValidationError, match="another story"):
        note_add(story=other, user=writer, text="Here.", reply_to=Note.objects.get())


def test_notes_are_not_story_content_and_are_kept_in_its_history(client, draft, writer, editor):
    version, updated = draft.version, Story.objects.get(pk=draft.pk).updated_at
    revisions = draft.revisions.count()
    note = note_add(story=draft, user=writer, text="The second paragraph repeats the first.", block=3)
    note_resolve(note=note, user=editor)
    stored = Story.objects.get(pk=draft.pk)
    assert (stored.version, stored.updated_at, stored.revisions.count()) == (version, updated, revisions)

    client.force_login(editor)
    history = page_text(client.get(reverse("admin:stories_story_history", args=[draft.pk])), after='id="content"')
    assert "Added a note on the paragraph starting “Engineers will inspect it on Monday.”: “The second" in history
    assert "Resolved a note: “The second paragraph repeats the first.”" in history
    assert LogEntry.objects.filter(object_id=str(draft.pk)).count() == 2


def test_no_one_edits_or_deletes_a_note(client, draft, writer, editor):
    note = note_add(story=draft, user=writer, text="Keep this.")
    for user in (writer, editor):
        client.force_login(user)
        assert client.post(reverse("admin:notes_note_delete", args=[note.pk]), {"post": "yes"}).status_code == 403
        changelist = client.get(reverse("admin:notes_note_changelist"))
        assert "Keep this." in page_text(changelist, after='id="content"')
        assert "delete_selected" not in changelist.content.decode()
        # A note's own page is its place in its story's thread.
        opened = client.get(reverse("admin:notes_note_change", args=[note.pk]))
        assert opened["Location"] == f"{notes_url(draft)}#note-{note.pk}"
    assert Note.objects.filter(pk=note.pk).exists()


def test_someone_without_a_role_may_not_read_notes(client, draft, writer):
    from django.contrib.auth import get_user_model

    note_add(story=draft, user=writer, text="Internal.")
    staff = get_user_model().objects.create_user("clerk", password="a-long-test-password", is_staff=True)
    client.force_login(staff)
    assert client.get(notes_url(draft)).status_code == 403


def test_the_notes_page_reads_the_same_few_queries_however_many_notes(
    client, draft, writer, editor, django_assert_max_num_queries
):
    client.force_login(editor)
    for number in range(12):
        thread = note_add(story=draft, user=writer, text=f"Thread {number}")
        note_add(story=draft, user=editor, text=f"Reply {number}", reply_to=thread)
    with django_assert_max_num_queries(12):
        page = client.get(notes_url(draft))
    assert "12 threads, 12 open" in page_text(page, after='id="content"')


def test_a_note_is_never_shown_to_readers(client, story, writer, editor, tmp_path):
    """Notes on a published story: not on its page, in the feeds, search or the sitemaps, nor in a bundle."""
    secret = "Zanzibarine"  # a word only the note has
    note = note_add(story=story, user=writer, text=f"{secret}: the source asked not to be named.", block=1)
    note_add(story=story, user=editor, text=f"{secret} reply.", reply_to=note)
    client.logout()

    page = client.get(story.get_absolute_url())
    assert page.status_code == 200 and "Levee Holds as River Crests" in page.content.decode()
    for address in ("/news/feed/", "/news/feed/atom/", "/news/"):
        shown = client.get(address).content.decode()
        assert "Levee Holds as River Crests" in shown, address
        assert secret not in shown, address
    assert secret not in page.content.decode()

    assert "Levee Holds as River Crests" in client.get("/search/", {"q": "levee"}).content.decode()
    found = client.get("/search/", {"q": secret.lower()})
    assert "Levee Holds as River Crests" not in found.content.decode()

    index = client.get("/sitemap.xml").content.decode()
    sections = re.findall(r"<loc>https?://[^/]+(/[^<]+)</loc>", index)
    every = "".join(client.get(section).content.decode() for section in sections)
    assert story.slug in every and secret not in every and "/admin/notes" not in every

    # A bundle (a full-site backup that may be handed to another site) leaves notes out.
    path = tmp_path / "site.zip"
    assert command_output("export_newsroom", path)
    with zipfile.ZipFile(path) as bundle:
        contents = b"".join(
            bundle.read(name) for name in bundle.namelist() if not name.endswith((".jpg", ".jpeg", ".png", ".webp"))
        )
    assert b"Levee Holds as River Crests" in contents and secret.encode() not in contents


def test_every_notes_page_opens_for_every_role(client, draft, writer, editor):
    from django.contrib.auth import get_user_model

    thread = note_add(story=draft, user=writer, text="Open thread.", block=2)
    note_add(story=draft, user=editor, text="A reply.", reply_to=thread)
    note_resolve(note=note_add(story=draft, user=writer, text="Settled."), user=editor)
    users = [
        writer,
        editor,
        make_account("administrator", "administrator"),
        get_user_model().objects.create_superuser("chief", password="a-long-test-password"),
    ]
    for user in users:
        client.force_login(user)
        for address in (
            notes_url(draft),
            reverse("admin:notes_note_changelist"),
            reverse("admin:notes_note_changelist") + "?state=open",
            reverse("admin:notes_note_changelist") + "?state=resolved",
            reverse("admin:notes_note_changelist") + "?q=settled",
            story_url(draft),
        ):
            response = client.get(address)
            assert response.status_code == 200, (user, address)
        listed = page_text(client.get(reverse("admin:notes_note_changelist") + "?state=open"), after='id="content"')
        assert "Open thread." in listed and "Settled." not in listed and "A reply." not in listed


def test_notes_never_stop_an_editor_deleting_a_draft_and_go_with_it_when_it_goes(editor_client, draft, writer):
    note_add(story=draft, user=writer, text="Scrap this one?")
    delete = reverse("admin:stories_story_delete", args=[draft.pk])
    confirm = editor_client.get(delete)
    assert confirm.status_code == 200
    assert "doesn't have permission to delete" not in page_text(confirm, after='id="content"')
    assert editor_client.post(delete, {"post": "yes"}).status_code == 302
    stored = Story.objects.filter(pk=draft.pk).first()
    if stored is None:  # deleted for good: its notes with it
        assert not Note.objects.exists()
    else:  # moved to the trash (issue 16, point 9), to be restored: its notes wait with it
        assert stored.trashed_at and Note.objects.filter(story=stored).count() == 1
    Story.objects.filter(pk=draft.pk).delete()  # the trash emptied
    assert not Note.objects.exists()


def test_a_writer_writes_notes_on_a_story_they_may_only_read(client, story, writer):
    Story.objects.filter(pk=story.pk).update(status=Status.WITHDRAWN)  # a Writer may only read it
    client.force_login(writer)
    assert 'name="body"' not in client.get(story_url(story)).content.decode()  # read-only to a Writer
    added = client.post(notes_url(story), {"action": "add", "text": "A typo in the second paragraph.", "block": ""})
    assert added.status_code == 302
    assert "A typo in the second paragraph." in page_text(client.get(notes_url(story)), after='id="content"')
