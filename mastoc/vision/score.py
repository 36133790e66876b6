"""Matching proposals to reference outlines by intersection over union (each matched at most once).

Pairs are taken greedily by decreasing IoU, so every reference outline and every proposal is used
in at most one pair; a reference counts as recovered when its pair reaches the threshold.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

Point = tuple[float, float]


@dataclass(frozen=True, slots=True)
class MatchResult:
    recovered: int  # references matched at IoU >= threshold
    references: int
    proposals: int
    false_proposals: int  # proposals not matched to any reference at IoU >= threshold
    mean_iou: float  # over the recovered pairs

    @property
    def recall(self) -> float:
        return self.recovered / self.references if self.references else 0.0


def iou(a: Sequence[Point], b: Sequence[Point]) -> float:
    from shapely.geometry import Polygon

    pa, pb = Polygon(a).buffer(0), Polygon(b).buffer(0)
    union = pa.union(pb).area
    return pa.intersection(pb).area / union if union > 0 else 0.0


def match(proposals: Sequence[Sequence[Point]], references: Sequence[Sequence[Point]],
          threshold: float = 0.5) -> MatchResult:
    import shapely
    from shapely.geometry import Polygon

    props = [Polygon(p).buffer(0) for p in proposals]
    refs = [Polygon(r).buffer(0) for r in references]
    tree = shapely.STRtree(refs)
    pairs: list[tuple[float, int, int]] = []
    for i, p in enumerate(props):
        if p.is_empty:
            continue
        for j in tree.query(p, predicate="intersects"):
            r = refs[int(j)]
            inter = p.intersection(r).area
            union = p.area + r.area - inter
            value = inter / union if union > 0 else 0.0
            if value >= threshold:
                pairs.append((value, i, int(j)))
    pairs.sort(reverse=True)
    used_p: set[int] = set()
    used_r: set[int] = set()
    ious: list[float] = []
    for value, i, j in pairs:
        if i in used_p or j in used_r:
            continue
        used_p.add(i)
        used_r.add(j)
        ious.append(value)
    return MatchResult(len(used_r), len(refs), len(props), len(props) - len(used_p),
                       sum(ious) / len(ious) if ious else 0.0)
