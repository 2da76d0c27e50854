"""Cleaning a body into its canonical form (docs/STORY_BODY.md), and the tree the other modules read.

Two passes: nh3 removes whatever is unsafe (scripts, event attributes, styles, javascript: and data:
addresses, unknown elements, keeping their text); then a structural pass puts what is left into
the blocks the editor, readers' pages, search and the revision compare all share.
"""

import hashlib
import html
import re
from functools import lru_cache
from urllib.parse import urlsplit

import nh3
from django.conf import settings
from django.core.exceptions import ValidationError

from newsroom.core.files import sizes_text
from newsroom.core.visible import has_visible
from newsroom.stories.body.videos import parse_video

HEADINGS = ("h2", "h3", "h4")
INLINE_TAGS = frozenset({"a", "strong", "em", "sub", "sup", "abbr", "br"})
# What the body's first writers used, and what the editor accepts from a paste.
_RENAMED = {"b": "strong", "i": "em", "h1": "h2", "h5": "h4", "h6": "h4"}
_STRUCTURE_TAGS = {"p", "ul", "ol", "li", "blockquote", "table", "caption", "thead", "tbody", "tfoot", "tr"}
_SANITISED = {
    "tags": INLINE_TAGS | _RENAMED.keys() | _STRUCTURE_TAGS | {*HEADINGS, "th", "td", "figure", "iframe"},
    "attributes": {
        "a": {"href", "data-story"},
        "abbr": {"title"},
        "ol": {"start"},
        "th": {"colspan", "rowspan"},
        "td": {"colspan", "rowspan"},
        "figure": {"data-photo", "data-caption", "data-video", "data-title"},
        "iframe": {"src", "title"},
    },
    "allowed_classes": {"blockquote": {"pull-quote"}},
    "url_schemes": {"http", "https", "mailto"},
    "link_rel": None,  # readers' pages add rel to outside links; the stored form stays bare
}
PULL_QUOTE = "pull-quote"
# Attributes are written in one order, so the same body is always the same text.
_ATTRIBUTE_ORDER = (
    "href",
    "data-story",
    "rel",
    "title",
    "start",
    "class",
    "scope",
    "colspan",
    "rowspan",
    "data-photo",
    "data-caption",
    "data-video",
    "data-title",
)
KEY = re.compile(r"[1-9][0-9]{0,17}")
_SPAN = re.compile(r"[1-9][0-9]{0,2}")
_SPACES = re.compile(r"[ \t\n\r\f]+")  # HTML's white space; a non-breaking space is the writer's own

# Where a block stands decides what it may be: lists nest in list items, and quotes and table
# cells hold paragraphs only, so anything else found there is kept as paragraphs of its text.
TOP, ITEM, QUOTE, CELL = "top", "item", "quote", "cell"


# --------------------------------------------------------------------------- the tree


class Element:
    __slots__ = ("tag", "attrs", "children")

    def __init__(self, tag: str, attrs: dict | None = None, children: list | None = None):
        self.tag, self.attrs, self.children = tag, attrs or {}, children or []


# nh3 writes its output as html5ever serialises HTML: tags and attribute names in lower case, every
# attribute value in double quotes with its own quotes written &quot;, "<" and ">" in text escaped.
# That is regular enough for a scanner, a few times faster than html.parser; readers' pages clean
# the body again each time a page is made.
_TOKEN = re.compile(r'<(/?)([a-z][a-z0-9]*)((?:\s+[^\s"\'<>/=]+(?:="[^"]*")?)*)\s*/?>|([^<]+)|<')
_ATTRIBUTE = re.compile(r'([^\s"\'<>/=]+)(?:="([^"]*)")?')


def _unescaped(text: str) -> str:
    return html.unescape(text) if "&" in text else text


def _tree(markup: str) -> Element:
    """nh3's output, which html5ever has already made well formed, as a tree."""
    root = Element("body")
    open_elements = [root]
    for closing, tag, attributes, text in _TOKEN.findall(markup):
        if not tag:
            children = open_elements[-1].children
            text = _unescaped(text or "<")
            if children and isinstance(children[-1], str):
                children[-1] += text
            else:
                children.append(text)
        elif closing:
            for depth in range(len(open_elements) - 1, 0, -1):
                if open_elements[depth].tag == tag:
                    del open_elements[depth:]
                    break
        else:
            element = Element(tag, {name: _unescaped(value) for name, value in _ATTRIBUTE.findall(attributes)})
            open_elements[-1].children.append(element)
            if tag != "br":
                open_elements.append(element)
    return root


