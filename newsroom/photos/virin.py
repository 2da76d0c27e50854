"""VIRIN: the Visual Information Record Identification Number of a DoD photo or video (DoDI 5040.02).

Form ``YYMMDD-S-XXXXX-NNNN[-CC]``: date shot, service letter, originator ID, scene+item, optional country.
"""

from __future__ import annotations

import calendar
import datetime
import re
from dataclasses import dataclass

import pycountry
from django.core.exceptions import ValidationError

from newsroom.core.apstyle import MONTHS, ap_date

SERVICES: dict[str, str] = {
    "A": "Army",
    "C": "Coalition",  # C, J and L come from older tables; legacy photos still carry them
    "D": "Department of Defense",
    "F": "Air Force",
    "G": "Coast Guard",
    "H": "Homeland Security",
    "J": "Joint",
    "L": "Multinational",
    "M": "Marine Corps",
    "N": "Navy",
    "O": "Other/foreign",
    "S": "State Department",
    "Z": "National Guard",
}

FORM_HELP = (
    "A VIRIN looks like 200922-D-BN624-1166: date YYMMDD, service letter, originator, "
    "four-digit sequence, optional country."
)
PLACEHOLDER_ORIGINATOR = "ZZ999"
SEGMENTS = ("format", "date", "service", "originator", "sequence", "country")

_DATE = re.compile(r"\d{6}")
_PERSON = re.compile(r"[A-Z]{2}\d{3}")
_UNIT = re.compile(r"[A-Z]\d{4}")
_OLD_ORIGINATOR = re.compile(r"\d{4}[A-Z]")  # pre-2000s IDs, lenient only
_SEQUENCE = re.compile(r"(\d)(\d{3})")
_LEGACY_SEQUENCE = re.compile(r"(\d)?(\d{3})([A-Z]?)")  # 3 digits and/or a trailing letter
_COUNTRY = re.compile(r"[A-Z]{2}")
_EXTENSION = re.compile(r"\.(?:jpe?g|png|tiff?|webp)$", re.IGNORECASE)  # seen on live pages


class VirinError(ValueError):
    """An editor-facing message naming the wrong segment; ``.segment`` is one of SEGMENTS.

    A VIRIN can be wrong in several segments at once; ``.problems`` then holds one VirinError
    per segment, in order, so a form can list them all instead of one per save.
    """

    def __init__(self, message: str, segment: str, problems: list[VirinError] | None = None) -> None:
        super().__init__(message)
        self.segment = segment
        self.problems = problems or [self]

    @property
    def messages(self) -> list[str]:
        return [str(problem) for problem in self.problems]


def _raise_all(problems: list[VirinError]) -> None:
    if len(problems) == 1:
        raise problems[0]
    if problems:
        raise VirinError(" ".join(str(problem) for problem in problems), problems[0].segment, problems)


@dataclass(frozen=True)
class Virin:
    date_shot: datetime.date
    service: str
    originator: str
    scene: int  # 1-9; 0 for a legacy three-digit sequence, which had no scene digit
    item: int  # 1-999
    country: str | None = None
    legacy_reasons: tuple[str, ...] = ()  # empty when the input was canonical
    suffix: str = ""  # legacy trailing letter on the sequence ("349C"); kept so str() round-trips

    @property
    def service_name(self) -> str:
        return SERVICES[self.service]

    @property
    def originator_kind(self) -> str:
        if _PERSON.fullmatch(self.originator):
            return "person"
        return "unit" if _UNIT.fullmatch(self.originator) else "legacy"

    @property
    def is_canonical(self) -> bool:
        return not self.legacy_reasons

    @property
    def sequence(self) -> str:
        digits = f"{self.scene}{self.item:03d}" if self.scene else f"{self.item:03d}"
        return digits + self.suffix

    def __str__(self) -> str:
        text = f"{self.date_shot:%y%m%d}-{self.service}-{self.originator}-{self.sequence}"
        return f"{text}-{self.country}" if self.country else text

    def explain(self) -> list[tuple[str, str]]:
        rows = [
            ("Date shot", ap_date(self.date_shot)),
            ("Service", f"{self.service} — {self.service_name}"),
            ("Originator", f"{self.originator} ({self.originator_kind})"),
        ]
        if self.scene:
            rows.append(("Scene", str(self.scene)))
        rows.append(("Item", str(self.item)))
        if self.suffix:
            rows.append(("Suffix", self.suffix))
        if self.country:
            country = pycountry.countries.get(alpha_2=self.country)
            rows.append(("Country", getattr(country, "common_name", None) or country.name))
        if self.legacy_reasons:
            rows.append(("Legacy", " ".join(self.legacy_reasons)))
        return rows


def _known_letters() -> str:
    return ", ".join(f"{letter} ({name})" for letter, name in sorted(SERVICES.items()))


def _parse_date(part: str, quoted: str, today: datetime.date) -> datetime.date:
    if not _DATE.fullmatch(part):
        raise VirinError(f'Date "{part}" in {quoted} must be six digits, YYMMDD (e.g. 200922).', "date")
    yy, month, day = int(part[:2]), int(part[2:4]), int(part[4:])
    # Two-digit years: up to this year means this century, anything later the last one.
    century = today.year // 100 * 100
    year = century + yy if yy <= today.year % 100 else century - 100 + yy
    if not 1 <= month <= 12:
        raise VirinError(f"Month {month:02d} in {quoted} is not a real date (YYMMDD).", "date")
    days_in_month = calendar.monthrange(year, month)[1]
    if not 1 <= day <= days_in_month:
        raise VirinError(
            f"Day {day:02d} in {quoted} is not a real date: {MONTHS[month - 1]} {year} "
            f"has {days_in_month} days (YYMMDD).",
            "date",
        )
    shot = datetime.date(year, month, day)
    if shot > today:
        raise VirinError(
            f"Date {part} in {quoted} is {ap_date(shot)}, which is in the future; "
            "YYMMDD is the day the photo was taken.",
            "date",
        )
    return shot


