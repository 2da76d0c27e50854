"""A story's body: paragraphs separated by blank lines, with photos placed between them.

Editors write plain paragraphs with a little inline markup; readers get sanitised HTML.
Sanitising happens here, at the one place body text becomes HTML, so text from any source
(admin, imports) is treated the same.
"""

import re
from dataclasses import dataclass

import nh3
from django.utils.safestring import SafeString, mark_safe

INLINE_TAGS = {"a", "em", "strong", "i", "b", "abbr", "sup", "sub", "br"}
INLINE_ATTRIBUTES = {"a": {"href", "title"}, "abbr": {"title"}}
_BLANK_LINE = re.compile(r"\n[ \t\u00a0]*\n")


def split_paragraphs(body: str) -> list[str]:
    """The body's paragraphs, in order, without empty ones."""
    text = body.replace("\r\n", "\n").replace("\r", "\n")
    return [" ".join(part.split()) for part in _BLANK_LINE.split(text) if part.strip()]


def paragraph_html(text: str) -> SafeString:
    return mark_safe(
        nh3.clean(
            text,
            tags=INLINE_TAGS,
            attributes=INLINE_ATTRIBUTES,
            url_schemes={"http", "https", "mailto"},
            link_rel="noopener noreferrer",
        )
    )


@dataclass(frozen=True)
class Block:
    """One piece of the rendered body: a paragraph's HTML, or a placed photo."""

    html: SafeString | None = None
    placement: object | None = None


def body_blocks(body: str, placements) -> list[Block]:
    """Paragraphs with each placement after the paragraph it names.

    `placements` must already be ordered. One placed after a paragraph that no longer
    exists (the body was shortened) goes at the end rather than disappearing.
    """
    paragraphs = split_paragraphs(body)
    by_position: dict[int, list] = {}
    for placement in placements:
        position = min(placement.after_paragraph, len(paragraphs))
        by_position.setdefault(position, []).append(placement)

    blocks = [Block(placement=p) for p in by_position.get(0, [])]
    for number, text in enumerate(paragraphs, start=1):
        blocks.append(Block(html=paragraph_html(text)))
        blocks.extend(Block(placement=p) for p in by_position.get(number, []))
    return blocks