def _sanitised_tree(markup: str) -> Element:
    return _tree(nh3.clean(markup, **_SANITISED))


def walk(node):
    for child in node.children:
        if isinstance(child, Element):
            yield child
            yield from walk(child)


# --------------------------------------------------------------------------- cleaning


def clean_body(markup: str) -> str:
    """The body in its canonical form. Idempotent: clean_body(clean_body(x)) == clean_body(x)."""
    return "".join(to_html(block) for block in canonical_blocks(markup or ""))


def canonical_blocks(markup: str) -> list[Element]:
    if not markup.strip():
        return []
    return _blocks(_sanitised_tree(markup).children, TOP)


# Digests of bodies found already canonical. Cleaning such a body again gives back its own text,
# so the next time it is read straight from that text, without cleaning it again: a site's bodies are
# written by clean_body and read on every page made. Forgotten all at once when full (16 bytes each).
_KNOWN_CANONICAL: set[bytes] = set()
KNOWN_CANONICAL_LIMIT = 50_000


def _digest(body: str) -> bytes:
    return hashlib.blake2b(body.encode(), digest_size=16).digest()


@lru_cache(maxsize=256)
def stored_blocks(body: str) -> tuple[Element, ...]:
    """The blocks of a stored body, cleaned again as readers' pages require; shared, never changed."""
    digest = _digest(body)
    if digest in _KNOWN_CANONICAL:
        return tuple(_tree(body).children)
    blocks = tuple(canonical_blocks(body))
    if "".join(to_html(block) for block in blocks) == body:
        if len(_KNOWN_CANONICAL) >= KNOWN_CANONICAL_LIMIT:
            _KNOWN_CANONICAL.clear()
        _KNOWN_CANONICAL.add(digest)
    return blocks


def _is_inline(node) -> bool:
    return isinstance(node, str) or node.tag in INLINE_TAGS or node.tag in ("b", "i")


def _blocks(nodes: list, context: str) -> list[Element]:
    """Blocks from a run of nodes: loose text and inline elements become a paragraph."""
    blocks, run = [], []
    for node in [*nodes, None]:
        if node is not None and _is_inline(node):
            run.append(node)
            continue
        if run:
            blocks.extend(_paragraph(run))
            run = []
        if node is not None:
            blocks.extend(_block(node, context))
    return blocks


def _paragraph(nodes: list, tag: str = "p") -> list[Element]:
    inline = _tidy(_inline(nodes))
    return [Element(tag, {}, inline)] if has_words(inline) else []


def _block(node: Element, context: str) -> list[Element]:
    tag = _RENAMED.get(node.tag, node.tag)
    if tag == "p":
        return _paragraph(node.children)
    if tag in HEADINGS:
        return _paragraph(node.children, tag if context == TOP else "p")
    if tag in ("ul", "ol") and context in (TOP, ITEM):
        return _list(node, tag)
    if tag == "blockquote":
        paragraphs = _blocks(node.children, QUOTE)
        if context != TOP or not paragraphs:
            return paragraphs
        attrs = {"class": PULL_QUOTE} if PULL_QUOTE in node.attrs.get("class", "").split() else {}
        return [Element("blockquote", attrs, paragraphs)]
    if tag == "table" and context == TOP:
        return _table(node)
    if tag == "figure":
        figure = _figure(node) if context == TOP else None
        return [figure] if figure else _blocks(node.children, context)
    if tag == "iframe":
        video = parse_video(node.attrs.get("src", "")) if context == TOP else None
        return [_video_figure(video, node.attrs.get("title", ""))] if video else []  # other frames: dropped
    # A list item, table part or list found out of place: its content, where it stands.
    return _blocks(node.children, context)


def _list(node: Element, tag: str) -> list[Element]:
    items, stray = [], []

    def add_stray():
        content = _blocks(stray, ITEM)
        if content:
            items.append(Element("li", {}, content))
        stray.clear()

    for child in node.children:
        if isinstance(child, Element) and child.tag == "li":
            add_stray()
            content = _blocks(child.children, ITEM)
            if content:
                items.append(Element("li", {}, content))
        elif isinstance(child, Element) and child.tag in ("ul", "ol") and items:
            add_stray()
            items[-1].children.extend(_list(child, child.tag))  # a list in a list belongs to the item above
        else:
            stray.append(child)
    add_stray()
    if not items:
        return []
    start = node.attrs.get("start", "").strip()
    attrs = {"start": str(int(start))} if tag == "ol" and re.fullmatch(r"[0-9]{1,9}", start) else {}
    return [Element(tag, attrs, items)]


