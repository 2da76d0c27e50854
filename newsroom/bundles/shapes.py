"""The type of every value a bundle carries, checked before anything reads it.

A bundle is a file from elsewhere: a manifest whose version is ``true`` or ``"2"``, a record count
that is a list, a site name that is an object must be refused with a sentence that names the field
and the value, never reach code that assumes a number or a text and fail there. Each check is a
function ``check(value, path)`` raising ``WrongShape``; the record checks are made from the
models' own fields (``record_checks``), with the JSON fields' insides described by hand.
"""

from __future__ import annotations

import json

from django.db import models


class WrongShape(ValueError):
    """A value of the wrong type: where it is (`path`, e.g. ``"records" → "stories"``), what it is, and
    what it should be."""

    def __init__(self, path: str, value, expected: str):
        self.path, self.value, self.expected = path, value, expected
        super().__init__(f"{path} is {shown(value)}; it should be {expected}")


def kind(value) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true or false"
    if isinstance(value, int):
        return "a whole number"
    if isinstance(value, float):
        return "a number with a fraction"
    if isinstance(value, str):
        return "text"
    if isinstance(value, list):
        return "a list"
    return "an object"


def shown(value) -> str:
    """The value as the file has it (cut short), and what kind of value that is."""
    text = json.dumps(value, ensure_ascii=False)
    if len(text) > 60:
        text = text[:57] + "…"
    return f"{text} ({kind(value)})"


def _at(path: str, key) -> str:
    step = json.dumps(key, ensure_ascii=False) if isinstance(key, str) else f"item {key + 1}"
    return f"{path} → {step}" if path else step


def whole(*, at_least: int | None = None):
    def check(value, path):
        if isinstance(value, bool) or not isinstance(value, int) or (at_least is not None and value < at_least):
            raise WrongShape(path, value, "a whole number" + (f", {at_least} or more" if at_least is not None else ""))

    return check


def text(*, max_length: int | None = None):
    def check(value, path):
        if not isinstance(value, str):
            raise WrongShape(path, value, "text")
        if max_length is not None and len(value) > max_length:
            raise WrongShape(path, value, f"text of at most {max_length} characters, not {len(value):,}")

    return check


def boolean(value, path):
    if not isinstance(value, bool):
        raise WrongShape(path, value, "true or false")


def anything(value, path):
    pass


def nullable(inner):
    def check(value, path):
        if value is not None:
            inner(value, path)

    return check


def list_of(item):
    def check(value, path):
        if not isinstance(value, list):
            raise WrongShape(path, value, "a list")
        for index, entry in enumerate(value):
            item(entry, _at(path, index))

    return check


def obj(fields: dict | None = None, *, required=(), values=anything):
    """An object: `fields` checked where present (those in `required` must be), any other key's
    value checked by `values`."""
    fields = fields or {}

    def check(value, path):
        if not isinstance(value, dict):
            raise WrongShape(path, value, "an object")
        missing = [name for name in required if name not in value]
        if missing:
            raise WrongShape(path, value, f"an object with {', '.join(json.dumps(name) for name in missing)}")
        for key, entry in value.items():
            fields.get(key, values)(entry, _at(path, key))

    return check


def check_fields(row: dict, checks: dict, path: str = "") -> None:
    """Each field of a record (or the manifest) by its own check; WrongShape names the first wrong one."""
    for name, check in checks.items():
        if name in row:
            check(row[name], _at(path, name))


# --- The records --------------------------------------------------------------------------------

# A story as a revision or its unpublished changes recorded it.
_SNAPSHOT = obj(
    {
        "body": nullable(text()),
        "tags": list_of(whole()),
        "related_stories": list_of(whole()),
        "collection_id": nullable(whole()),
        "placements": list_of(
            obj(
                {
                    "photo": nullable(whole()),
                    "order": whole(at_least=0),
                    "after_paragraph": whole(at_least=0),
                    "caption": text(),
                },
                required=("photo",),
            )
        ),
    }
)
# What the JSON fields hold, as far as an import reads them.
_JSON = {
    ("photos", "renditions"): obj(
        values=obj(
            {"name": text(), "width": whole(at_least=0), "height": whole(at_least=0), "bytes": whole(at_least=0)},
            required=("name",),
        )
    ),
    ("photos", "metadata_sources"): obj(values=text()),
    ("revisions", "changed_fields"): list_of(text()),
    ("revisions", "publish_checks"): obj(),
    ("revisions", "snapshot"): _SNAPSHOT,
    ("pending_changes", "snapshot"): _SNAPSHOT,
}
# Fields a bundle carries beyond the model's columns.
_EXTRA = {
    ("accounts", "groups"): list_of(text()),
    ("placements", "after_paragraph"): whole(at_least=0),  # bundles of versions 1 and 2
}


def field_check(table: str, model_field: models.Field):
    """The check of one column's value in a bundle: its type, its length, whether it may be null."""
    if isinstance(model_field, models.JSONField):
        check = _JSON.get((table, model_field.attname), anything)
    elif isinstance(model_field, models.BooleanField):
        check = boolean
    elif isinstance(model_field, (models.IntegerField, models.AutoField, models.ForeignKey)):
        positive = isinstance(
            model_field, (models.PositiveIntegerField, models.PositiveSmallIntegerField, models.PositiveBigIntegerField)
        )
        check = whole(at_least=0 if positive else None)
    elif isinstance(model_field, (models.CharField, models.FileField)):
        check = text(max_length=model_field.max_length)
    else:  # text, and dates and times in ISO form (read by the bundle's decoders next)
        check = text()
    return nullable(check) if model_field.null else check


def record_checks(table: str, model_fields) -> dict:
    checks = {model_field.attname: field_check(table, model_field) for model_field in model_fields}
    checks.update({name: check for (owner, name), check in _EXTRA.items() if owner == table})
    return checks
