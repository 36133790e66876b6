"""Hold outlines from a wall photo (OpenCV, numpy): click-to-outline and detect-all proposals.

No Qt, no HTTP, no store: functions take an RGB `numpy` array (`load_rgb` reads a file with its EXIF
orientation applied) and return `Proposal`s, polygons in photo pixels with a score in [0, 1].
`segment` owns the shared masks and polygon conversion, `detect` the whole photo (with `split`
for touching holds of different colours), `outline` the click, `score` the IoU matching used by
the benchmark and the tests.
"""

from __future__ import annotations

from mastoc.vision.segment import Proposal, load_rgb

__all__ = ["Proposal", "load_rgb"]
