"""An in-memory index of the folded climb names, for the name filter of `search` (issue 15, 400k climbs).

No SQLite index serves a substring of `climbs.name_search` (`LIKE '%…%'` reads every row: ~250 ms
at 400k climbs). This module keeps, per connection and face, the face's folded names joined into one
UTF-8 byte string (NUL between names; UTF-8 is self-synchronising, so a byte substring is a text
substring) with each name's start offset and rowid; `bytes.find` scans it at memory speed and each hit
skips to the next name, so a text matching a few thousand climbs is found in ~10 ms at 400k.

Nothing is maintained on writes (imports pay nothing): the index is built (one aggregate query, ~0.6 s
at 400k climbs) on the first name search,
and built again on the first one after the store changed — a commit by any connection (`PRAGMA
data_version`) or a change by this one (`total_changes`), the key `ui.data` caches counts with. It
answers exactly what the `LIKE` test answers (ASCII letters compared in lower case, like `LIKE`), or
None when it cannot (a name containing NUL, more matches than asked for): the caller then runs the SQL.
"""

from __future__ import annotations

import itertools
import sqlite3
import threading
import uuid
from array import array
from bisect import bisect_right
from collections import OrderedDict

# the pattern's matches are remembered per index (the page and the count of one filter ask for them both)
_MEMO = 16
# indexes kept (one per connection and face: the app has one connection per thread and one face open)
_KEEP = 4

_ASCII_LOWER = bytes.maketrans(b"ABCDEFGHIJKLMNOPQRSTUVWXYZ", b"abcdefghijklmnopqrstuvwxyz")


class NameIndex:
    """The folded names of one face (or of every climb), searched by substring."""

    def __init__(self, rowids: list[int], lengths: list[int], text: bytes) -> None:
        """`text`: the names (UTF-8) joined with NUL, in the order of `rowids`; `lengths`: their sizes in bytes."""
        self.rowids = array("q", rowids)
        self.starts = array("q", itertools.accumulate((n + 1 for n in lengths[:-1]), initial=0))
        # a name containing NUL (or sizes that do not add up): the index never answers
        self.usable = (len(lengths) == len(rowids)
                       and (not rowids or len(text) == sum(lengths) + len(rowids) - 1)
                       and text.count(b"\x00") == max(0, len(rowids) - 1))
        # `LIKE` compares ASCII letters without case: so does the index (`name_search` is lower case anyway)
        self.text = text.translate(_ASCII_LOWER)
        self._memo: OrderedDict[tuple[bytes, int], list[int] | None] = OrderedDict()
        self._lock = threading.Lock()

    def __len__(self) -> int:
        return len(self.rowids)

    def matches(self, folded: str, cap: int) -> list[int] | None:
        """The rowids (ascending) of the names containing `folded` (a folded text), or None if more
        than `cap` names do or the index cannot answer."""
        if not self.usable:
            return None
        pattern = folded.encode("utf-8", "surrogatepass").translate(_ASCII_LOWER)
        if b"\x00" in pattern:
            return None
        key = (pattern, cap)
        with self._lock:
            if key in self._memo:
                self._memo.move_to_end(key)
                return self._memo[key]
        found = self._find(pattern, cap)
        with self._lock:
            self._memo[key] = found
            while len(self._memo) > _MEMO:
                self._memo.popitem(last=False)
        return found

    def _find(self, pattern: bytes, cap: int) -> list[int] | None:
        if not pattern:
            return list(self.rowids) if len(self.rowids) <= cap else None
        text, starts, rowids = self.text, self.starts, self.rowids
        find, n = text.find, len(starts)
        out: list[int] = []
        pos = find(pattern)
        while pos >= 0:
            i = bisect_right(starts, pos) - 1
            out.append(rowids[i])
            if len(out) > cap:
                return None
            if i + 1 >= n:
                break
            pos = find(pattern, starts[i + 1])
        out.sort()
        return out


_lock = threading.Lock()
_indexes: OrderedDict[tuple[int, str | None], tuple[str, tuple[int, int], NameIndex]] = OrderedDict()
_counter = itertools.count()


def _token(conn: sqlite3.Connection) -> str:
    """A token unique to `conn` (an SQL function registered on it): an index is never taken for another
    connection that got the same `id()` after the first one closed."""
    try:
        return str(conn.execute("SELECT mastoc_name_index_token()").fetchone()[0])
    except sqlite3.OperationalError:
        token = f"{uuid.uuid4()}-{next(_counter)}"
        conn.create_function("mastoc_name_index_token", 0, lambda: token, deterministic=True)
        return token


def version(conn: sqlite3.Connection) -> tuple[int, int]:
    """What changes whenever the store's data changes, as this connection sees it."""
    return conn.execute("PRAGMA data_version").fetchone()[0], conn.total_changes


def for_face(conn: sqlite3.Connection, face_id: str | None) -> NameIndex:
    """The current index of `face_id`'s names (None: every climb), built now if missing or stale."""
    token = _token(conn)
    key = (id(conn), face_id)
    current = version(conn)
    with _lock:
        hit = _indexes.get(key)
        if hit is not None and hit[0] == token and hit[1] == current:
            _indexes.move_to_end(key)
            return hit[2]
    index = _build(conn, face_id)
    if version(conn) != current:  # written to meanwhile (another thread on this connection): do not keep it
        return index
    with _lock:
        _indexes[key] = (token, current, index)
        _indexes.move_to_end(key)
        while len(_indexes) > _KEEP:
            _indexes.popitem(last=False)
    return index


def _build(conn: sqlite3.Connection, face_id: str | None) -> NameIndex:
    """The index, read in one aggregate query (three strings: no Python object per climb; ~1 s at 400k
    climbs on a loaded machine, a few tens of MB at most while it is built)."""
    where, params = ("WHERE face_id = ?", (face_id,)) if face_id is not None else ("", ())
    row = conn.execute(
        "SELECT group_concat(rowid), group_concat(length(CAST(name_search AS BLOB))), "
        "group_concat(CAST(name_search AS BLOB), x'00') "
        f"FROM (SELECT rowid, name_search FROM climbs {where} ORDER BY rowid)", params).fetchone()
    if row[0] is None:
        return NameIndex([], [], b"")
    rowids = list(map(int, row[0].split(",")))
    lengths = list(map(int, row[1].split(",")))
    text = row[2] if isinstance(row[2], bytes) else str(row[2]).encode("utf-8", "surrogatepass")
    return NameIndex(rowids, lengths, text)


def clear() -> None:
    """Forget every index (tests; memory)."""
    with _lock:
        _indexes.clear()
