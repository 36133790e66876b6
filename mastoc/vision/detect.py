"""Detect all: hold outline proposals for a whole wall photo.

The photo is worked on at a reduced size (longest side `WORK_SIZE` px). `region_labels` does the
segmentation shared with click-to-outline: the hold mask (`segment.hold_mask`) is cleaned (an
opening removes bolt holes and grain, enclosed holes are filled), then touching holds are split by
a watershed seeded at the h-maxima of the distance transform (one seed per "dome", so a neck between
two holds parts them) over a relief of minus the distance plus the colour gradient (so two holds of
different colours part where the colour changes), and a region of two clearly different colours
is cut in two (`split.split_by_colour`: two holds touching along a long edge). `detect_all` turns
every region of a plausible size into a convex outline grown by a margin, as Stokt draws them,
scored by how well the region fills its hull; a second, more sensitive pass adds faint holds.
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

from mastoc.vision.segment import Proposal, contour_polygon, fill_holes, hold_mask, to_lab

WORK_SIZE = 1600


@dataclass(frozen=True, slots=True)
class DetectParams:
    """Tuning, in pixels of the work image (longest side `work_size`) unless said otherwise."""

    work_size: int = WORK_SIZE
    min_area: float = 1.2e-4  # smallest hold, fraction of the work image's area
    max_area: float = 1.2e-2  # largest hold, same unit
    grow: float = 0.006  # outline margin, fraction of the work image's longest side
    grow_rel: float = 0.0  # plus this fraction of the region's equivalent diameter
    chroma_min: float = 24.0  # see segment.hold_mask
    lightness_delta: float = 16.0
    open_iter: int = 1
    h: float = 1.0  # seed dynamics (px of distance)
    edge_weight: float = 1.0  # weight of the colour gradient in the watershed relief
    panel_sigma: float = 1 / 30  # panel lightness blur, fraction of the longest side
    faint_lightness_delta: float = 10.0  # second pass for faint (grey on grey) holds; 0: none
    faint_chroma_min: float = 18.0
    faint_max_overlap: float = 0.4  # a faint region is kept when at most this share of it was found already
    split_delta: float = 30.0  # > 0: cut a region in two colours whose ΔE is above this (split.py)


def work_scale(shape: tuple[int, ...], work_size: int = WORK_SIZE) -> float:
    """Photo pixels per work pixel (≥ 1: photos are never enlarged)."""
    return max(1.0, max(shape[0], shape[1]) / float(work_size))


def resize(rgb: np.ndarray, scale: float) -> np.ndarray:
    if scale <= 1.0:
        return rgb
    h, w = rgb.shape[:2]
    return cv2.resize(rgb, (max(1, round(w / scale)), max(1, round(h / scale))), interpolation=cv2.INTER_AREA)


def _colour_gradient(lab: np.ndarray) -> np.ndarray:
    """Per-pixel colour change: the largest Sobel magnitude over L, a and b."""
    grads = []
    for c in range(3):
        gx = cv2.Sobel(lab[..., c], cv2.CV_32F, 1, 0, ksize=3)
        gy = cv2.Sobel(lab[..., c], cv2.CV_32F, 0, 1, ksize=3)
        grads.append(np.hypot(gx, gy))
    return np.max(grads, axis=0)


def _h_maxima(f: np.ndarray, h: float) -> np.ndarray:
    """Pixels at the top of every dome of `f` at least `h` high (the h-maxima transform):
    `f - reconstruction_by_dilation(f - h, f)` reaches `h` exactly there. The reconstruction is
    iterated geodesic dilation (OpenCV's dilate), a few dozen passes for hold-sized domes."""
    kernel = np.ones((3, 3), np.uint8)
    rec = f - h
    for _ in range(500):
        grown = np.minimum(cv2.dilate(rec, kernel, iterations=4), f)
        if np.array_equal(grown, rec):
            break
        rec = grown
    return ((f - rec) >= h - 1e-4) & (f > 0)


def region_labels(work: np.ndarray, p: DetectParams, panel_sigma_px: float | None = None) -> np.ndarray:
    """int32 labels (0 = panel) of the hold regions of a work-size RGB image."""
    from skimage.segmentation import watershed

    h, w = work.shape[:2]
    lab = to_lab(cv2.GaussianBlur(work, (3, 3), 0))
    sigma = panel_sigma_px if panel_sigma_px is not None else max(h, w) * p.panel_sigma
    mask = hold_mask(lab, sigma=sigma, chroma_min=p.chroma_min, lightness_delta=p.lightness_delta)
    kernel = cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (3, 3))
    if p.open_iter:
        mask = cv2.morphologyEx(mask, cv2.MORPH_OPEN, kernel, iterations=p.open_iter)
    mask = fill_holes(cv2.morphologyEx(mask, cv2.MORPH_CLOSE, kernel))
    dist = cv2.GaussianBlur(cv2.distanceTransform(mask, cv2.DIST_L2, 5), (0, 0), 1.0)
    _n, markers = cv2.connectedComponents(_h_maxima(dist, p.h).astype(np.uint8))
    relief = -dist + p.edge_weight * _colour_gradient(lab) / 10.0
    labels = np.asarray(watershed(relief, markers, mask=mask > 0), dtype=np.int32)
    if p.split_delta > 0:
        from mastoc.vision.split import split_by_colour

        labels = split_by_colour(labels, lab, p.split_delta, p.min_area * h * w)
    return labels


