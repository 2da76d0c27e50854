"""A story's history: a revision after every save and workflow step.

A revision's number is the story's version after that save, so "edited from version 4, now at
version 6" reads directly as "compare revisions 4 and 6". Editors compare two revisions as a
readable diff and restore an earlier one; a restore is itself a revision, so it can be undone.
"""

import difflib
from dataclasses import dataclass
from itertools import groupby

from django.core.exceptions import FieldDoesNotExist
from django.utils import formats, timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import capfirst

from newsroom.photos.models import PhotoAsset
from newsroom.stories.body import split_paragraphs
from newsroom.stories.models import (
    Action,
    ArchiveStatus,
    Label,
    NoteKind,
    Revision,
    Status,
    Story,
    Tag,
)

# The story's own fields a revision keeps (workflow and record-keeping fields included).
SNAPSHOT_FIELDS = (
    "headline",
    "slug",
    "label",
    "summary",
    "byline",
    "body",
    "status",
    "published_at",
    "expires_at",
    "archive_status",
    "collection_id",
    "archived_at",
)


def snapshot(story: Story) -> dict:
    """Everything an editor can change, as plain JSON: fields, tags, related stories, placed photos."""
    data = {}
    for name in SNAPSHOT_FIELDS:
        value = getattr(story, name)
        data[name] = value.isoformat() if hasattr(value, "isoformat") else value
    data["tags"] = sorted(story.tags.values_list("pk", flat=True))
    data["related_stories"] = sorted(story.related_stories.values_list("pk", flat=True))
    data["placements"] = [
        {"photo": p.photo_id, "after_paragraph": p.after_paragraph, "order": p.order, "caption": p.caption}
        for p in story.placements.all().order_by("after_paragraph", "order", "id")
    ]
    data["corrections"] = [
        {"kind": c.kind, "noted_on": c.noted_on.isoformat(), "text": c.text} for c in story.corrections.all()
    ]
    return data


def record_baseline(story: Story) -> None:
    """Keep a story's state before its first recorded change.

    Stories loaded in bulk (generate_content, a bundle without history, a test's rows) start with
    no history; without this, their first edit could not be undone. Call it before changing the
    story. Only the write path (services.py) records revisions.
    """
    if story.pk and not story.revisions.exists():
        record_revision(story=Story.objects.get(pk=story.pk), user=None)


def what_changed(story: Story) -> tuple[dict, list[str]]:
    """The story as it now stands (its snapshot), and the parts that differ from its latest revision."""
    data = snapshot(story)
    previous = story.revisions.order_by("-number").values_list("snapshot", flat=True).first() or {}
    return data, [name for name, value in data.items() if previous.get(name) != value]


def record_revision(
    *, story: Story, user, action: Action = Action.SAVED, changes: tuple[dict, list[str]] | None = None
) -> Revision:
    """Keep the story as it now stands, with what changed since the previous revision (`changes`,
    what_changed() of the story, when the caller has it already)."""
    data, changed = changes or what_changed(story)
    return Revision.objects.create(
        story=story, number=story.version, action=action, user=user, changed_fields=changed, snapshot=data
    )


# What a restore puts back: what editors write. Status and the historical collection are left
# alone, because only the workflow services (publish, withdraw, archive ...) may change them.
RESTORED_FIELDS = ("headline", "slug", "label", "summary", "byline", "body", "published_at", "expires_at")
RESTORED_RELATIONS = ("tags", "related_stories", "placements", "corrections")

# Content first, as on the change form; workflow and record-keeping last.
_DIFF_ORDER = (
    *RESTORED_FIELDS,
    *RESTORED_RELATIONS,
    "status",
    "archive_status",
    "collection_id",
    "archived_at",
)
_LABELS = {"placements": "Placed photos", "corrections": "Corrections and updates"}
_CHOICES = {"label": Label, "status": Status, "archive_status": ArchiveStatus}
DATETIME_FIELDS = {"published_at", "expires_at", "archived_at"}
# A word of its own in a body's word list, so a diff over the words keeps the paragraphs.
_PARAGRAPH_BREAK = "\n\n"
_NOTHING = mark_safe('<span class="revision-diff__none">none</span>')


