"""Set mode: setting, editing, mirroring and deleting climbs on the wall.

- `draft` — the climb being set (hold roles + details), its click cycle, its JSON form;
- `draft_file` — the autosaved draft in the data directory (survives a crash or kill -9);
- `commands` — the `QUndoCommand`s (hold changes, details, save / edit / delete through `mastoc.edits`);
- `mode` — `SetMode`, the wall mode (clicks cycle roles, drags paint, the draft drawn as a climb);
- `panel` — the Set panel (legend and brush, rules, details form, duplicate warning, buttons);
- `controller` — `SetController`: ties the draft, the undo stack, the panel, the mode and the store.
"""
