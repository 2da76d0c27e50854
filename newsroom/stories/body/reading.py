"""What the rest of Newsroom reads from a stored body: its photos, links, prose and readers' blocks."""

from dataclasses import dataclass
from functools import lru_cache

from django.utils.safestring import SafeString, mark_safe

from newsroom.stories.body.clean import (
    HEADINGS,
    Element,
    attributes_html,
    canonical_blocks,
    stored_blocks,
    to_html,
    walk,
)
from newsroom.stories.body.videos import Video, parse_video


@dataclass(frozen=True)
class PhotoBlock:
    photo_id: int
    caption: str  # replaces the photo's own caption in this story; empty for its own


def photo_blocks(body: str) -> list[PhotoBlock]:
    """The body's photos, in order: what the story's PhotoPlacement rows must say."""
    return [
        PhotoBlock(int(block.attrs["data-photo"]), block.attrs.get("data-caption", ""))
        for block in stored_blocks(body)
        if "data-photo" in block.attrs
    ]


def linked_story_ids(body: str) -> set[int]:
    if 'data-story="' not in body:  # most bodies: no parsing needed to know
        return set()
    return {
        int(node.attrs["data-story"])
        for block in stored_blocks(body)
        for node in walk(block)
        if "data-story" in node.attrs
    }


def _text(node: Element) -> str:
    return "".join(
        child if isinstance(child, str) else " " if child.tag == "br" else _text(child) for child in node.children
    )


def _prose(blocks) -> list[str]:
    texts = []
    for block in blocks:
        if block.tag in ("p", *HEADINGS):
            text = _text(block).strip()
            if text:
                texts.append(text)
        elif block.tag != "figure":
            texts.extend(_prose(child for child in block.children if isinstance(child, Element)))
    return texts


@lru_cache(maxsize=256)  # each story page's JSON-LD: the same few hundred bodies, read again and again
def body_text(body: str) -> str:
    """The body's prose as plain text: each paragraph, subheading, list item, quote and table
    cell, separated by blank lines. Photos and videos are not prose."""
    return "\n\n".join(_prose(stored_blocks(body)))


def prose_blocks(body: str) -> list[tuple[str, str, str]]:
    """Each block in reading order, for the revision compare: ("photo", its photo id, ""),
    ("video", its address, its title), or for each piece of prose (kind, text, ""), the kind being
    "p", "h2"-"h4", "li", "quote" or "cell"."""
    found = []
    for block in stored_blocks(body):
        if "data-photo" in block.attrs:
            found.append(("photo", block.attrs["data-photo"], ""))
        elif "data-video" in block.attrs:
            found.append(("video", block.attrs["data-video"], block.attrs.get("data-title", "")))
        else:
            kind = {"ul": "li", "ol": "li", "blockquote": "quote", "table": "cell"}.get(block.tag, block.tag)
            found.extend((kind, text, "") for text in _prose([block]))
    return found


# --------------------------------------------------------------------------- keys


def with_keys(body: str, *, photo_id=None, story_link=None) -> str:
    """The body with its photo blocks' and story links' keys passed through these functions:
    `photo_id(old)` gives the id to write, or None to drop the block (a photo shown twice is
    dropped the second time too); `story_link(old)` gives (id, href or None to keep it), or None
    to leave the link's text alone."""
    blocks, seen = [], set()
    for block in canonical_blocks(body):
        if "data-photo" in block.attrs and photo_id is not None:
            new = photo_id(int(block.attrs["data-photo"]))
            if new is None or new in seen:
                continue
            seen.add(new)
            block.attrs["data-photo"] = str(new)
        if story_link is not None:
            _relink(block, story_link)
        blocks.append(block)
    return "".join(to_html(block) for block in blocks)


def _relink(node: Element, story_link) -> None:
    children = []
    for child in node.children:
        if isinstance(child, Element):
            _relink(child, story_link)
            if "data-story" in child.attrs:
                found = story_link(int(child.attrs["data-story"]))
                if found is None:
                    children.extend(child.children)
                    continue
                child.attrs["data-story"] = str(found[0])
                if found[1]:
                    child.attrs["href"] = found[1]
        children.append(child)
    node.children = children


# --------------------------------------------------------------------------- readers' pages


@dataclass(frozen=True)
class Block:
    """One block of a story page: a text block's HTML, a placed photo, or a video."""

    html: SafeString | None = None
    placement: object | None = None  # a PhotoPlacement with its photo, for the figure macro
    video: Video | None = None
    title: str = ""


def reader_blocks(body: str, placements, story_urls) -> list[Block]:
    """The page's blocks. `placements` are the story's, with their photos; `story_urls` maps the
    ids of linked stories readers may open to their addresses (links to any other become text)."""
    placed = {placement.photo_id: placement for placement in placements}
    blocks, shown = [], set()
    for item in _reading_order(body):
        if isinstance(item, Block):
            blocks.append(item)
        elif isinstance(item, int):  # a photo's id
            placement = placed.get(item)
            if placement is not None and item not in shown:  # a photo deleted since: not shown
                shown.add(item)
                blocks.append(Block(placement=placement))
        else:  # a block that links stories: its links depend on which of them readers may open now
            blocks.append(Block(html=mark_safe(_reader_html(item, story_urls))))
    # Rows out of step with the body (a bulk load's) are never hidden: they come last, as they always did.
    blocks.extend(Block(placement=p) for p in placed.values() if p.photo_id not in shown)
    return blocks


@lru_cache(maxsize=256)
def _reading_order(body: str) -> tuple[Block | int | Element, ...]:
    """What of a body's blocks is the same on every request, worked out once per body (as
    stored_blocks is): a text block's or a video's Block, a photo's id, or the element of a block
    whose story links are made per page."""
    order = []
    for block in stored_blocks(body):
        if "data-photo" in block.attrs:
            order.append(int(block.attrs["data-photo"]))
        elif "data-video" in block.attrs:
            video = parse_video(block.attrs["data-video"])
            order.append(Block(video=video, title=block.attrs.get("data-title") or f"Video from {video.host}"))
        elif any("data-story" in node.attrs for node in (block, *walk(block))):
            order.append(block)
        else:
            order.append(Block(html=mark_safe(_reader_html(block, {}))))
    return tuple(order)


_READER_CLASSES = {"ul": "usa-list", "ol": "usa-list", "table": "usa-table"}


def _reader_html(node, story_urls, *, header_row: bool = False) -> str:
    if isinstance(node, str) or node.tag == "br":
        return to_html(node)
    attrs = dict(node.attrs)
    if node.tag == "a":
        if "data-story" in attrs:
            url = story_urls.get(int(attrs.pop("data-story")))
            if url is None:
                return "".join(_reader_html(child, story_urls) for child in node.children)
            attrs["href"] = url
        elif not attrs["href"].startswith("/"):
            attrs["rel"] = "noopener noreferrer"
    elif node.tag in _READER_CLASSES:
        attrs["class"] = _READER_CLASSES[node.tag]
    elif node.tag == "th":
        attrs["scope"] = "col" if header_row else "row"
    if node.tag == "tbody":
        rows = [child for child in node.children if isinstance(child, Element)]
        inner = "".join(_reader_html(row, story_urls, header_row=number == 0) for number, row in enumerate(rows))
    else:
        inner = "".join(_reader_html(child, story_urls, header_row=header_row) for child in node.children)
    written = f"<{node.tag}{attributes_html(attrs)}>{inner}</{node.tag}>"
    # A wide table scrolls sideways on its own rather than widening the page (WCAG's reflow).
    return f'<div class="usa-table-container--scrollable">{written}</div>' if node.tag == "table" else written
