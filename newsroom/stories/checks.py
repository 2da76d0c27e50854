"""The checks before publishing (issue 16): what makes a story hard to read or to use with a screen
reader, found in the story as readers will see it.

Each check has an id (the key of PUBLISH_CHECKS, which makes it a "blocker" or a "warning"), a
name for the record, and findings in words an editor understands, each saying where it was found.
The admin lists them live beside the editor (StoryAdmin.publish_checks_view) and again at
*Publish* (services.story_publish): a blocker refuses publication; a warning needs an Editor's
reason. What was checked, what was found and who published past it are kept with the revision.

The story is read as readers get it: its body in the canonical form (stories/body/), its placed
photos' alt text beside the caption readers see (the story's own caption, or the photo's).
"""

import re
import string
from dataclasses import asdict, dataclass

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from newsroom.photos.imaging import DISCLOSED_WORDS
from newsroom.photos.models import PhotoAsset
from newsroom.stories.body import clean_body, photo_blocks
from newsroom.stories.body.clean import HEADINGS, Element, stored_blocks, walk

BLOCKER, WARNING = "blocker", "warning"

# id: (what is checked, in the record's words; its level unless PUBLISH_CHECKS says otherwise)
CHECKS = {
    "skipped-heading": ("Subheadings go down one level at a time", WARNING),
    "empty-heading": ("Subheadings have words", BLOCKER),
    "vague-link": ("Link text says where the link goes (not “click here”, “read more” or a bare address)", WARNING),
    "alt-file-name": ("Alt text is not a file name", BLOCKER),
    "alt-virin": ("Alt text is not a VIRIN", BLOCKER),
    "alt-image-of": ("Alt text does not start with “image of” or “photo of”", WARNING),
    "alt-repeats-caption": ("Alt text does not repeat the caption", WARNING),
    "alt-too-long": ("Alt text is at most 150 characters", WARNING),
    "photo-disclosure": ("A photo whose original records edits says so in its caption (DoDI 5040.02)", WARNING),
    "table-header": ("Tables have a header row", BLOCKER),
    "summary-length": ("The summary fits a search result (at most 160 characters)", WARNING),
    "reading-grade": ("The body reads at or below the site's target grade (Flesch-Kincaid)", WARNING),
}
ALT_TEXT_LIMIT = 150
SUMMARY_LIMIT = 160
# Fewer words than this give a reading grade that means little.
READING_GRADE_MIN_WORDS = 30

VAGUE_LINK_TEXT = frozenset(
    {
        "click here",
        "click",
        "here",
        "read more",
        "more",
        "learn more",
        "more info",
        "more information",
        "see more",
        "find out more",
        "continue reading",
        "details",
        "link",
        "this link",
        "this",
        "this page",
        "go",
        "website",
    }
)
_BARE_ADDRESS = re.compile(r"(https?://|www\.)\S+|\S+\.(gov|mil|com|org|net|edu)(/\S*)?", re.IGNORECASE)
_FILE_NAME = re.compile(
    r"\S+\.(jpe?g|png|gif|webp|tiff?|heic|bmp|svg|dng|raw|cr2|nef)"
    r"|(img|dsc|dscn|dscf|pxl|mvimg|p|photo|image)[ _-]?\d{3,}\w*",
    re.IGNORECASE,
)
_VIRIN = re.compile(r"\d{6}-[a-z]-[a-z0-9]{5}-\d{4}(-[a-z]{2})?(\.\w+)?", re.IGNORECASE)
# Words a caption uses to say a photo was altered (DoDI 5040.02: "photo illustration", "digitally
# altered to ...", "composite image", "generated with ...").
_DISCLOSED = re.compile(
    r"\b(photo[- ]illustration|illustration|digitally|altered|edited|enhanced|manipulated|composite|"
    r"generated|ai-generated|artificial intelligence|retouched)\b",
    re.IGNORECASE,
)
_IMAGE_OF = re.compile(r"(an? )?(image|photo|photograph|picture|pic|graphic) of\b", re.IGNORECASE)


