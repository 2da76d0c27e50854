"""What the API says of each thing it shows: a story, whole or as a listing shows it, a photo, a tag,
a collection. Plain dicts in the shapes schemas.py describes; addresses are absolute, for a client
on another site; a photo is named by its public copies only, never its original."""

from django.urls import reverse
from django.utils.http import urlencode

from newsroom.stories.body import reader_blocks
from newsroom.stories.selectors import lead_placement, story_links


def absolute(request, path: str) -> str:
    return request.build_absolute_uri(path)


def copies(request, photo) -> list[dict]:
    # The URLs of the public copies only: `original` is private and never named here.
    return [
        {
            "name": key,
            "url": absolute(request, photo.public_url(key)),
            "width": entry["width"],
            "height": entry["height"],
            "size": entry.get("bytes", 0),
        }
        for key, entry in sorted(photo.renditions.items(), key=lambda item: (item[0] != "full", item[0]))
    ]


def photo_brief(request, photo) -> dict:
    return {
        "virin": photo.virin,
        "title": photo.title,
        "caption": photo.caption,
        "alt_text": photo.alt_text,
        "photographer": photo.photographer,
        "credit": photo.credit,
        "credit_line": photo.credit_line,
        "date_taken": photo.date_taken,
        "copies": copies(request, photo),
        "url": absolute(request, photo.get_absolute_url()),
        "api_url": absolute(request, reverse("api-v1:photo", args=[photo.virin])),
    }


def story_link(request, story) -> dict:
    return {
        "id": story.pk,
        "slug": story.slug,
        "headline": story.headline,
        "url": absolute(request, story.get_absolute_url()),
        "api_url": absolute(request, reverse("api-v1:story", args=[story.slug])),
    }


def story_summary(request, story) -> dict:
    lead = lead_placement(story)
    return {
        **story_link(request, story),
        "summary": story.summary,
        "byline": story.byline,
        "label": story.label,
        "published_at": story.published_at,
        "archived": story.is_archived,
        "lead_photo": photo_brief(request, lead.photo) if lead else None,
    }


def tag(request, shown_tag) -> dict:
    return {
        "slug": shown_tag.slug,
        "name": shown_tag.name,
        "url": absolute(request, shown_tag.get_absolute_url()),
        "stories_url": absolute(request, f"{reverse('api-v1:stories')}?{urlencode({'tag': shown_tag.slug})}"),
    }


def collection(request, shown_collection) -> dict:
    """A collection with `public_count` (archive.selectors.collections_with_public_counts)."""
    slug = shown_collection.slug
    return {
        "slug": slug,
        "name": shown_collection.name,
        "description": shown_collection.description,
        "notice": shown_collection.notice,
        "story_count": shown_collection.public_count,
        "url": absolute(request, shown_collection.get_absolute_url()),
        "stories_url": absolute(request, f"{reverse('api-v1:stories')}?{urlencode({'collection': slug})}"),
    }


def story(request, story) -> dict:
    """A story whole, from what stories.selectors.story_for_reader loaded (no query): its body block
    by block, each figure with its photo's credit, VIRIN and copies."""
    urls = {pk: absolute(request, url) for pk, url in story_links(story).items()}
    body = []
    for block in reader_blocks(story.body, story.placements.all(), urls):
        if block.placement is not None:
            photo = block.placement.photo
            body.append(
                {"type": "photo", "caption": block.placement.shown_caption, "photo": photo_brief(request, photo)}
            )
        elif block.video is not None:
            video = block.video
            body.append({"type": "video", "title": block.title, "url": video.page_url, "embed_url": video.embed_url})
        elif block.html is not None:
            body.append({"type": "text", "html": str(block.html)})
    archive = story.collection if story.collection_id else None
    return {
        **story_summary(request, story),
        "updated_on": story.updated_on,
        "body": body,
        "tags": [tag(request, each) for each in story.tags.all()],
        "corrections": [
            {"kind": note.kind, "date": note.noted_on, "text": note.text} for note in story.corrections.all()
        ],
        "related": [story_link(request, other) for other in story.related_stories.all()],
        "collection": ({"slug": archive.slug, "name": archive.name, "notice": archive.notice} if archive else None),
    }
