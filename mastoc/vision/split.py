"""Cutting regions made of two touching holds of different colours in two.

The distance-transform watershed parts holds at necks; two holds that touch along a long edge form
one convex region with no neck. Their colours usually differ, so a region whose pixels fall into two
clearly different colour clusters is cut along them.
"""

from __future__ import annotations

import cv2
import numpy as np


def split_by_colour(labels: np.ndarray, lab: np.ndarray, min_delta: float, min_part: float) -> np.ndarray:
    """Regions made of two clearly different colours (two touching holds) cut in two.

    The region's pixels are clustered in two (k-means in Lab); when the cluster centres are more than
    `min_delta` apart (ΔE) and each colour's largest connected piece has at least `min_part` pixels,
    those pieces become regions of their own (the rest stays with the larger piece's label).
    """
    from scipy import ndimage

    out = labels.copy()
    next_label = int(labels.max()) + 1
    criteria = (cv2.TERM_CRITERIA_EPS + cv2.TERM_CRITERIA_MAX_ITER, 10, 1.0)
    for k, box in enumerate(ndimage.find_objects(labels), start=1):
        if box is None:
            continue
        region = labels[box] == k
        count = int(region.sum())
        if count < 2 * min_part:
            continue
        samples = lab[box][region].astype(np.float32)
        cv2.setRNGSeed(14)
        _c, assign, centres = cv2.kmeans(samples, 2, None, criteria, 2, cv2.KMEANS_PP_CENTERS)  # type: ignore[call-overload]
        if float(np.linalg.norm(centres[0] - centres[1])) < min_delta:
            continue
        pieces = []
        for cluster in (0, 1):
            part = np.zeros(region.shape, np.uint8)
            part[region] = (assign.ravel() == cluster).astype(np.uint8)
            part = cv2.morphologyEx(part, cv2.MORPH_OPEN, np.ones((3, 3), np.uint8))
            n, comp, stats, _ = cv2.connectedComponentsWithStats(part, connectivity=4)
            if n < 2:
                break
            best = 1 + int(np.argmax(stats[1:, cv2.CC_STAT_AREA]))
            if stats[best, cv2.CC_STAT_AREA] < min_part:
                break
            pieces.append(comp == best)
        if len(pieces) != 2:
            continue
        view = out[box]
        view[pieces[1]] = next_label
        next_label += 1
    return out
