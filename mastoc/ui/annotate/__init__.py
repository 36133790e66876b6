"""Annotate mode and the maintenance view (hold annotations in the desktop app).

- `looks`: overlay palettes (by grip type, condition, difficulty, "has notes") and their legends;
- `mode`: `AnnotateMode`, the wall mode: click / shift-click / drag-a-rectangle selection, overlays
  that combine with a displayed climb (its holds keep their role styling);
- `panel`: the side panel editing my annotation (one hold or a batch), showing the consensus;
- `maintenance`: the holds needing attention, grouped by condition; locate, mark fixed, export PDF;
- `undo`: the undo commands (inverse = `mastoc.edits.annotations.restore`);
- `install`: wiring into the main window (mode action Ctrl+6, tabs, filters, warnings).
"""
