"""A story's history: a revision after every save and workflow step.

A revision's number is the story's version after that save, so "edited from version 4, now at
version 6" reads directly as "compare revisions 4 and 6". Editors compare two revisions as a
readable diff and restore an earlier one; a restore is itself a revision, so it can be undone.

Revisions recorded before the body had its canonical form (docs/STORY_BODY.md) keep the old
form: paragraphs separated by blank lines, photos "after paragraph N". They are read through
current_form(), so a compare, a restore and the next save's "what changed" see them as they
would be written today, and a save that changes nothing still records nothing.
"""

import difflib
import re
from dataclasses import dataclass
from itertools import groupby

from django.core.exceptions import FieldDoesNotExist
from django.utils import formats, timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import capfirst

from newsroom.photos.models import PhotoAsset
from newsroom.stories.body import legacy_body, prose_blocks
from newsroom.stories.models import (
    PENDING_ACTIONS,
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


def notes_data(notes) -> list[dict]:
    return [{"kind": c.kind, "noted_on": c.noted_on.isoformat(), "text": c.text} for c in notes]


def snapshot(story: Story) -> dict:
    """Everything an editor can change, as plain JSON: fields, tags, related stories, placed photos,
    and the notes readers see (not those waiting with a live story's unpublished changes)."""
    data = {}
    for name in SNAPSHOT_FIELDS:
        value = getattr(story, name)
        data[name] = value.isoformat() if hasattr(value, "isoformat") else value
    data["tags"] = sorted(story.tags.values_list("pk", flat=True))
    data["related_stories"] = sorted(story.related_stories.values_list("pk", flat=True))
    data["placements"] = [
        {"photo": p.photo_id, "order": p.order, "caption": p.caption} for p in story.placements.order_by("order", "id")
    ]
    data["corrections"] = notes_data(story.corrections.filter(pending=False))
    return data


# How every body in the canonical form starts; the old form starts with a paragraph's words.
_CANONICAL_START = re.compile(r"<(?:p|h[234]|ul|ol|blockquote|table|figure)[ >]")


def current_form(data: dict) -> dict:
    """A snapshot as it would be recorded today: one from before the canonical body has its body
    and photos converted (stories.body.legacy_body), the same blocks at the same places."""
    placements = data.get("placements") or []
    body = data.get("body") or ""
    if not any("after_paragraph" in p for p in placements) and (not body or _CANONICAL_START.match(body)):
        return data
    ordered = sorted(placements, key=lambda p: (p.get("after_paragraph", 0), p.get("order", 0)))
    return {
        **data,
        "body": legacy_body(body, [(p.get("after_paragraph", 0), p["photo"], p.get("caption", "")) for p in ordered]),
        "placements": [
            {"photo": p["photo"], "order": position, "caption": p.get("caption", "")}
            for position, p in enumerate(ordered)
        ],
    }


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
    previous = current_form(live_revisions(story).values_list("snapshot", flat=True).first() or {})
    return data, [name for name, value in data.items() if previous.get(name) != value]


def live_revisions(story: Story):
    """The story's revisions that record it as readers were given it, newest first: not those that
    keep its unpublished changes."""
    return story.revisions.exclude(action__in=PENDING_ACTIONS).order_by("-number")


def record_revision(
    *,
    story: Story,
    user,
    action: Action = Action.SAVED,
    changes: tuple[dict, list[str]] | None = None,
    reason: str = "",
) -> Revision:
    """Keep the story as it now stands, with what changed since the previous revision (`changes`,
    what_changed() of the story, when the caller has it already), and why, for a step that says."""
    data, changed = changes or what_changed(story)
    return Revision.objects.create(
        story=story,
        number=story.version,
        action=action,
        user=user,
        changed_fields=changed,
        snapshot=data,
        reason=reason,
    )


def pending_story(story: Story, data: dict) -> Story:
    """An unsaved copy of `story` carrying the pending version's fields (a snapshot's)."""
    draft = Story(**{field.attname: getattr(story, field.attname) for field in Story._meta.concrete_fields})
    draft._state.adding, draft._state.db = story._state.adding, story._state.db  # the same row: its slug is its own
    data = current_form(dict(data))
    for name in RESTORED_FIELDS:
        value = data.get(name)
        setattr(draft, name, parse_datetime(value) if name in DATETIME_FIELDS and value else value)
    if draft.published_at is None:
        draft.published_at = story.published_at
    return draft


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
# How a block change names the block it follows: its first words, up to about this many characters.
_NAMED_WORDS = 24
_KINDS = {
    "p": "a paragraph",
    "h2": "a subheading",
    "h3": "a subheading",
    "h4": "a subheading",
    "li": "a list item",
    "quote": "a quote",
    "cell": "a table cell",
}
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
    before, after = current_form(older.snapshot), current_form(newer.snapshot)
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
        # The body's photo blocks are named by VIRIN too, in the same query.
        "placements": _names(
            PhotoAsset, "virin", ids("placements", key="photo") | _body_photos(before, after, "body" in changed)
        ),
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


def _body_photos(before: dict, after: dict, changed: bool) -> set:
    if not changed:
        return set()
    return {
        int(key) for data in (before, after) for kind, key, _ in prose_blocks(data.get("body") or "") if kind == "photo"
    }


def _names(model, attribute: str, ids: set) -> dict:
    return dict(model.objects.filter(pk__in=ids).values_list("pk", attribute)) if ids else {}


def _render(name, before, after, lookups) -> tuple[SafeString, SafeString]:
    if name == "body":
        return _body_change(before or "", after or "", lookups["placements"])
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


def _text_change(before: str, after: str) -> tuple[SafeString, SafeString]:
    return _words_change(before.split(), after.split(), paragraphs=False)


def _body_change(before: str, after: str, virins: dict) -> tuple[SafeString, SafeString]:
    """The prose word by word, paragraphs kept; then what happened to photos, videos and the
    kind of blocks, in sentences ("photo 210614-A-KX193-1002 added after “The levee…”")."""
    old, new = prose_blocks(before), prose_blocks(after)
    old_html, new_html = _words_change(
        _words([text for kind, text, _ in old if kind not in ("photo", "video")]),
        _words([text for kind, text, _ in new if kind not in ("photo", "video")]),
        paragraphs=True,
    )
    removed, added = _block_changes(old, new, virins)
    return mark_safe(old_html + _sentences(removed, "del")), mark_safe(new_html + _sentences(added, "ins"))


def _block_changes(old: list, new: list, virins: dict) -> tuple[list[str], list[str]]:
    def media(block):
        return block[0] in ("photo", "video")

    def name(block):
        if block[0] == "photo":
            return f"photo {virins.get(int(block[1]), f'#{block[1]} (deleted)')}"
        return f"video “{block[2] or block[1]}”"

    matcher = difflib.SequenceMatcher(a=[b[:2] for b in old], b=[b[:2] for b in new], autojunk=False)
    gone, came, kinds = {}, {}, []
    for operation, old_start, old_end, new_start, new_end in matcher.get_opcodes():
        if operation == "equal":
            continue
        gone.update({old[i][:2]: i for i in range(old_start, old_end) if media(old[i])})
        came.update({new[i][:2]: i for i in range(new_start, new_end) if media(new[i])})
        for i, j in zip(range(old_start, old_end), range(new_start, new_end)):
            if not media(old[i]) and old[i][1] == new[j][1] and old[i][0] != new[j][0]:
                kinds.append(f"“{_first_words(new[j][1])}” is now {_KINDS[new[j][0]]}")
    removed = [f"{name(old[i])} removed ({_place(old, i)})" for key, i in gone.items() if key not in came]
    added = [
        f"{name(new[i])} {'moved' if key in gone else 'added'} {_place(new, i)}"
        for key, i in sorted(came.items(), key=lambda item: item[1])
    ]
    return removed, added + kinds


def photo_places(body: str) -> dict[int, str]:
    """Where each photo of a body stands, as the compare says it: "after “The levee…”", "at the top"."""
    blocks = prose_blocks(body)
    return {int(block[1]): _place(blocks, index) for index, block in enumerate(blocks) if block[0] == "photo"}


def _place(blocks: list, index: int) -> str:
    earlier = [block for block in blocks[:index] if block[0] not in ("photo", "video")]
    return f"after “{_first_words(earlier[-1][1])}”" if earlier else "at the top"


def _first_words(text: str) -> str:
    if len(text) <= _NAMED_WORDS:
        return text
    return (
        text[: text.rfind(" ", 0, _NAMED_WORDS + 1)].rstrip(" ,;:") + "…"
        if " " in text[:_NAMED_WORDS]
        else text[:_NAMED_WORDS] + "…"
    )


def _sentences(sentences: list[str], tag: str) -> str:
    if not sentences:
        return ""
    rows = "".join(f"<li><{tag}>{escape(sentence)}</{tag}></li>" for sentence in sentences)
    return f'<ul class="revision-diff__blocks">{rows}</ul>'


def _words_change(old: list[str], new: list[str], *, paragraphs: bool) -> tuple[SafeString, SafeString]:
    old_changed, new_changed = [False] * len(old), [False] * len(new)
    # autojunk off: on a long body it would treat common words ("the") as noise and misalign.
    matcher = difflib.SequenceMatcher(a=old, b=new, autojunk=False)
    for operation, old_start, old_end, new_start, new_end in matcher.get_opcodes():
        if operation != "equal":
            old_changed[old_start:old_end] = [True] * (old_end - old_start)
            new_changed[new_start:new_end] = [True] * (new_end - new_start)
    return _marked(old, old_changed, "del", paragraphs), _marked(new, new_changed, "ins", paragraphs)


def _words(paragraphs: list[str]) -> list[str]:
    words = []
    for paragraph in paragraphs:
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
    text = f"{photo}, photo {placement['order'] + 1} in the story"
    if placement.get("caption"):
        text += f", caption “{placement['caption']}”"
    return text


def _correction_text(correction: dict) -> str:
    kind = dict(NoteKind.choices).get(correction["kind"], correction["kind"])
    noted_on = formats.date_format(parse_date(correction["noted_on"]), "DATE_FORMAT")
    return f"{kind}, {noted_on}: {correction['text']}"
