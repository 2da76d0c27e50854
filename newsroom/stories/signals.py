"""What apps standing on stories learn of a story's changes, once they are committed.

Search documents (and anything else made from a story) live in apps above this one, which
stories must not import (docs/ARCHITECTURE.md). So the write path in services.py announces each
change here, and those apps listen to `story_changed`.
"""

import logging
from collections.abc import Iterable

from django.dispatch import Signal

from newsroom.core.transactions import gather_until_commit
from newsroom.stories.models import Story

logger = logging.getLogger(__name__)

# Sent with sender=Story once per story per committed transaction, however many changes it made,
# with `story_id`, `changed`: a frozenset naming what changed as a revision names it
# ("headline", "byline", "status", "placements", "corrections" ...; a new story names every part),
# and `revisions`: the numbers of the revisions recorded, oldest first (the desk reads the workflow
# steps among them, who took them and why, to tell people).
story_changed = Signal()


def announce_change(*, story_id: int, changed: Iterable[str], revision: int | None = None) -> None:
    """Tell `story_changed`'s receivers, after the commit, that these parts of the story changed,
    in the revision numbered `revision` (a workflow step is announced even when no field changed)."""
    notes = set(changed)
    if revision is not None:
        notes.add(revision)  # numbers are revisions, strings are parts
    if notes:
        gather_until_commit(_send, story_id, notes)


def _send(changes: dict) -> None:
    for story_id, notes in changes.items():
        changed = frozenset(note for note in notes if isinstance(note, str))
        revisions = tuple(sorted(note for note in notes if isinstance(note, int)))
        # Robustly: one receiver failing must not keep the news from the others.
        replies = story_changed.send_robust(sender=Story, story_id=story_id, changed=changed, revisions=revisions)
        for receiver, reply in replies:
            if isinstance(reply, Exception):
                logger.error("%s failed on the change to story #%s", receiver, story_id, exc_info=reply)


# Sent with sender=Story inside the write path, before a change that takes a public story's page
# from readers or moves it: `story` (its locked row, still as readers see it), `change` (the
# Action withdrawn, retracted or archived, or "slug" for a new address), `user` and `reason`.
# Sent with send(), not send_robust(): a receiver that raises ValidationError refuses the change,
# so that what the public saw is kept first (records/snapshots.py) or nothing changes.
story_leaving_readers = Signal()
