"""Click-to-outline: the proposed outline of the hold under a point of the photo.

Only a window around the click is segmented, at the same work scale as detect-all (so both give the
same outline for the same hold), with `detect.region_labels`. The region under the click (or the
nearest one within a few pixels, for a click on a bolt hole or an edge) becomes the outline. When the
click is on something the hold mask does not see, the more sensitive pass of detect-all is tried
(faint holds), then a colour flood fill from the click. None when nothing hold-like is there.
"""

from __future__ import annotations

import dataclasses

import cv2
import numpy as np

from mastoc.vision.detect import DetectParams, region_labels, region_proposal, resize, work_scale
from mastoc.vision.segment import Proposal, to_lab

WINDOW = 0.09  # half-size of the window, fraction of the photo's longest side
SNAP = 6  # work pixels: how far from the click a region may start
FLOOD_TOLERANCE = 9.0  # Lab units, for the flood-fill fallback


def outline_at(rgb: np.ndarray, x: float, y: float, params: DetectParams | None = None) -> Proposal | None:
    """The proposed outline (photo pixels) of the hold at (x, y), or None."""
    p = params or DetectParams()
    height, width = rgb.shape[:2]
    if not (0 <= x < width and 0 <= y < height):
        return None
    scale = work_scale(rgb.shape, p.work_size)
    half = max(40, int(WINDOW * max(height, width)))
    x0, y0 = max(0, int(x) - half), max(0, int(y) - half)
    x1, y1 = min(width, int(x) + half + 1), min(height, int(y) + half + 1)
    work = resize(rgb[y0:y1, x0:x1], scale)
    wh, ww = work.shape[:2]
    cx = min(ww - 1, int((x - x0) / scale))
    cy = min(wh - 1, int((y - y0) / scale))
    sigma = max(height, width) / scale * p.panel_sigma
    labels = region_labels(work, p, panel_sigma_px=sigma)
    region = _region_at(labels, cx, cy)
    if region is None and p.faint_lightness_delta > 0:  # a faint hold: the sensitive pass of detect-all
        faint = dataclasses.replace(p, lightness_delta=p.faint_lightness_delta, chroma_min=p.faint_chroma_min)
        region = _region_at(region_labels(work, faint, panel_sigma_px=sigma), cx, cy)
    if region is None:
        region = _flood(work, cx, cy)
    if region is None:
        return None
    work_area = max(height, width) / scale
    area = float(region.sum())
    if area > p.max_area * 4 * work_area * work_area or area < 9:
        return None
    grow = p.grow * work_area
    offset = (x0 + 0.5 * scale - 0.5, y0 + 0.5 * scale - 0.5)
    return region_proposal(region, grow, scale, offset)


def _region_at(labels: np.ndarray, cx: int, cy: int) -> np.ndarray | None:
    label = int(labels[cy, cx])
    if label == 0:
        y0, x0 = max(0, cy - SNAP), max(0, cx - SNAP)
        patch = labels[y0:cy + SNAP + 1, x0:cx + SNAP + 1]
        ys, xs = np.nonzero(patch)
        if not len(ys):
            return None
        nearest = np.argmin((ys + y0 - cy) ** 2 + (xs + x0 - cx) ** 2)
        label = int(patch[ys[nearest], xs[nearest]])
    return (labels == label).astype(np.uint8)


def _flood(work: np.ndarray, cx: int, cy: int) -> np.ndarray | None:
    """Pixels of about the click's colour connected to it (a hold the mask misses)."""
    lab = to_lab(cv2.GaussianBlur(work, (5, 5), 0))
    seed = lab[cy, cx]
    close = (np.linalg.norm(lab - seed, axis=2) < FLOOD_TOLERANCE).astype(np.uint8)
    _n, comps = cv2.connectedComponents(close)
    region = (comps == comps[cy, cx]).astype(np.uint8)
    touches_border = region[0].any() or region[-1].any() or region[:, 0].any() or region[:, -1].any()
    return None if touches_border or not region[cy, cx] else region