def field_label(name: str) -> str:
    """What editors call a snapshot entry: "Publication time" for published_at, "Placed photos" ..."""
    if name in _LABELS:
        return _LABELS[name]
    try:
        return capfirst(Story._meta.get_field(name).verbose_name)
    except FieldDoesNotExist:
        return capfirst(name.replace("_", " "))


@dataclass(frozen=True)
class FieldChange:
    """One field that differs between two revisions: escaped HTML for each side, with <del> and <ins>."""

    label: str
    before_html: SafeString
    after_html: SafeString
    name: str = ""


def revision_diff(older: Revision, newer: Revision) -> list[FieldChange]:
    """The fields that differ between two revisions, in the order of the change form.

    Text is compared word by word; tags, related stories, photos and the collection are shown by
    name, with one query for each kind that changed.
    """
    before, after = older.snapshot, newer.snapshot
    names = [*_DIFF_ORDER, *(name for name in {**before, **after} if name not in _DIFF_ORDER)]
    changed = [name for name in names if before.get(name) != after.get(name)]

    def ids(name, key=None):
        if name not in changed:
            return set()
        items = [*(before.get(name) or []), *(after.get(name) or [])]
        return {item[key] for item in items} if key else set(items)

    lookups = {
        "tags": _names(Tag, "name", ids("tags")),
        "related_stories": _names(Story, "headline", ids("related_stories")),
        "placements": _names(PhotoAsset, "virin", ids("placements", key="photo")),
        # The archive app stands on stories: its model is reached through the story's own field.
        "collection_id": _names(
            Story.collection.field.related_model,
            "name",
            {before.get("collection_id"), after.get("collection_id")} - {None},
        )
        if "collection_id" in changed
        else {},
    }
    return [
        FieldChange(field_label(name), *_render(name, before.get(name), after.get(name), lookups), name=name)
        for name in changed
    ]


def _names(model, attribute: str, ids: set) -> dict:
    return dict(model.objects.filter(pk__in=ids).values_list("pk", attribute)) if ids else {}


def _render(name, before, after, lookups) -> tuple[SafeString, SafeString]:
    if name == "body":
        return _text_change(before or "", after or "", paragraphs=True)
    if name in _CHOICES:
        labels = dict(_CHOICES[name].choices)
        return _value_change(labels.get(before, before), labels.get(after, after))
    if name in DATETIME_FIELDS:
        return _value_change(_when(before), _when(after))
    if name == "collection_id":
        collections = lookups[name]
        return _value_change(
            *(None if pk is None else collections.get(pk, f"Deleted collection #{pk}") for pk in (before, after))
        )
    if name in ("tags", "related_stories"):
        found, missing = lookups[name], "Deleted tag" if name == "tags" else "Deleted story"
        return _items_change(
            *(
                sorted(((pk, found.get(pk, f"{missing} #{pk}")) for pk in side or []), key=lambda item: item[1])
                for side in (before, after)
            )
        )
    if name == "placements":
        virins = lookups[name]
        return _items_change(*([(_key(p), _placement_text(p, virins)) for p in side or []] for side in (before, after)))
    if name == "corrections":
        return _items_change(*([(_key(c), _correction_text(c)) for c in side or []] for side in (before, after)))
    if isinstance(before, str | None) and isinstance(after, str | None):
        return _text_change(before or "", after or "")
    return _value_change(*(None if value is None else str(value) for value in (before, after)))