@dataclass(frozen=True)
class Finding:
    check: str  # the check's id
    level: str  # BLOCKER or WARNING, as PUBLISH_CHECKS sets it
    message: str  # what is wrong and what to do, in an editor's words
    where: str  # where it was found: "Summary", "Subheading 2", "Photo 210614-A-KX193-1002" ...

    def as_dict(self) -> dict:
        return asdict(self)


@dataclass(frozen=True)
class PhotoShown:
    """A placed photo as readers meet it."""

    virin: str
    alt_text: str
    caption: str  # the caption readers see: the story's own for it, or the photo's
    edits: tuple[str, ...] = ()  # what the original's Content Credentials record beyond the standard adjustments


def levels() -> dict[str, str]:
    """Each check's level: CHECKS's, with the site's PUBLISH_CHECKS over it."""
    chosen = getattr(settings, "PUBLISH_CHECKS", {}) or {}
    unknown = chosen.keys() - CHECKS.keys()
    wrong = {value for value in chosen.values() if value not in (BLOCKER, WARNING)}
    if unknown or wrong:
        raise ImproperlyConfigured(
            f"PUBLISH_CHECKS names checks {', '.join(sorted(CHECKS))}, each “blocker” or “warning”; "
            f"not {', '.join(sorted(unknown | wrong))}."
        )
    return {check: chosen.get(check, level) for check, (_name, level) in CHECKS.items()}


def reading_grade_target() -> float:
    return float(getattr(settings, "READING_GRADE_TARGET", 10))


# --------------------------------------------------------------------------- what is read


def _text(node) -> str:
    if isinstance(node, str):
        return node
    if node.tag == "br":
        return " "
    return "".join(_text(child) for child in node.children)


def _words(value: str) -> str:
    """Text as compared: lower case, no punctuation, single spaces."""
    value = value.lower().translate(str.maketrans(string.punctuation + "“”‘’…—–", " " * (len(string.punctuation) + 7)))
    return " ".join(value.split())


def _quoted(text: str, limit: int = 60) -> str:
    text = " ".join(text.split())
    return f"“{text if len(text) <= limit else text[: limit - 1].rstrip() + '…'}”"


# --------------------------------------------------------------------------- the checks


def _headings(blocks) -> list[tuple[str, str]]:
    found, levels_seen, number = [], 1, 0  # the headline is level 1
    for block in blocks:
        if block.tag not in HEADINGS:
            continue
        number += 1
        level, text = int(block.tag[1]), " ".join(_text(block).split())
        where = f"Subheading {number}"
        if not any(character.isalnum() for character in text):
            found.append(
                (
                    "empty-heading",
                    f"Subheading {number} has no words{f' (only {_quoted(text)})' if text else ''}: "
                    "screen readers announce it as an empty heading. Give it words, or make it a paragraph.",
                    where,
                )
            )
        elif level > levels_seen + 1:
            before = "the headline, level 1" if levels_seen == 1 else f"level {levels_seen}"
            found.append(
                (
                    "skipped-heading",
                    f"Subheading {_quoted(text)} skips from {before} to level {level}: use level {levels_seen + 1}.",
                    where,
                )
            )
        levels_seen = level
    return found


def _block_names(blocks):
    """Each block with its name for an editor: "Paragraph 3", "Table 1", "Subheading 2" ..."""
    counts = {}
    names = {"p": "Paragraph", "ul": "List", "ol": "List", "blockquote": "Quote", "table": "Table"}
    for block in blocks:
        kind = "Subheading" if block.tag in HEADINGS else names.get(block.tag)
        if kind is None:
            continue
        counts[kind] = counts.get(kind, 0) + 1
        yield block, f"{kind} {counts[kind]}"


