"""What Newsroom's own devices rely on inside Django, checked so an upgrade that changes it fails
here, loudly and by name, rather than quietly in production.

- core/transactions.py (gather_until_commit) reads `connection.run_on_commit`: a list of
  (savepoint ids, callback, robust) entries, appended by transaction.on_commit and cut back from
  the end when a savepoint rolls back.
- stories/feeds.py writes its feeds as Django's RssFeed.write and Atom1Feed.write do, with a
  writer of its own in place of SimplerXMLGenerator.
"""

import ast
import inspect
import textwrap

import pytest
from django.db import connection, transaction
from django.utils.feedgenerator import Atom1Feed, RssFeed

from newsroom.core.transactions import gather_until_commit

pytestmark = pytest.mark.django_db(transaction=True)


def _callback():
    pass


def test_run_on_commit_is_a_list_of_entries_with_the_callback_second():
    with transaction.atomic():
        transaction.on_commit(_callback)
        entries = connection.run_on_commit
        assert isinstance(entries, list), "core/transactions.py relies on connection.run_on_commit being a list"
        assert entries and entries[-1][1] is _callback, (
            "core/transactions.py relies on connection.run_on_commit entries being (sids, callback, robust); "
            f"this Django stores {entries[-1]!r}"
        )


def test_a_rolled_back_savepoint_cuts_its_callbacks_from_the_end():
    with transaction.atomic():
        transaction.on_commit(_callback)
        kept = len(connection.run_on_commit)
        try:
            with transaction.atomic():
                transaction.on_commit(lambda: None)
                raise RuntimeError
        except RuntimeError:
            pass
        assert len(connection.run_on_commit) == kept, (
            "core/transactions.py relies on a savepoint rollback removing its on_commit callbacks from "
            "the end of connection.run_on_commit"
        )


def test_notes_are_flushed_once_per_transaction_and_dropped_with_a_rolled_back_one():
    flushed = []
    with transaction.atomic():
        gather_until_commit(flushed.append, "story-1", ["headline"])
        gather_until_commit(flushed.append, "story-1", ["body"])
        gather_until_commit(flushed.append, "story-2", ["summary"])
    assert flushed == [{"story-1": {"headline", "body"}, "story-2": {"summary"}}]

    try:
        with transaction.atomic():
            gather_until_commit(flushed.append, "story-3", ["headline"])
            raise RuntimeError
    except RuntimeError:
        pass
    with transaction.atomic():
        gather_until_commit(flushed.append, "story-4", ["body"])
    assert flushed[1:] == [{"story-4": {"body"}}]


def _statements_after_the_writer(method):
    function = ast.parse(textwrap.dedent(inspect.getsource(method))).body[0]
    first, *rest = function.body
    if isinstance(first, ast.With):  # ours: `with feed_writer(...) as handler:`, the rest inside it
        return [ast.dump(statement) for statement in first.body]
    return [ast.dump(statement) for statement in rest]


@pytest.mark.parametrize(("ours", "djangos"), [("MediaRssFeed", RssFeed), ("MediaAtomFeed", Atom1Feed)])
def test_the_feeds_write_as_django_does_after_making_their_writer(ours, djangos):
    from newsroom.stories import feeds

    assert _statements_after_the_writer(getattr(feeds, ours).write) == _statements_after_the_writer(djangos.write), (
        f"stories/feeds.py's {ours}.write copies {djangos.__name__}.write, which this Django changed: follow it"
    )
