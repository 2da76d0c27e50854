"""Parse the legacy plain-text layout of a story (docs/DOMAIN.md section 7).

The layout is a story page's text as copied from a browser: the official-site banner, the
headline, the archive notice (if archived), the summary, paragraphs separated by blank lines,
photo blocks of five lines with no blank line between them, and a trailing ``Related Stories``
heading with one headline a line. This module only reads text: it touches no database and no
files, so the command (or anything else) decides what to do with a ``ParsedStory``.
"""

from __future__ import annotations

import codecs
import datetime
import re
import unicodedata
from dataclasses import dataclass, field

from newsroom.core.apstyle import AP_MONTHS, MONTHS
from newsroom.photos.virin import VirinError, parse_virin

ARCHIVE_NOTICE_START = "You have accessed part of a historical collection"
BANNER_START = "An official website of the United States Government"
BANNER_LAST_HEADING = "Secure .gov websites use HTTPS"
BANNER_LOCK_NOTICE = "A lock"
RELATED_HEADING = "Related Stories"
PHOTO_BY = "Photo By:"
VIRIN_PREFIX = "VIRIN:"

# Spaces a browser copy carries that mean an ordinary space.
_ODD_SPACES = str.maketrans({"\u00a0": " ", "\u202f": " ", "\u2007": " ", "\ufeff": ""})
_RUNS_OF_SPACE = re.compile(r"[ \t]+")
_QUOTES = str.maketrans({"\u2018": "'", "\u2019": "'", "\u201c": '"', "\u201d": '"', "\u2032": "'"})
_MONTH_NAMES = {name.rstrip(".").lower(): number for number, name in enumerate(MONTHS, start=1)}
_MONTH_NAMES.update({name.rstrip(".").lower(): number for number, name in enumerate(AP_MONTHS, start=1)})
_MONTH_NAMES.update({name[:3].lower(): number for number, name in enumerate(MONTHS, start=1)})
_CAPTION_DATE = re.compile(
    r"\b(" + "|".join(sorted(_MONTH_NAMES, key=len, reverse=True)) + r")\.?\s+(\d{1,2}),\s+(\d{4})\b",
    re.IGNORECASE,
)


class TextStoryError(ValueError):
    """Input that does not follow the layout: ``line_number`` (1-based) and what to fix."""

    def __init__(self, line_number: int, message: str) -> None:
        super().__init__(f"Line {line_number}: {message}")
        self.line_number = line_number
        self.message = message


@dataclass(frozen=True)
class ParsedPhoto:
    after_paragraph: int  # 0: above the first paragraph
    alt_text: str
    title: str
    caption: str
    photographer: str
    credit: str
    virin: str  # canonical form, as parse_virin(lenient=True) writes it
    virin_notes: tuple[str, ...]  # why the VIRIN is not in today's form; empty when it is
    date_taken: datetime.date
    line_number: int


@dataclass(frozen=True)
class ParsedStory:
    headline: str
    summary: str
    paragraphs: list[str]
    photos: list[ParsedPhoto] = field(default_factory=list)
    related_headlines: list[str] = field(default_factory=list)
    is_archived: bool = False
    archive_notice: str = ""

    @property
    def body(self) -> str:
        """The paragraphs in the body's first form, separated by a blank line: stories.body.legacy_body
        makes the blocks of a story's body from it, with the photos where they stood."""
        return "\n\n".join(self.paragraphs)

    def caption_dates(self) -> list[datetime.date]:
        return [day for photo in self.photos for day in dates_in_text(photo.caption)]


def clean_line(line: str) -> str:
    """One line with browser spaces made ordinary; quotes and everything else kept as typed."""
    return _RUNS_OF_SPACE.sub(" ", line.translate(_ODD_SPACES)).strip()


def headline_key(headline: str) -> str:
    """What two headlines share when they are "the same" despite quotes, spaces and case."""
    text = unicodedata.normalize("NFKC", clean_line(headline).translate(_QUOTES))
    return " ".join(text.split()).casefold()


def dates_in_text(text: str) -> list[datetime.date]:
    """Dates written as AP or full month names ("June 14, 2021", "Sept. 3, 2020")."""
    found = []
    for month, day, year in _CAPTION_DATE.findall(text):
        try:
            found.append(datetime.date(int(year), _MONTH_NAMES[month.lower()], int(day)))
        except ValueError:
            continue  # "February 30, 2021": not a date, so not evidence of one
    return found


