"""Every story's body into the canonical form of docs/STORY_BODY.md, losslessly.

Each paragraph becomes the same paragraph, and each photo placed "after paragraph N" a photo block
at that place, with its caption in this story (newsroom.stories.body.legacy_body); each placement's
`order` becomes its position among the story's photos, which is what it means from 0009 on.
Undone, each block becomes a paragraph again (lists, quotes and tables lose their shape, videos
become links to their pages) and each photo is placed after the paragraph it follows.
"""

from django.db import migrations

from newsroom.stories.body import as_legacy, legacy_body

BATCH = 1000


def _batches(Story):
    """Stories a thousand at a time by key, read whole before any is written."""
    last = 0
    while True:
        stories = list(Story.objects.filter(pk__gt=last).order_by("pk").only("pk", "body")[:BATCH])
        if not stories:
            return
        yield stories
        last = stories[-1].pk


def _placements(PhotoPlacement, stories, *ordering):
    found = {}
    for placement in PhotoPlacement.objects.filter(story__in=stories).order_by("story_id", *ordering):
        found.setdefault(placement.story_id, []).append(placement)
    return found


def paragraphs_to_blocks(apps, schema_editor):
    Story = apps.get_model("stories", "Story")
    PhotoPlacement = apps.get_model("stories", "PhotoPlacement")
    for stories in _batches(Story):
        placed = _placements(PhotoPlacement, stories, "after_paragraph", "order", "id")
        moved = []
        for story in stories:
            placements = placed.get(story.pk, [])
            story.body = legacy_body(story.body, [(p.after_paragraph, p.photo_id, p.caption) for p in placements])
            for position, placement in enumerate(placements):
                placement.order = position
                moved.append(placement)
        Story.objects.bulk_update(stories, ["body"])
        PhotoPlacement.objects.bulk_update(moved, ["order"])


def blocks_to_paragraphs(apps, schema_editor):
    Story = apps.get_model("stories", "Story")
    PhotoPlacement = apps.get_model("stories", "PhotoPlacement")
    for stories in _batches(Story):
        placed = _placements(PhotoPlacement, stories, "order", "id")
        moved = []
        for story in stories:
            story.body, photos = as_legacy(story.body)
            after = {photo_id: position for position, photo_id, _ in photos}
            paragraphs = story.body.count("\n\n") + 1 if story.body else 0
            for number, placement in enumerate(placed.get(story.pk, [])):
                # A row the body no longer showed stood last, as the old pages put it.
                placement.after_paragraph, placement.order = after.get(placement.photo_id, paragraphs), number
                moved.append(placement)
        Story.objects.bulk_update(stories, ["body"])
        PhotoPlacement.objects.bulk_update(moved, ["after_paragraph", "order"])


class Migration(migrations.Migration):
    dependencies = [("stories", "0007_next_scheduled_change_index")]

    operations = [migrations.RunPython(paragraphs_to_blocks, blocks_to_paragraphs, elidable=False)]
