"""Draw holds: the wall mode that outlines the holds of a personal wall, and what it needs.

`shapes` (pure geometry of the drawing gestures), `commands` (undoable commands over
`edits.walls`), `mode` (the Draw-holds wall mode: tools, vertex editing), `proposals` (click-to-outline
and Detect-all proposals under review), `new_wall_dialog` (File → New wall from a photo) and
`install` (the window's menus, toolbar and undo stack for all of it).
"""