def _text_change(before: str, after: str, *, paragraphs: bool = False) -> tuple[SafeString, SafeString]:
    old, new = _words(before, paragraphs=paragraphs), _words(after, paragraphs=paragraphs)
    old_changed, new_changed = [False] * len(old), [False] * len(new)
    # autojunk off: on a long body it would treat common words ("the") as noise and misalign.
    matcher = difflib.SequenceMatcher(a=old, b=new, autojunk=False)
    for operation, old_start, old_end, new_start, new_end in matcher.get_opcodes():
        if operation != "equal":
            old_changed[old_start:old_end] = [True] * (old_end - old_start)
            new_changed[new_start:new_end] = [True] * (new_end - new_start)
    return _marked(old, old_changed, "del", paragraphs), _marked(new, new_changed, "ins", paragraphs)


def _words(text: str, *, paragraphs: bool) -> list[str]:
    if not paragraphs:
        return text.split()
    words = []
    for paragraph in split_paragraphs(text):
        if words:
            words.append(_PARAGRAPH_BREAK)
        words.extend(paragraph.split())
    return words


def _marked(words: list[str], changed: list[bool], tag: str, paragraphs: bool) -> SafeString:
    if not words:
        return _NOTHING
    blocks, breaks_changed = [[]], []
    for word, is_changed in zip(words, changed):
        if word == _PARAGRAPH_BREAK:
            breaks_changed.append(is_changed)
            blocks.append([])
        else:
            blocks[-1].append((is_changed, word))
    # A paragraph split or joined shows as ¶, unless a whole paragraph came or went around it.
    for number, is_changed in enumerate(breaks_changed):
        around = blocks[number], blocks[number + 1]
        if is_changed and not any(all(c for c, _ in block) for block in around):
            blocks[number].append((True, "¶"))
    runs = []
    for block in blocks:
        parts = []
        for is_changed, run in groupby(block, key=lambda item: item[0]):
            text = " ".join(escape(word) for _, word in run)
            parts.append(f"<{tag}>{text}</{tag}>" if is_changed else text)
        runs.append(" ".join(parts))
    if paragraphs:
        return mark_safe("".join(f"<p>{run}</p>" for run in runs))
    return mark_safe(runs[0])


def _value_change(before: str | None, after: str | None) -> tuple[SafeString, SafeString]:
    return tuple(
        _NOTHING if value is None else mark_safe(f"<{tag}>{escape(value)}</{tag}>")
        for value, tag in ((before, "del"), (after, "ins"))
    )


def _items_change(before: list[tuple], after: list[tuple]) -> tuple[SafeString, SafeString]:
    """Lists of (key, text): items only on one side are marked."""
    before_keys, after_keys = {key for key, _ in before}, {key for key, _ in after}
    return _items_html(before, after_keys, "del"), _items_html(after, before_keys, "ins")


def _items_html(items: list[tuple], other_keys: set, tag: str) -> SafeString:
    if not items:
        return _NOTHING
    rows = "".join(
        f"<li>{escape(text)}</li>" if key in other_keys else f"<li><{tag}>{escape(text)}</{tag}></li>"
        for key, text in items
    )
    return mark_safe(f'<ul class="revision-diff__items">{rows}</ul>')


def _key(item: dict) -> tuple:
    return tuple(sorted(item.items()))


def _when(value: str | None) -> str | None:
    if not value:
        return None
    moment = parse_datetime(value)
    if timezone.is_aware(moment):
        moment = timezone.localtime(moment)
    return formats.date_format(moment, "DATETIME_FORMAT")


def _placement_text(placement: dict, virins: dict) -> str:
    photo = virins.get(placement["photo"], f"Deleted photo #{placement['photo']}")
    text = f"{photo} after paragraph {placement['after_paragraph']}"
    if placement.get("order"):
        text += f", order {placement['order']}"
    if placement.get("caption"):
        text += f", caption “{placement['caption']}”"
    return text


def _correction_text(correction: dict) -> str:
    kind = dict(NoteKind.choices).get(correction["kind"], correction["kind"])
    noted_on = formats.date_format(parse_date(correction["noted_on"]), "DATE_FORMAT")
    return f"{kind}, {noted_on}: {correction['text']}"