def _check_service(service: str, quoted: str) -> None:
    if service not in SERVICES:
        raise VirinError(
            f'Unknown service letter "{service}" in {quoted}; known letters: {_known_letters()}.',
            "service",
        )


def _check_originator(originator: str, quoted: str, lenient: bool, reasons: list[str]) -> None:
    if originator == PLACEHOLDER_ORIGINATOR:
        raise VirinError(
            f'"{originator}" in {quoted} is the manual\'s placeholder originator ID, not a real one.',
            "originator",
        )
    if lenient and _OLD_ORIGINATOR.fullmatch(originator):
        reasons.append(f'Old originator ID "{originator}" (four digits and a letter).')
    elif not (_PERSON.fullmatch(originator) or _UNIT.fullmatch(originator)):
        raise VirinError(
            f'Originator "{originator}" in {quoted} must be two letters and three digits '
            "(a person, e.g. BN624) or one letter and four digits (a unit, e.g. A1234).",
            "originator",
        )


def _parse_sequence(sequence: str, quoted: str, lenient: bool, reasons: list[str]) -> tuple[int, int, str]:
    """(scene, item, suffix); a wrong scene and a wrong item are two problems, reported together."""
    match = (_LEGACY_SEQUENCE if lenient else _SEQUENCE).fullmatch(sequence)
    if not match:
        raise VirinError(
            f'Sequence "{sequence}" in {quoted} must be four digits: scene 1-9, then item 001-999 (e.g. 1166).',
            "sequence",
        )
    scene_digit, item_digits = match.group(1), match.group(2)
    suffix = match.group(3) if lenient else ""
    problems = []
    if scene_digit is None:
        reasons.append(f'Three-digit sequence "{item_digits}" (older form with no scene digit).')
    elif scene_digit == "0":
        problems.append(VirinError(f"Scene 0 in {quoted}: the first digit of the sequence must be 1-9.", "sequence"))
    if suffix:
        reasons.append(f'Trailing letter "{suffix}" on the sequence "{sequence}".')
    item = int(item_digits)
    if item == 0:
        problems.append(
            VirinError(
                f"Item 000 in {quoted}: the last three digits of the sequence must be 001-999.",
                "sequence",
            )
        )
    _raise_all(problems)
    return int(scene_digit or 0), item, suffix


def _check_country(country: str | None, quoted: str) -> None:
    if country is not None and not (_COUNTRY.fullmatch(country) and pycountry.countries.get(alpha_2=country)):
        raise VirinError(
            f'Country "{country}" in {quoted} is not an ISO 3166 two-letter country code (e.g. BE for Belgium).',
            "country",
        )


def parse_virin(text: str, *, lenient: bool = False, today: datetime.date | None = None) -> Virin:
    """Parse a VIRIN. Strict (new uploads) by default; ``lenient`` accepts and flags legacy forms.

    Once the text has the VIRIN's shape, every segment is checked and every wrong one reported
    in a single VirinError (see ``VirinError.problems``).
    """
    if not isinstance(text, str) or not text.strip():
        raise VirinError(f"No VIRIN given. {FORM_HELP}", "format")
    today = today or datetime.date.today()
    raw = text.strip()
    quoted = f'"{raw}"'
    reasons: list[str] = []

    extension = _EXTENSION.search(raw)
    if extension:
        if not lenient:
            raise VirinError(
                f'{quoted} ends in the file extension "{extension.group()}"; a VIRIN is the file name without it.',
                "format",
            )
        reasons.append(f'File extension "{extension.group()}" removed.')
        raw = raw[: extension.start()]
    if lenient and raw != raw.upper():
        reasons.append("Written in lower case; the canonical form is upper case.")
    parts = raw.upper().split("-")
    if len(parts) not in (4, 5) or not all(parts):
        raise VirinError(f"{quoted} is not in VIRIN form. {FORM_HELP}", "format")
    date_part, service, originator, sequence = parts[:4]
    country = parts[4] if len(parts) == 5 else None

    problems: list[VirinError] = []

    def check(step, *args):
        try:
            return step(*args)
        except VirinError as error:
            problems.extend(error.problems)
            return None

    shot = check(_parse_date, date_part, quoted, today)
    check(_check_service, service, quoted)
    check(_check_originator, originator, quoted, lenient, reasons)
    scene, item, suffix = check(_parse_sequence, sequence, quoted, lenient, reasons) or (0, 0, "")
    check(_check_country, country, quoted)
    _raise_all(problems)

    return Virin(shot, service, originator, scene, item, country, legacy_reasons=tuple(reasons), suffix=suffix)


def normalise_virin(text: str) -> str:
    """Strictly parse ``text`` and return its canonical (upper-case) form."""
    return str(parse_virin(text))


def validate_virin(value: str) -> None:
    """Django field validator: the value must be a valid VIRIN already in canonical form."""
    try:
        canonical = normalise_virin(value)
    except VirinError as err:
        errors = [ValidationError(message, code="invalid_virin") for message in err.messages]
        raise (errors[0] if len(errors) == 1 else ValidationError(errors)) from err
    if value != canonical:
        raise ValidationError(
            f'Write the VIRIN "{value}" in its canonical form: {canonical}',
            code="invalid_virin",
        )
