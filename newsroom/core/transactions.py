"""Work that waits for a transaction to commit, and is done once however many changes asked for it.

An import that saves a story five times, or an admin form that saves a story with its photos and
notes, should refresh what depends on the story once, knowing everything that changed, and only
if the transaction commits. `gather_until_commit` collects what each change notes and hands it
all to one callback at the commit.
"""

import weakref
from collections.abc import Callable, Hashable, Iterable

from django.db import DEFAULT_DB_ALIAS, connections, transaction


class _Gathering:
    """One transaction's notes for one callback. Registered with on_commit once per note, so that it
    runs if any part of the transaction that noted something commits; it flushes the first time."""

    def __init__(self, flush: Callable[[dict], None]):
        self.flush = flush
        self.notes: dict = {}
        self.places: list[int] = []  # where it stands in the connection's on-commit callbacks
        self.done = False

    def __call__(self):
        if not self.done:
            self.done = True
            self.flush(self.notes)


# Per database connection (each thread has its own), per callback: the gathering that waits for
# the commit.
_waiting: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def gather_until_commit(flush: Callable[[dict], None], key: Hashable, values: Iterable = ()) -> None:
    """Note `values` under `key`. When the transaction commits, `flush` runs once with every note
    made in it, as {key: set of values}; outside a transaction it runs at once with this note.

    It runs robustly: an exception is logged, never raised into the code that committed. When a
    savepoint is rolled back, the notes made in it are dropped with it, unless notes made before it
    still stand: then they are flushed too, so `flush` should redo work from what is stored rather
    than trust the notes as facts.
    """
    connection = connections[DEFAULT_DB_ALIAS]
    waiting = _waiting.setdefault(connection, {})
    gathering = waiting.get(flush)
    if gathering is None or not _still_registered(connection, gathering):
        gathering = waiting[flush] = _Gathering(flush)
    gathering.notes.setdefault(key, set()).update(values)
    transaction.on_commit(gathering, robust=True)  # outside a transaction: runs now
    if connection.in_atomic_block:
        gathering.places.append(len(connection.run_on_commit) - 1)


def _still_registered(connection, gathering: _Gathering) -> bool:
    """Whether `gathering` is still to run when the transaction commits.

    A rollback drops the callbacks registered since its savepoint began, always the end of the
    list, so those of the gathering still there are its first ones: it is registered while the
    entry at its last remaining place is it. Once it has run (at a commit, or in a test's
    captureOnCommitCallbacks, which runs callbacks without removing them) the next note starts a
    new gathering.
    """
    callbacks = connection.run_on_commit
    while gathering.places and not gathering.done:
        place = gathering.places[-1]
        if place < len(callbacks) and callbacks[place][1] is gathering:
            return True
        gathering.places.pop()
    return False


class _Written:
    """A file written for rows of a transaction; `kept` once the transaction commits."""

    def __init__(self, storage, name: str):
        self.storage, self.name, self.kept = storage, name, False

    def __call__(self):
        self.kept = True


# Per database connection: the files written for transactions not yet known to have committed.
_written: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def file_kept_if_committed(storage, name: str) -> None:
    """Say that the file `name` in `storage` was written for rows of the current transaction: if
    that is rolled back instead of committed, remove_rolled_back_files() deletes it (storage is
    not transactional). Outside a transaction the file is kept at once."""
    connection = connections[DEFAULT_DB_ALIAS]
    written = _Written(storage, name)
    transaction.on_commit(written)  # outside a transaction: runs now
    if not written.kept:
        _written.setdefault(connection, []).append(written)


def remove_rolled_back_files() -> list[str]:
    """Delete the files written for transactions (or savepoints) that were rolled back since,
    keeping those still waiting for their commit; returns the names deleted. Called when a request
    ends, and after a command's dry run."""
    connection = connections[DEFAULT_DB_ALIAS]
    written = _written.get(connection)
    if not written:
        return []  # the usual case, at the end of every request
    waiting = {id(callback) for _, callback, _ in connection.run_on_commit}
    deleted, still = [], []
    for entry in written:
        if entry.kept:
            continue
        if id(entry) in waiting:
            still.append(entry)
            continue
        try:
            entry.storage.delete(entry.name)
        except FileNotFoundError:
            pass
        deleted.append(entry.name)
    _written[connection] = still
    return deleted