def _table(node: Element) -> list[Element]:
    """The editor's table: one tbody of rows of cells, each cell paragraphs (an empty one when empty).

    A header row is kept as its cells are (th); a table without one is kept too, for the checks
    before publishing to name. A caption is kept as a paragraph above the table.
    """
    above, rows = [], []
    for part in walk(node):
        if part.tag == "caption":
            above.extend(_blocks(part.children, CELL))
        elif part.tag == "tr":
            cells = [_cell(cell) for cell in part.children if isinstance(cell, Element) and cell.tag in ("th", "td")]
            if cells:
                rows.append(Element("tr", {}, cells))
    if not rows:
        return above
    return [*above, Element("table", {}, [Element("tbody", {}, rows)])]


def _cell(cell: Element) -> Element:
    attrs = {name: cell.attrs[name].strip() for name in ("colspan", "rowspan") if name in cell.attrs}
    attrs = {name: value for name, value in attrs.items() if _SPAN.fullmatch(value) and value != "1"}
    return Element(cell.tag, attrs, _blocks(cell.children, CELL) or [Element("p")])


def _figure(node: Element) -> Element | None:
    photo = node.attrs.get("data-photo", "").strip()
    if KEY.fullmatch(photo):
        caption = plain(node.attrs.get("data-caption", ""))
        return Element("figure", {"data-photo": photo, **({"data-caption": caption} if caption else {})})
    video = parse_video(node.attrs.get("data-video", ""))
    return _video_figure(video, node.attrs.get("data-title", "")) if video else None


def _video_figure(video, title: str) -> Element:
    return Element("figure", {"data-video": video.page_url, "data-title": plain(title)})


def _inline(nodes: list, *, in_link: bool = False) -> list:
    inline = []
    for node in nodes:
        if isinstance(node, str):
            inline.append(node)
            continue
        tag = _RENAMED.get(node.tag, node.tag)
        if tag == "br":
            inline.append(Element("br"))
        elif tag in ("strong", "em", "sub", "sup"):
            inline.append(Element(tag, {}, _inline(node.children, in_link=in_link)))
        elif tag == "abbr":
            title = plain(node.attrs.get("title", ""))
            inline.append(Element("abbr", {"title": title} if title else {}, _inline(node.children, in_link=in_link)))
        elif tag == "a":
            attrs = None if in_link else _link_attributes(node.attrs)
            children = _inline(node.children, in_link=True)
            inline.extend([Element("a", attrs, children)] if attrs else children)
        elif tag not in ("figure", "iframe"):  # no photo or video inside a line of text
            # A block inside a line (<em><p>…</p></em>): its words, kept apart from their neighbours.
            inline.extend([" ", *_inline(node.children, in_link=in_link), " "])
    return inline


def _link_attributes(attrs: dict) -> dict | None:
    """An outside address (http, https, mailto), a path on this site, and the id of a linked story."""
    href, story = attrs.get("href", "").strip(), attrs.get("data-story", "").strip()
    found = {}
    parts = urlsplit(href) if href else None
    if parts and (
        (parts.scheme in ("http", "https") and parts.netloc)
        or parts.scheme == "mailto"
        or (not parts.scheme and href.startswith("/") and not href.startswith("//"))
    ):
        found["href"] = href
    if KEY.fullmatch(story):
        found["data-story"] = story
    return found or None


def _tidy(inline: list) -> list:
    """White space as a reader sees it: runs made one space, none at the ends of the block or
    around a line break, and elements left empty removed."""
    texts = []  # (parent list, index) of each text, in reading order

    def collapse(nodes):
        for index, node in enumerate(nodes):
            if isinstance(node, str):
                nodes[index] = _SPACES.sub(" ", node)
                texts.append((nodes, index))
            elif node.tag == "br":
                texts.append((None, None))
            else:
                collapse(node.children)

    collapse(inline)
    space_before, last = True, None
    for nodes, index in texts:
        if nodes is None:  # a line break: no space on either side of it
            if last:
                last[0][last[1]] = last[0][last[1]].rstrip(" ")
            space_before, last = True, None
            continue
        text = nodes[index].lstrip(" ") if space_before else nodes[index]
        nodes[index] = text
        if text:
            space_before, last = text.endswith(" "), (nodes, index)
    if last:
        last[0][last[1]] = last[0][last[1]].rstrip(" ")
    return _without_empty(inline)