def _blocks(lines: list[tuple[int, str]]) -> list[list[tuple[int, str]]]:
    """Runs of non-blank lines, each line with its 1-based number in the file."""
    blocks, current = [], []
    for number, text in lines:
        if text:
            current.append((number, text))
        elif current:
            blocks.append(current)
            current = []
    if current:
        blocks.append(current)
    return blocks


def _skip_banner(lines: list[tuple[int, str]]) -> list[tuple[int, str]]:
    """Drop the banner: everything up to and including the paragraph after its HTTPS heading."""
    for index, (_, text) in enumerate(lines):
        if text == BANNER_LAST_HEADING:
            rest = lines[index + 1 :]
            blocks = _blocks(rest)
            if blocks and blocks[0][0][1].startswith(BANNER_LOCK_NOTICE):
                last_banner_line = blocks[0][-1][0]
                return [(number, text) for number, text in rest if number > last_banner_line]
            return rest
    if lines and lines[0][1].startswith(BANNER_START):
        raise TextStoryError(
            lines[0][0],
            f"the banner has no “{BANNER_LAST_HEADING}” line, so where the headline starts is unclear. "
            "Copy the page again with the whole banner, or delete the banner lines.",
        )
    return lines


def _is_photo_line(text: str) -> bool:
    return text.startswith(PHOTO_BY) or text.upper().startswith(VIRIN_PREFIX)


def _photo(block: list[tuple[int, str]], *, after_paragraph: int) -> ParsedPhoto:
    first = block[0][0]
    layout = (
        "A photo block is five lines with no blank line between them: alt text, title, caption, "
        "“Photo By: NAME, ORG”, “VIRIN: 200922-D-BN624-1166”"
    )
    by_lines = [(number, text) for number, text in block if text.startswith(PHOTO_BY)]
    virin_lines = [(number, text) for number, text in block if text.upper().startswith(VIRIN_PREFIX)]
    if not virin_lines:
        number = by_lines[-1][0] if by_lines else block[-1][0]
        raise TextStoryError(
            number + 1,
            f"the photo block that starts on line {first} has no “VIRIN:” line. Add “VIRIN: …” as its "
            f"fifth line, right after “Photo By: …”. {layout}.",
        )
    if not by_lines:
        raise TextStoryError(
            virin_lines[0][0],
            f"the photo block that starts on line {first} has no “Photo By: NAME, ORG” line before its "
            f"VIRIN. {layout}.",
        )
    if len(block) != 5 or not block[3][1].startswith(PHOTO_BY) or not block[4][1].upper().startswith(VIRIN_PREFIX):
        hint = " If a paragraph comes right before it, put a blank line between them." if len(block) > 5 else ""
        raise TextStoryError(first, f"this photo block has {len(block)} lines in the wrong order. {layout}.{hint}")
    (_, alt), (_, title), (_, caption), (_, by_line), (virin_number, virin_line) = block
    names = by_line[len(PHOTO_BY) :].strip()
    photographer, comma, credit = names.rpartition(",")
    if not comma:  # no organization given: the whole line names the photographer
        photographer, credit = names, ""
    if not names:
        raise TextStoryError(block[3][0], "“Photo By:” names nobody; write “Photo By: NAME, ORG”.")
    raw_virin = virin_line[len(VIRIN_PREFIX) :].strip()
    try:
        virin = parse_virin(raw_virin, lenient=True)
    except VirinError as error:
        raise TextStoryError(virin_number, f"{error} Correct the VIRIN line.") from None
    return ParsedPhoto(
        after_paragraph=after_paragraph,
        alt_text=alt,
        title=title,
        caption=caption,
        photographer=photographer.strip(),
        credit=credit.strip(),
        virin=str(virin),
        virin_notes=virin.legacy_reasons,
        date_taken=virin.date_shot,
        line_number=first,
    )


# Byte-order marks of the encodings a text editor may save in, longest first (UTF-32 LE starts
# like UTF-16 LE). Notepad's "Unicode" is UTF-16 LE with its mark.
_MARKED_ENCODINGS = (
    (codecs.BOM_UTF32_LE, "UTF-32", "utf-32"),
    (codecs.BOM_UTF32_BE, "UTF-32", "utf-32"),
    (codecs.BOM_UTF16_LE, "UTF-16", "utf-16"),
    (codecs.BOM_UTF16_BE, "UTF-16", "utf-16"),
)
SAVE_AS_UTF8 = "save it as UTF-8 and import it again."