def _links(blocks) -> list[tuple[str, str, str]]:
    found = []
    for block, where in _block_names(blocks):
        for node in (block, *walk(block)):
            if not isinstance(node, Element) or node.tag != "a":
                continue
            text = " ".join(_text(node).split())
            if _words(text) in VAGUE_LINK_TEXT:
                found.append(
                    (
                        "vague-link",
                        f"Link {_quoted(text)} in {where.lower()} does not say where it goes: screen-reader users "
                        "often hear links on their own. Link words that name the page, such as its title.",
                        where,
                    )
                )
            elif _BARE_ADDRESS.fullmatch(text):
                found.append(
                    (
                        "vague-link",
                        f"Link {_quoted(text)} in {where.lower()} is a bare web address, read out letter by letter. "
                        "Link words that name the page instead.",
                        where,
                    )
                )
    return found


def _tables(blocks) -> list[tuple[str, str, str]]:
    found = []
    for block, where in _block_names(blocks):
        if block.tag != "table":
            continue
        rows = [row for row in walk(block) if row.tag == "tr"]
        first = [cell for cell in rows[0].children if isinstance(cell, Element)] if rows else []
        if first and not all(cell.tag == "th" for cell in first):
            words = ", ".join(" ".join(_text(cell).split()) for cell in first[:3])
            found.append(
                (
                    "table-header",
                    f"{where} (first row {_quoted(words)}) has no header row, so screen readers cannot say which "
                    "column a cell is in. Make the first row's cells heading cells (the table button "
                    "“Heading cell on or off”).",
                    where,
                )
            )
    return found


def _alt_text(photos: list[PhotoShown]) -> list[tuple[str, str, str]]:
    found = []
    for photo in photos:
        alt = " ".join(photo.alt_text.split())
        if not alt:
            continue  # missing alt text is refused by story_publication_problems already
        where = f"Photo {photo.virin}"
        if _VIRIN.fullmatch(alt) or alt.upper() == photo.virin.upper():
            found.append(
                (
                    "alt-virin",
                    f"Photo {photo.virin}'s alt text is its VIRIN, {_quoted(alt)}: say what the photo shows.",
                    where,
                )
            )
        elif _FILE_NAME.fullmatch(alt):
            found.append(
                (
                    "alt-file-name",
                    f"Photo {photo.virin}'s alt text is a file name, {_quoted(alt)}: say what the photo shows.",
                    where,
                )
            )
        if _IMAGE_OF.match(alt):
            found.append(
                (
                    "alt-image-of",
                    f"Photo {photo.virin}'s alt text starts {_quoted(alt.split(' of ')[0] + ' of')}: screen readers "
                    "say it is an image already. Start with what it shows.",
                    where,
                )
            )
        caption = _words(photo.caption)
        if caption and (_words(alt) == caption or (len(_words(alt)) >= 20 and _words(alt) in caption)):
            found.append(
                (
                    "alt-repeats-caption",
                    f"Photo {photo.virin}'s alt text repeats its caption, so screen-reader users hear it twice. "
                    "Describe what the picture shows that the caption does not say.",
                    where,
                )
            )
        if len(alt) > ALT_TEXT_LIMIT:
            found.append(
                (
                    "alt-too-long",
                    f"Photo {photo.virin}'s alt text is {len(alt)} characters; keep it to {ALT_TEXT_LIMIT} "
                    "(put the rest in the caption).",
                    where,
                )
            )
    return found


def _edits_in_words(edits) -> str:
    return "; ".join(f"{DISCLOSED_WORDS[code]} ({code})" if code in DISCLOSED_WORDS else code for code in edits)


def _disclosure(photos: list[PhotoShown]) -> list[tuple[str, str, str]]:
    return [
        (
            "photo-disclosure",
            f"Photo {photo.virin}'s original says in its Content Credentials that it was {_edits_in_words(photo.edits)}, "
            "and its caption does not say so. Say what was done (for example “Photo illustration by …” or “This "
            "image was digitally altered to …”), or choose another photo.",
            f"Photo {photo.virin}",
        )
        for photo in photos
        if photo.edits and not _DISCLOSED.search(photo.caption)
    ]


def _summary(summary: str) -> list[tuple[str, str, str]]:
    length = len(" ".join(summary.split()))
    if length <= SUMMARY_LIMIT:
        return []
    return [
        (
            "summary-length",
            f"The summary is {length} characters; search results show about {SUMMARY_LIMIT}, so cut "
            f"{length - SUMMARY_LIMIT}.",
            "Summary",
        )
    ]


