"""Shared pieces of hold segmentation: reading a photo, the wall-vs-hold mask, mask -> polygon.

A board wall is a grey (low-chroma) panel; holds are coloured, or clearly lighter or darker than the
panel around them. `hold_mask` marks those pixels in CIE Lab: chroma above a threshold, or lightness
far from the panel's local lightness (estimated from the low-chroma pixels only, smoothed, so a
lighting gradient across the photo does not read as holds). `mask_polygon` turns one region into an
outline like Stokt's: the region's convex hull grown by a small margin, at most 14 vertices.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np

Point = tuple[float, float]

CHROMA_MIN = 24.0  # Lab chroma (a, b distance from neutral) above which a pixel is "coloured"
LIGHTNESS_DELTA = 34.0  # |L - panel L| above which a neutral pixel is a white/black hold
MAX_VERTICES = 14


@dataclass(frozen=True, slots=True)
class Proposal:
    """A proposed hold outline in photo pixels (not closed) and a confidence score in [0, 1]."""

    polygon: list[Point]
    score: float

    def as_json(self) -> dict[str, object]:
        return {"polygon": [[round(x, 2), round(y, 2)] for x, y in self.polygon], "score": round(self.score, 3)}


def load_rgb(source: str | Path | bytes) -> np.ndarray:
    """An RGB uint8 array of an image file (or its bytes), EXIF orientation applied."""
    from PIL import Image, ImageOps

    data = source if isinstance(source, bytes) else Path(source).read_bytes()
    with Image.open(io.BytesIO(data)) as im:
        upright = ImageOps.exif_transpose(im)
        return np.asarray(upright.convert("RGB"))


def to_lab(rgb: np.ndarray) -> np.ndarray:
    """Float32 Lab with L in [0, 100] and a, b centred on 0 (OpenCV's 8-bit encoding undone)."""
    lab = cv2.cvtColor(rgb, cv2.COLOR_RGB2LAB).astype(np.float32)
    lab[..., 0] *= 100.0 / 255.0
    lab[..., 1:] -= 128.0
    return lab


def panel_lightness(lab: np.ndarray, chroma: np.ndarray, sigma: float) -> np.ndarray:
    """The panel's lightness around each pixel: a blur of L over the neutral pixels only."""
    neutral = (chroma < CHROMA_MIN * 0.6).astype(np.float32)
    # the panel's lightness varies slowly: blur at 1/8 of the size, then scale back up
    h, w = chroma.shape
    factor = 8 if min(h, w) >= 64 else 1
    size = (max(1, w // factor), max(1, h // factor))
    small_n = cv2.resize(neutral, size, interpolation=cv2.INTER_AREA)
    small_l = cv2.resize(lab[..., 0] * neutral, size, interpolation=cv2.INTER_AREA)
    weight = cv2.GaussianBlur(small_n, (0, 0), sigma / factor)
    total = cv2.GaussianBlur(small_l, (0, 0), sigma / factor)
    fallback = float(np.median(lab[..., 0][neutral > 0])) if neutral.any() else 60.0
    with np.errstate(invalid="ignore", divide="ignore"):
        local = np.where(weight > 1e-3, total / np.maximum(weight, 1e-6), fallback).astype(np.float32)
    return cv2.resize(local, (w, h), interpolation=cv2.INTER_LINEAR)


def hold_mask(lab: np.ndarray, sigma: float = 40.0, chroma_min: float = CHROMA_MIN,
              lightness_delta: float = LIGHTNESS_DELTA) -> np.ndarray:
    """uint8 mask (255 = hold) of the pixels that are not the grey panel."""
    chroma = np.hypot(lab[..., 1], lab[..., 2])
    panel = panel_lightness(lab, chroma, sigma)
    mask = (chroma > chroma_min) | (np.abs(lab[..., 0] - panel) > lightness_delta)
    return mask.astype(np.uint8) * 255


def fill_holes(mask: np.ndarray) -> np.ndarray:
    """The mask with its enclosed holes (bolt holes, highlights) filled."""
    contours, _ = cv2.findContours(mask, cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_SIMPLE)
    out = np.zeros_like(mask)
    cv2.drawContours(out, contours, -1, 255, thickness=cv2.FILLED)
    return out


def contour_polygon(contour: np.ndarray, grow: float, scale: float = 1.0,
                    offset: tuple[float, float] = (0.0, 0.0)) -> list[Point]:
    """An outline like Stokt's for one contour: convex hull grown by `grow` px, ≤ 14 vertices,
    then mapped to photo pixels by `scale` and `offset`."""
    hull = cv2.convexHull(contour.reshape(-1, 1, 2).astype(np.float32))
    pts = hull.reshape(-1, 2).astype(np.float64)
    if grow > 0 and len(pts) >= 3:
        centre = pts.mean(axis=0)
        vec = pts - centre
        norm = np.linalg.norm(vec, axis=1, keepdims=True)
        pts = pts + vec / np.maximum(norm, 1e-6) * grow
    ring = pts.astype(np.float32).reshape(-1, 1, 2)
    perimeter = cv2.arcLength(ring, True)
    epsilon = max(0.5, 0.01 * perimeter)
    approx = cv2.approxPolyDP(ring, epsilon, True)
    while len(approx) > MAX_VERTICES:
        epsilon *= 1.4
        approx = cv2.approxPolyDP(ring, epsilon, True)
    if len(approx) < 3:
        approx = ring
    out = approx.reshape(-1, 2).astype(np.float64) * scale + np.asarray(offset)
    return [(float(x), float(y)) for x, y in out]