def _looks_like_utf16(head: bytes) -> bool:
    """Text in UTF-16 without its mark: NULs in one byte of each pair (the high byte of Latin
    letters), almost none in the other. A binary file's NULs fall anywhere."""
    pairs = len(head) // 2
    if pairs < 8:
        return False
    even, odd = head[0 : pairs * 2 : 2].count(0), head[1 : pairs * 2 : 2].count(0)
    return max(even, odd) >= pairs * 0.3 and min(even, odd) <= pairs * 0.02


def story_text(data: bytes) -> str:
    """A saved story's bytes as text: UTF-8 (with or without its mark), or UTF-16 or UTF-32 with
    the mark that says which, as Windows editors save. A TextStoryError says what else it is."""
    for mark, name, codec in _MARKED_ENCODINGS:
        if data.startswith(mark):
            try:
                return data.decode(codec)
            except UnicodeDecodeError as error:
                raise TextStoryError(
                    1,
                    f"It is {name} text (it starts with the {name} mark) but is damaged at byte {error.start}; "
                    + SAVE_AS_UTF8,
                ) from None
    head = data[:8192]
    if _looks_like_utf16(head):
        raise TextStoryError(1, f"It is UTF-16 text without the mark that says which byte comes first; {SAVE_AS_UTF8}")
    if b"\x00" in head:
        raise TextStoryError(1, "It is a binary file, not a text export; give the .txt saved from the story page.")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        raise TextStoryError(
            line,
            f"Line {line} is not UTF-8 (byte 0x{data[error.start]:02x}); save the file as UTF-8 and import it again.",
        ) from None


def parse_text_story(text: str) -> ParsedStory:
    """Read one story in the legacy layout; a TextStoryError names the line to fix."""
    if "\x00" in text:
        raise TextStoryError(1, "the file contains NUL bytes, so it is not a text export. Give a .txt file.")
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    lines = [(number, clean_line(line)) for number, line in enumerate(text.split("\n"), start=1)]
    if not any(line for _, line in lines):
        raise TextStoryError(1, "the file is empty. Give the text of a story page, starting with its headline.")

    blocks = _blocks(_skip_banner(lines))
    if not blocks:
        raise TextStoryError(len(lines), "the file has the banner but no story after it: no headline found.")

    headline_block = blocks.pop(0)
    if len(headline_block) > 1:
        raise TextStoryError(
            headline_block[1][0],
            "the headline must be one line followed by a blank line; put a blank line after the headline.",
        )
    headline = headline_block[0][1]

    notice = ""
    if blocks and blocks[0][0][1].startswith(ARCHIVE_NOTICE_START):
        notice = " ".join(text for _, text in blocks.pop(0))

    if not blocks or blocks[0][0][1] == RELATED_HEADING or _is_photo_line(blocks[0][-1][1]):
        number = blocks[0][0][0] if blocks else lines[-1][0]
        raise TextStoryError(
            number,
            "the story has no summary: after the headline (and archive notice, if any) comes a one-paragraph summary.",
        )
    summary = " ".join(text for _, text in blocks.pop(0))

    paragraphs: list[str] = []
    photos: list[ParsedPhoto] = []
    related: list[str] = []
    seen_virins: dict[str, int] = {}
    for index, block in enumerate(blocks):
        if block[0][1] == RELATED_HEADING:
            related = [text for later in blocks[index:] for _, text in later][1:]
            break
        if any(_is_photo_line(text) for _, text in block):
            photo = _photo(block, after_paragraph=len(paragraphs))
            if photo.virin in seen_virins:
                raise TextStoryError(
                    photo.line_number,
                    f"VIRIN {photo.virin} was already used by the photo block on line {seen_virins[photo.virin]}; "
                    "a photo can appear once in a story.",
                )
            seen_virins[photo.virin] = photo.line_number
            photos.append(photo)
        else:
            paragraphs.append(" ".join(text for _, text in block))
    if not paragraphs:
        raise TextStoryError(lines[-1][0], "the story has a summary but no paragraphs after it.")

    return ParsedStory(
        headline=headline,
        summary=summary,
        paragraphs=paragraphs,
        photos=photos,
        related_headlines=related,
        is_archived=bool(notice),
        archive_notice=notice,
    )
