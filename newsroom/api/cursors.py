"""Opaque cursors: where the next page of a listing starts.

Listings are read by keyset, newest first: a page is "the next `limit` rows after this one", an
index range that starts where the last page ended. The database never counts or skips rows, so
the last page of a million stories costs what the first does (LIMIT/OFFSET would walk every row
before it, and a COUNT would read them all). A cursor holds the last row's sort key, which the
client passes back as it is; it is not signed, since it only says where to start reading what is
public anyway.
"""

import base64
import binascii
import datetime
import json

# What a database column holds: a bigint id, and an offset far past any search's matches.
LARGEST_ID = 2**63 - 1
LARGEST_OFFSET = 2**31 - 1


class BadCursor(ValueError):
    pass


def storable(moment: datetime.datetime) -> bool:
    """Whether an aware time can be written as UTC, as the database is asked it: a year at either
    end of the calendar (0001-01-01 east of Greenwich) cannot, and would fail the request."""
    try:
        return datetime.MINYEAR < moment.astimezone(datetime.UTC).year < datetime.MAXYEAR
    except OverflowError:
        return False


def encode(*key) -> str:
    values = [value.isoformat() if isinstance(value, datetime.datetime) else value for value in key]
    return base64.urlsafe_b64encode(json.dumps(values, separators=(",", ":")).encode()).decode().rstrip("=")


def _values(cursor: str, kinds: tuple) -> list:
    try:
        values = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
    except (binascii.Error, ValueError, UnicodeDecodeError):
        raise BadCursor from None
    if not isinstance(values, list) or len(values) != len(kinds):
        raise BadCursor
    return values


def decode_moment(cursor: str) -> tuple[datetime.datetime, int]:
    """A (time, id) cursor: stories by publication, photos by upload."""
    moment, pk = _values(cursor, (str, int))
    if not isinstance(moment, str) or not isinstance(pk, int) or isinstance(pk, bool):
        raise BadCursor
    try:
        moment = datetime.datetime.fromisoformat(moment)
    except ValueError:
        raise BadCursor from None
    if moment.tzinfo is None or not storable(moment) or not 0 <= pk <= LARGEST_ID:
        raise BadCursor
    return moment, pk


def decode_name(cursor: str) -> str:
    (name,) = _values(cursor, (str,))
    if not isinstance(name, str):
        raise BadCursor
    return name


def decode_offset(cursor: str) -> int:
    """Search's cursor: a position among at most a few hundred ranked matches (search.selectors
    ranks the newest RANKED_MATCHES), where an offset costs nothing worth saving."""
    (offset,) = _values(cursor, (int,))
    if not isinstance(offset, int) or isinstance(offset, bool) or not 0 <= offset <= LARGEST_OFFSET:
        raise BadCursor
    return offset