def region_proposal(region: np.ndarray, grow: float, scale: float,
                    offset: tuple[float, float]) -> Proposal | None:
    """The outline of one region (uint8 0/1 crop) in photo pixels, or None when it has no area."""
    contours, _ = cv2.findContours(region, cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_SIMPLE)
    if not contours:
        return None
    contour = max(contours, key=cv2.contourArea)
    hull_area = cv2.contourArea(cv2.convexHull(contour))
    if hull_area <= 0:
        return None
    solidity = float(region.sum()) / hull_area
    polygon = contour_polygon(contour, grow, scale, offset)
    return Proposal(polygon, float(min(1.0, solidity))) if len(polygon) >= 3 else None


def _proposals(labels: np.ndarray, p: DetectParams, scale: float, taken: np.ndarray | None,
               weight: float) -> list[Proposal]:
    """One proposal per region of a plausible size (skipping regions mostly inside `taken`)."""
    from scipy import ndimage

    h, w = labels.shape
    min_area, max_area = p.min_area * h * w, p.max_area * h * w
    areas = np.bincount(labels.ravel())
    grow = p.grow * max(h, w)
    out: list[Proposal] = []
    for k, box in enumerate(ndimage.find_objects(labels), start=1):
        if box is None or not min_area <= areas[k] <= max_area:
            continue
        ys, xs = box
        y0, x0 = max(0, ys.start - 1), max(0, xs.start - 1)
        region = (labels[y0:ys.stop + 1, x0:xs.stop + 1] == k).astype(np.uint8)
        if taken is not None:
            seen = int((region & taken[y0:ys.stop + 1, x0:xs.stop + 1]).sum())
            if seen > p.faint_max_overlap * areas[k]:
                continue
        size_grow = p.grow_rel * 2.0 * float(np.sqrt(areas[k] / np.pi))
        proposal = region_proposal(region, grow + size_grow, scale, ((x0 + 0.5) * scale - 0.5, (y0 + 0.5) * scale - 0.5))
        if proposal is not None:
            out.append(Proposal(proposal.polygon, proposal.score * weight))
    return out


def detect_all(rgb: np.ndarray, params: DetectParams | None = None) -> list[Proposal]:
    """Proposals for every hold-like region of the photo, in photo pixels, best score first.

    A second, more sensitive pass (lower lightness and chroma thresholds) adds the faint holds the
    first one missed — grey, beige or white holds on the grey panel — with half the score.
    """
    import dataclasses

    p = params or DetectParams()
    scale = work_scale(rgb.shape, p.work_size)
    work = resize(rgb, scale)
    labels = region_labels(work, p)
    proposals = _proposals(labels, p, scale, None, 1.0)
    if p.faint_lightness_delta > 0:
        faint = dataclasses.replace(p, lightness_delta=p.faint_lightness_delta, chroma_min=p.faint_chroma_min)
        taken = (labels > 0).astype(np.uint8)
        proposals += _proposals(region_labels(work, faint), p, scale, taken, 0.5)
    proposals.sort(key=lambda q: -q.score)
    return proposals
