"""The body's first form, kept to read what was written in it.

Paragraphs separated by blank lines, with a little inline markup, and photos placed "after
paragraph N" (0 above the first). Read by the data migration, revisions and bundles made before
the canonical form, and legacy text imports.
"""

import html
import re

import nh3

from newsroom.stories.body.clean import HEADINGS, Element, canonical_blocks, clean_body, has_words, to_html

_LEGACY_BLANK_LINE = re.compile(r"\n[ \t\u00a0]*\n")
_LEGACY_INLINE = {
    "tags": {"a", "em", "strong", "i", "b", "abbr", "sup", "sub", "br"},
    "attributes": {"a": {"href"}, "abbr": {"title"}},
    "url_schemes": {"http", "https", "mailto"},
    "link_rel": None,
}


def legacy_paragraphs(text: str) -> list[str]:
    """The old body's paragraphs, as its readers' pages split them."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return [" ".join(part.split()) for part in _LEGACY_BLANK_LINE.split(text) if part.strip()]


def legacy_body(text: str, placements) -> str:
    """The old body and its placements, `(after_paragraph, photo_id, caption)` in their old order
    (after_paragraph, order, id), as the same blocks at the same positions. A photo placed after
    a paragraph that no longer existed stood last, and still does."""
    paragraphs = legacy_paragraphs(text or "")
    after = {}
    for position, photo_id, caption in placements:
        after.setdefault(min(position, len(paragraphs)), []).append(_photo_html(photo_id, caption))
    parts = after.get(0, [])
    for number, paragraph in enumerate(paragraphs, start=1):
        parts.append(f"<p>{nh3.clean(paragraph, **_LEGACY_INLINE)}</p>")
        parts.extend(after.get(number, []))
    return clean_body("".join(parts))


def _photo_html(photo_id: int, caption: str = "") -> str:
    caption = f' data-caption="{html.escape(caption)}"' if caption else ""
    return f'<figure data-photo="{photo_id}"{caption}></figure>'


def as_legacy(body: str) -> tuple[str, list[tuple[int, int, str]]]:
    """The body as the old form can hold it, for undoing the data migration: each paragraph,
    subheading, list item, quote and table cell a paragraph with its inline markup, each video a
    link to its page, and the photos as (after_paragraph, photo_id, caption)."""
    paragraphs, placements = [], []

    def add(blocks):
        for block in blocks:
            if block.tag in ("p", *HEADINGS):
                if has_words(block.children):
                    paragraphs.append("".join(to_html(child) for child in block.children))
            elif "data-photo" in block.attrs:
                placements.append(
                    (len(paragraphs), int(block.attrs["data-photo"]), block.attrs.get("data-caption", ""))
                )
            elif "data-video" in block.attrs:
                title = html.escape(block.attrs["data-title"] or block.attrs["data-video"], quote=False)
                paragraphs.append(f'<a href="{html.escape(block.attrs["data-video"])}">{title}</a>')
            else:
                add(child for child in block.children if isinstance(child, Element))

    add(canonical_blocks(body or ""))
    return "\n\n".join(paragraphs), placements
