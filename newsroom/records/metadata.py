"""What a records officer files with each story: Dublin Core-like descriptive metadata.

One JSON document per story, a line of the bag's stories.jsonl (title, creator, dates,
description, rights, identifiers: its address and the VIRINs of the photos it shows), and the same
fields as one row of a CSV listing of the whole export, for a spreadsheet.

Records schedules come from the RECORDS_SCHEDULES setting, not from a field on stories or
collections: the agency's records officer sets them and NARA approves them, they change once in
years, and editors should not be able to change a story's disposition from the admin. A
collection's schedule ("collection:<slug>") wins over its stories' label's ("news", "release"…).
"""

from django.conf import settings

# Works of the U.S. Government are not under copyright (17 U.S.C. 105).
RIGHTS = "Public domain: a work of the U.S. Government, not subject to copyright in the United States (17 U.S.C. 105)."

CSV_FIELDS = (
    "identifier",
    "title",
    "creator",
    "publisher",
    "type",
    "date_published",
    "date_modified",
    "description",
    "subjects",
    "collection",
    "records_schedule",
    "virins",
    "rights",
)


def records_schedule(story) -> str:
    """The schedule a story is kept under, or "" when the agency has named none for it."""
    schedules = getattr(settings, "RECORDS_SCHEDULES", {}) or {}
    if story.collection_id is not None:
        named = schedules.get(f"collection:{story.collection.slug}")
        if named:
            return named
    return schedules.get(story.label, "")


def story_metadata(story, *, url: str, virins: list[str], captured: str) -> dict:
    """The descriptive record of one story, as of the capture in the same bag's WARC file."""
    return {
        "identifier": url,
        "title": story.headline,
        "creator": story.byline,
        "publisher": settings.SITE_NAME,
        "type": story.get_label_display(),
        "date_published": story.published_at.isoformat(),
        "date_modified": story.updated_at.isoformat(),
        "date_captured": captured,
        "description": story.summary,
        "subjects": sorted(tag.name for tag in story.tags.all()),
        "collection": story.collection.name if story.collection_id is not None else "",
        "records_schedule": records_schedule(story),
        "virins": virins,
        "rights": RIGHTS,
        "language": "en",
        "format": "text/html",
    }


def csv_row(record: dict) -> dict:
    row = {name: record.get(name, "") for name in CSV_FIELDS}
    row["subjects"] = "; ".join(record["subjects"])
    row["virins"] = "; ".join(record["virins"])
    return row
