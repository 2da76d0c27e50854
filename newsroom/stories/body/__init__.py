"""A story's body: one canonical, sanitised HTML form (docs/STORY_BODY.md), and all that is read from it.

Every save passes the body through clean_body() (the write path, stories/services.py), and readers'
pages pass the stored body through it again when they render it, so HTML from any source (the
admin's editor, imports, bundles, a restore) is held to the same form.

    clean.py    the canonical form: sanitising, the structural pass, what a save refuses (videos)
    reading.py  what is read from a stored body: photos, story links, prose, readers' blocks
    videos.py   the video addresses allowed and their embeds
    legacy.py   the first form (paragraphs, photos "after paragraph N") and its conversion
"""

from newsroom.stories.body.clean import body_size_problem, clean_body, validate_body, video_problems
from newsroom.stories.body.legacy import as_legacy, legacy_body, legacy_paragraphs
from newsroom.stories.body.reading import (
    Block,
    PhotoBlock,
    body_text,
    linked_story_ids,
    photo_blocks,
    prose_blocks,
    reader_blocks,
    with_keys,
)
from newsroom.stories.body.videos import EMBED_ORIGINS, Video, parse_video

__all__ = [
    "EMBED_ORIGINS",
    "Block",
    "PhotoBlock",
    "Video",
    "as_legacy",
    "body_size_problem",
    "body_text",
    "clean_body",
    "legacy_body",
    "legacy_paragraphs",
    "linked_story_ids",
    "parse_video",
    "photo_blocks",
    "prose_blocks",
    "reader_blocks",
    "validate_body",
    "video_problems",
    "with_keys",
]
