"""Local edits: every change a person makes to the store, shared by the CLI and the GUI.

An operation is a plain function `op(store, ...) -> Changes`: it validates its input with the domain
rules, writes in one `store.transaction()`, leaves what each sync must send detectable (the Railway
sync compares content hashes against its stored base; deletions leave a tombstone; a climb with a
`stokt_id` changed since its last push shows up in the push plan), and returns a `Changes` value
saying what it touched. The GUI wraps operations in undo commands (undo = the inverse operation,
through this package) and refreshes from the returned value. No Qt, no HTTP here.

Modules, one per kind of thing: `climbs` (set, edit, delete, restore a climb; `duplicates` holds its
duplicate check), and later `annotations`,
`lists`, `walls` (personal walls and their holds).
"""

from __future__ import annotations

from mastoc.edits.changes import Changes, EditError

__all__ = ["Changes", "EditError"]
