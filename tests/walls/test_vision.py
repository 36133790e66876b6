"""Segmentation on synthetic photos with known shapes (the real-wall figure is a benchmark)."""

from __future__ import annotations

import numpy as np
import pytest
from PIL import Image, ImageDraw

from mastoc.vision import detect, outline, score


def _photo(shapes: list[tuple[str, tuple[int, int, int, int], tuple[int, int, int]]], size=(1200, 900)) -> np.ndarray:
    rng = np.random.default_rng(14)
    im = Image.new("RGB", size, (152, 150, 146))
    d = ImageDraw.Draw(im)
    for kind, box, colour in shapes:
        (d.ellipse if kind == "ellipse" else d.rectangle)(box, fill=colour)
    arr = np.asarray(im).astype(np.int16) + rng.integers(-6, 7, (size[1], size[0], 3))  # sensor noise
    return np.clip(arr, 0, 255).astype(np.uint8)


def _ellipse(box: tuple[int, int, int, int], n: int = 64) -> list[tuple[float, float]]:
    x0, y0, x1, y1 = box
    cx, cy, rx, ry = (x0 + x1) / 2, (y0 + y1) / 2, (x1 - x0) / 2, (y1 - y0) / 2
    return [(cx + rx * np.cos(t), cy + ry * np.sin(t)) for t in np.linspace(0, 2 * np.pi, n, endpoint=False)]


def _rect(box: tuple[int, int, int, int]) -> list[tuple[float, float]]:
    x0, y0, x1, y1 = box
    return [(x0, y0), (x1, y0), (x1, y1), (x0, y1)]


@pytest.mark.parametrize(("kind", "box", "colour"), [
    ("ellipse", (300, 200, 420, 290), (220, 40, 30)),  # red
    ("rectangle", (700, 500, 780, 620), (30, 60, 200)),  # blue
    ("ellipse", (500, 600, 590, 690), (245, 245, 240)),  # white: lighter than the panel, no colour
    ("rectangle", (100, 100, 170, 150), (35, 35, 38)),  # black
])
def test_click_inside_a_known_shape_gives_its_outline(kind: str, box: tuple[int, int, int, int], colour):
    rgb = _photo([(kind, box, colour), ("ellipse", (900, 100, 980, 180), (250, 200, 0))])
    cx, cy = (box[0] + box[2]) / 2 + 7, (box[1] + box[3]) / 2 - 5  # not exactly at the centre
    found = outline.outline_at(rgb, cx, cy, detect.DetectParams(grow=0.0))
    assert found is not None
    truth = _ellipse(box) if kind == "ellipse" else _rect(box)
    assert score.iou(found.polygon, truth) >= 0.9
    assert len(found.polygon) <= 14


def test_click_on_the_bare_panel_proposes_nothing():
    rgb = _photo([("ellipse", (300, 200, 420, 290), (220, 40, 30))])
    assert outline.outline_at(rgb, 800, 700) is None
    assert outline.outline_at(rgb, -5, 10) is None


def test_detect_all_finds_each_shape_once_and_splits_touching_holds():
    shapes = [
        ("ellipse", (100, 100, 200, 180), (220, 40, 30)),
        ("ellipse", (196, 110, 290, 190), (30, 160, 60)),  # touches the red one
        ("rectangle", (600, 300, 680, 400), (30, 60, 200)),
        ("ellipse", (800, 600, 880, 700), (240, 240, 236)),
    ]
    rgb = _photo(shapes)
    proposals = detect.detect_all(rgb, detect.DetectParams(grow=0.0))
    truths = [_ellipse(b) if k == "ellipse" else _rect(b) for k, b, _ in shapes]
    result = score.match([p.polygon for p in proposals], truths, threshold=0.7)
    assert result.recovered == 4 and result.false_proposals == 0
    assert all(0 <= p.score <= 1 for p in proposals)


def test_matching_counts_each_proposal_once():
    square = [(0, 0), (10, 0), (10, 10), (0, 10)]
    result = score.match([square, square], [square, [(20, 0), (30, 0), (30, 10), (20, 10)]])
    assert (result.recovered, result.false_proposals) == (1, 1)