def reading_grade(text: str) -> float | None:
    """The body's Flesch-Kincaid grade (textstat), or None when it has too few words to mean much."""
    if len(text.split()) < READING_GRADE_MIN_WORDS:
        return None
    import textstat  # loads its word list (the CMU dictionary) the first time: only when needed

    return round(float(textstat.flesch_kincaid_grade(text)), 1)


def _grade(blocks) -> tuple[float | None, list[tuple[str, str, str]]]:
    prose = []
    for block in blocks:
        if "data-photo" in block.attrs or "data-video" in block.attrs:
            continue
        prose.append(" ".join(_text(block).split()))
        if block.tag in HEADINGS:
            prose[-1] += "."  # a subheading is a line of its own, not the start of the next sentence
    grade, target = reading_grade("\n".join(prose)), reading_grade_target()
    if grade is None or grade <= target:
        return grade, []
    return grade, [
        (
            "reading-grade",
            f"The body reads at grade {grade:g}; this site aims for grade {target:g} or below. "
            "Shorter sentences and plainer words bring it down.",
            "Body",
        )
    ]


# --------------------------------------------------------------------------- running them


@dataclass(frozen=True)
class Result:
    findings: list[Finding]
    reading_grade: float | None

    @property
    def target(self) -> float:
        return reading_grade_target()

    @property
    def blockers(self) -> list[Finding]:
        return [finding for finding in self.findings if finding.level == BLOCKER]

    @property
    def warnings(self) -> list[Finding]:
        return [finding for finding in self.findings if finding.level == WARNING]

    def record(self) -> dict:
        """What the revision keeps: every check run with its level, what was found, the grade."""
        chosen = levels()
        return {
            "checked": [{"check": check, "name": name, "level": chosen[check]} for check, (name, _) in CHECKS.items()],
            "findings": [finding.as_dict() for finding in self.findings],
            "reading_grade": self.reading_grade,
            "reading_grade_target": reading_grade_target(),
        }

    def as_json(self) -> dict:
        return {
            "findings": [finding.as_dict() for finding in self.findings],
            "blockers": len(self.blockers),
            "warnings": len(self.warnings),
            "reading_grade": self.reading_grade,
            "reading_grade_target": reading_grade_target(),
        }


def run_checks(*, summary: str, body: str, photos: list[PhotoShown]) -> Result:
    """Every check, on a stored (canonical) body and the photos it places, in order."""
    blocks = stored_blocks(body or "")
    chosen = levels()
    found = [*_summary(summary or ""), *_headings(blocks), *_links(blocks), *_tables(blocks), *_alt_text(photos)]
    found += _disclosure(photos)
    grade, too_hard = _grade(blocks)
    found += too_hard
    return Result([Finding(check, chosen[check], message, where) for check, message, where in found], grade)


def story_checks(story) -> Result:
    """The checks on a saved story, its photos as its placements show them."""
    placements = story.placements.select_related("photo").order_by("order", "pk")
    photos = [
        PhotoShown(
            placement.photo.virin,
            placement.photo.alt_text,
            placement.caption or placement.photo.caption,
            tuple(placement.photo.original_edits),
        )
        for placement in placements
    ]
    return run_checks(summary=story.summary, body=story.body, photos=photos)


def draft_checks(*, summary: str, body: str) -> Result:
    """The checks on what an editor has typed and not saved yet: the body as a save would keep it."""
    body = clean_body(body or "")
    blocks = photo_blocks(body)
    found = PhotoAsset.objects.in_bulk([block.photo_id for block in blocks])
    photos = [
        PhotoShown(
            found[block.photo_id].virin,
            found[block.photo_id].alt_text,
            block.caption or found[block.photo_id].caption,
            tuple(found[block.photo_id].original_edits),
        )
        for block in blocks
        if block.photo_id in found
    ]
    return run_checks(summary=summary, body=body, photos=photos)
