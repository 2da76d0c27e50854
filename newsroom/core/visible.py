"""Text readers can see: what a headline, byline, caption or slug must have, and what a slug must not.

Some characters take no room on a page: zero-width spaces and joiners, the byte-order mark (U+FEFF),
the soft hyphen, the marks and controls that set the direction of text (U+200E, U+200F,
U+202A–U+202E, U+2066–U+2069), the word joiner… A headline made only of them passes "required"
yet shows nothing: a listing's link with no words, a feed item without a title. Such a value is
refused, naming the field (`VisibleText`). Inside real words they stay: joiners shape emoji and
Indic scripts, and a soft hyphen is a hyphenation hint.

A slug never needs them: an address with one looks like another address and is not the same, so a
slug has them taken out (`VisibleSlugField`), wherever it is typed or imported.
"""

import unicodedata

from django import forms
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.deconstruct import deconstructible

# Letters that print as blank space: the Hangul fillers and the blank braille pattern.
_BLANK_LETTERS = frozenset("\u115f\u1160\u3164\uffa0\u2800")


def is_invisible(char: str) -> bool:
    """A character that takes no room and shows nothing: Unicode's format characters (category
    Cf: every zero-width, bidi and byte-order character above, the soft hyphen, the word joiner),
    and the letters that print as blank space."""
    return unicodedata.category(char) == "Cf" or char in _BLANK_LETTERS


def has_visible(text: str) -> bool:
    """Whether the text shows anything: a letter, digit, punctuation mark or symbol. White space,
    format and control characters, and combining marks with nothing to sit on, show nothing."""
    return any(unicodedata.category(char)[0] in "LNPS" and char not in _BLANK_LETTERS for char in text)


def without_invisible(text: str) -> str:
    return "".join(char for char in text if not is_invisible(char))


@deconstructible
class VisibleText:
    """A field's validator: a value that is not empty shows something ("The headline has no
    visible characters."). Django runs validators only on values that are not empty, so an
    optional field may still be left blank."""

    code = "invisible"

    def __init__(self, name: str):
        self.name = name

    def __call__(self, value):
        if isinstance(value, str) and value and not has_visible(value):
            raise ValidationError(f"The {self.name} has no visible characters.", code=self.code)

    def __eq__(self, other):
        return isinstance(other, VisibleText) and other.name == self.name


def _visible_slug(value, name: str):
    if not isinstance(value, str) or not value:
        return value
    slug = without_invisible(value)
    if not slug.strip():
        raise ValidationError(f"The {name} has no visible characters.", code=VisibleText.code)
    return slug


class VisibleSlugFormField(forms.SlugField):
    """A form's slug: invisible characters taken out before the slug alphabet is checked."""

    def __init__(self, *, name="slug", **kwargs):
        self.name = name
        super().__init__(**kwargs)

    def to_python(self, value):
        return super().to_python(_visible_slug(value, self.name))


class VisibleSlugField(models.SlugField):
    """A slug with invisible characters taken out whenever the model is validated (the admin's
    forms, full_clean in the write path and in imports), so no two addresses differ by a character
    nobody can see; one made of nothing else is refused."""

    def to_python(self, value):
        return _visible_slug(super().to_python(value), str(self.verbose_name))

    def formfield(self, **kwargs):
        return super().formfield(**{"form_class": VisibleSlugFormField, "name": str(self.verbose_name), **kwargs})