def _without_empty(nodes: list) -> list:
    kept = []
    for node in nodes:
        if isinstance(node, str):
            if node:
                if kept and isinstance(kept[-1], str):
                    kept[-1] += node
                else:
                    kept.append(node)
        elif node.tag == "br":
            kept.append(node)
        else:
            node.children = _without_empty(node.children)
            if node.children:
                kept.append(node)
    return kept


def has_words(inline: list) -> bool:
    return any(node.strip(" ") if isinstance(node, str) else has_words(node.children) for node in inline)


def plain(value: str) -> str:
    return _SPACES.sub(" ", value).strip()


def to_html(node) -> str:
    if isinstance(node, str):
        return html.escape(node, quote=False)
    if node.tag == "br":
        return "<br>"
    return f"<{node.tag}{attributes_html(node.attrs)}>{''.join(to_html(child) for child in node.children)}</{node.tag}>"


def attributes_html(attrs: dict) -> str:
    return "".join(f' {name}="{html.escape(attrs[name])}"' for name in _ATTRIBUTE_ORDER if name in attrs)


# --------------------------------------------------------------------------- what a save refuses


def video_problems(markup: str, *, tree: Element | None = None) -> list[str]:
    """What stops a body being saved: each video block whose address is not an allowed video or
    that has no title, named by its place among the videos and its address."""
    problems, number = [], 0
    for node in walk(tree or _sanitised_tree(markup or "")):
        if node.tag == "figure" and "data-video" in node.attrs and not KEY.fullmatch(node.attrs.get("data-photo", "")):
            address, title = node.attrs["data-video"].strip(), node.attrs.get("data-title", "")
        elif node.tag == "iframe" and parse_video(node.attrs.get("src", "")):
            address, title = node.attrs["src"].strip(), node.attrs.get("title", "")
        else:
            continue  # other frames are dropped, as any unknown element is
        number += 1
        video = parse_video(address)
        shown = address if len(address) <= 80 else address[:79] + "…"
        if video is None:
            problems.append(
                f"Video {number} ({shown or 'no address'}): only YouTube and DVIDS videos can be shown, with an "
                "address like https://www.youtube.com/watch?v=… or https://www.dvidshub.net/video/…. "
                "Link to this video in the text instead, or remove the block."
            )
        elif not has_visible(title):
            problems.append(
                f"Video {number} ({video.page_url}) has no title. Give it one: it names the video for "
                "readers who use a screen reader and for those it cannot play for."
            )
    return problems


def body_size_problem(markup: str) -> str:
    """What is wrong with the body's size, or "": its HTML (in UTF-8) over STORY_BODY_MAX_KB."""
    limit = settings.STORY_BODY_MAX_KB * 1024
    if len(markup) * 4 <= limit:  # a character is at most four bytes: plainly within it
        return ""
    size = len(markup.encode())
    if size <= limit:
        return ""
    size, limit = sizes_text(size, limit)
    return (
        f"The body is {size} of HTML; the limit is {limit} (STORY_BODY_MAX_KB). "
        "Shorten it, or split it into two stories."
    )


def caption_problems(markup: str, *, tree: Element | None = None) -> list[str]:
    """Each photo block whose caption for this story is there but shows nothing (zero-width
    spaces, direction marks…), named by its place among the photos: readers would get an empty
    caption in place of the photo's own."""
    photos = [
        node
        for node in walk(tree or _sanitised_tree(markup or ""))
        if node.tag == "figure" and KEY.fullmatch(node.attrs.get("data-photo", "").strip())
    ]
    return [
        f"The caption of photo {number} has no visible characters. Write one, or leave it empty for "
        "the photo's own caption."
        for number, node in enumerate(photos, start=1)
        if plain(node.attrs.get("data-caption", "")) and not has_visible(node.attrs["data-caption"])
    ]


def validate_body(markup: str) -> None:
    """The body field's validator: the admin's form and every save through the write path run it.

    The size first: a body over the limit is not read any further."""
    too_large = body_size_problem(markup)
    if too_large:
        raise ValidationError(too_large, code="body_too_large")
    tree = _sanitised_tree(markup or "")
    problems = video_problems(markup, tree=tree)
    if problems:
        raise ValidationError(problems, code="video")
    problems = caption_problems(markup, tree=tree)
    if problems:
        raise ValidationError(problems, code="caption")
