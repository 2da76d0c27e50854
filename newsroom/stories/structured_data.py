"""What a story page tells search engines and link previews about itself, beyond its text.

The schema.org NewsArticle is built here as a plain dict; newsroom/website/seo.py serialises
it with json.dumps and escapes it for a <script> element, so no JSON is ever written by hand.
OpenGraph tags and the JSON-LD read their dates and images from the same functions, so a
preview card and a search result never disagree about a story.
"""

import datetime
import re
from functools import lru_cache

from django.conf import settings

from newsroom.core.apstyle import site_time
from newsroom.stories.body import body_text
from newsroom.stories.models import NoteKind
from newsroom.stories.selectors import lead_photo

# The public copies made for sharing (newsroom/photos/imaging/specs.py): share.jpg is always
# cropped to 1200x630, the card size Facebook, LinkedIn and X ask for; w1200.jpg keeps the
# photo's own shape, and exists only when the original is at least 1200 pixels wide.
SHARE_IMAGE = "share.jpg"
LARGE_IMAGE = "w1200.jpg"


def iso_8601(value) -> str:
    """A moment in the site's time zone to the second (`2020-09-22T10:30:00-04:00`), or a date."""
    if isinstance(value, datetime.datetime):
        return site_time(value).isoformat(timespec="seconds")
    return value.isoformat() if value else ""


def story_modified(story):
    """When the story last changed: the day of its newest correction or update note, which
    readers see as "Updated", or else its last save, but never before it was published (a
    story scheduled ahead was last saved before it went live)."""
    noted = story.last_updated
    if noted:
        return noted
    if story.published_at and story.published_at > story.updated_at:
        return story.published_at
    return story.updated_at


@lru_cache(maxsize=256)  # body_text gives the same string for the same body, its hash already known
def _word_count(text: str) -> int:
    return len(text.split())


def share_image(photo) -> dict | None:
    """The photo's 1200x630 share copy (`name`, `width`, `height`, ...), if it has one."""
    return photo.renditions.get(SHARE_IMAGE) if photo else None


def byline_authors(byline: str) -> list[dict]:
    """`Jim Garamone and Terri Moon Cronk, DOD News` as two Persons of DOD News.

    Search engines want a person's name alone, so the organization after the comma goes in
    `affiliation` rather than in the name.
    """
    people, _, organization = byline.partition(",")
    names = [name.strip() for name in re.split(r"\s+and\s+|\s*&\s*", people) if name.strip()]
    authors = []
    for name in names:
        author = {"@type": "Person", "name": name}
        if organization.strip():
            author["affiliation"] = {"@type": "Organization", "name": organization.strip()}
        authors.append(author)
    return authors


def news_article(story, *, absolute_url) -> dict:
    """The schema.org NewsArticle for a story page.

    `absolute_url` turns a path into a full address (a request's build_absolute_uri), so
    the data names the page and its images as a crawler fetched them.
    """
    address = absolute_url(story.get_absolute_url())
    article = {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "headline": story.headline,
        "description": story.summary,
        "datePublished": iso_8601(story.published_at),
        "dateModified": iso_8601(story_modified(story)),
        "mainEntityOfPage": {"@type": "WebPage", "@id": address},
        "url": address,
        "isAccessibleForFree": True,
        "publisher": {"@type": "Organization", "name": settings.SITE_NAME},
    }
    if not story.published_at:  # a draft seen in preview
        del article["datePublished"]
    text = body_text(story.body)
    if text:
        # The prose readers read, without the photos' and videos' blocks (docs/STORY_BODY.md).
        article["articleBody"] = text
        article["wordCount"] = _word_count(text)
    authors = byline_authors(story.byline)
    if authors:
        article["author"] = authors
    corrections = [
        {"@type": "CorrectionComment", "datePublished": iso_8601(note.noted_on), "text": note.text}
        for note in story.corrections.all()
        if note.kind == NoteKind.CORRECTION
    ]
    if corrections:
        # schema.org's `correction`: what was wrong and when it was put right, for machines as for readers.
        article["correction"] = corrections
    photo = lead_photo(story)
    images = [photo.public_url(key) for key in (SHARE_IMAGE, LARGE_IMAGE)] if photo else []
    if any(images):
        article["image"] = [absolute_url(image) for image in images if image]
    return article
