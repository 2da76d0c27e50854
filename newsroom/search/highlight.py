"""Highlighted snippets, made safe: the text is escaped whole and <mark> is the only markup added.

Snippets arrive as plain text with the match markers of indexing.py around the matched words:
cut by PostgreSQL's ts_headline from the search document, or by `marked_excerpt` below where
there is no index.
"""

import re

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from newsroom.search.indexing import MARK_END, MARK_START

_MARKED = re.compile(f"{MARK_START}(.*?){MARK_END}", re.S)


def snippet_html(marked: str) -> SafeString:
    escaped = escape(" ".join(marked.split()))
    highlighted = _MARKED.sub(r"<mark>\1</mark>", escaped)
    return mark_safe(highlighted.replace(MARK_START, "").replace(MARK_END, ""))


def marked_excerpt(text: str, terms: list[str], *, before: int = 80, length: int = 240) -> str:
    """About `length` characters of `text` from a little before the first term found, terms marked."""
    text = " ".join(text.split())
    pattern = re.compile("|".join(re.escape(term) for term in sorted(terms, key=len, reverse=True)), re.I)
    first = pattern.search(text) if terms else None
    start = 0
    if first and first.start() > before:
        start = text.find(" ", first.start() - before) + 1
    end = len(text)
    if end - start > length:
        end = max(text.rfind(" ", start, start + length), (first.end() if first else start + length))
    excerpt = ("… " if start else "") + text[start:end] + (" …" if end < len(text) else "")
    if not terms:
        return excerpt
    return pattern.sub(lambda match: f"{MARK_START}{match.group()}{MARK_END}", excerpt)
