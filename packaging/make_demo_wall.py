"""Generate the bundled demo wall into `resources/demo/` (run: `python packaging/make_demo_wall.py`).

An ORIGINAL picture (a plywood board with bolt-on holds, drawn with Pillow; not the Stokt photo) and
the files of a Stokt backup in Stokt's exact format, so the normal Stokt loader imports them:
`demo_setup.json` (hold polygons, touch polygons, SVG paths, centroids, top outlines, start tapes
computed the way Stokt does: centre tape along the ray from the picture's top centre through the
centroid, left/right tapes rotated -/+30 degrees, each starting where its ray leaves the outline),
`demo_gym.json`, `demo_walls.json`, `demo_climbs.json` (a few dozen demo climbs) and
`demo_wall.jpg`. Deterministic: the same seed gives byte-identical JSON.
"""

from __future__ import annotations

import json
import math
import random
import uuid
from pathlib import Path

from PIL import Image, ImageDraw, ImageFilter

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "resources" / "demo"

W, H = 1500, 2000
SCALE = W / 2263  # the real wall's tapes are 100 px on a 2263 px wide photo
NS = uuid.UUID("5a0c1f7e-3c1d-4a38-9d7f-6b0d2f1e9a11")
GYM_ID = str(uuid.uuid5(NS, "gym"))
WALL_ID = str(uuid.uuid5(NS, "wall"))
FACE_ID = str(uuid.uuid5(NS, "face"))
FIRST_HOLD_ID = 900001
PICTURE_NAME = f"CACHE/images/walls/{WALL_ID}/faces/{FACE_ID}/demo/demo_wall.jpg"
SMALL_NAME = f"CACHE/images/walls/{WALL_ID}/faces/{FACE_ID}/demo_small.jpg"
FEET_RULES = ["Tous pieds", "Pieds des mains", "No foot"]

HOLD_COLOURS = [
    (242, 201, 36), (38, 98, 196), (30, 30, 34), (206, 40, 48), (40, 160, 80),
    (120, 60, 170), (240, 120, 30), (236, 236, 230), (230, 90, 150), (20, 150, 170),
]

FONT_ANCHORS = [("4", 12.0), ("4+", 13.25), ("5", 14.25), ("5+", 15.0), ("6A", 15.5), ("6A+", 16.5),
                ("6B", 17.5), ("6B+", 18.0), ("6C", 18.5), ("6C+", 19.5), ("7A", 20.5), ("7A+", 21.5),
                ("7B", 22.5)]
HUECO = [("V0", 12.0), ("V1", 14.625), ("V2", 15.5), ("V3", 16.5), ("V4", 17.75), ("V5", 19.0),
         ("V6", 20.5), ("V7", 21.5), ("V8", 22.5)]
DANKYU = [("6Q", 12.0), ("5Q", 13.75), ("4Q", 15.5), ("3Q", 17.0), ("2Q", 18.25), ("1Q", 20.0),
          ("1D", 21.5), ("1D+", 22.5), ("2D", 23.5)]

NAMES = [
    "Warm-up Ladder", "Plywood Dreams", "Bolt On", "The Traverse Lie", "Chalk Cloud", "Pinch Me",
    "Slopey Joe", "Crimp Shrimp", "Left Hand Path", "Drop Knee Diary", "Heel Hook Heaven", "Mono Nono",
    "First Light", "Golden Jug", "Blue Monday", "Red Line", "Black Box", "The Long Reach", "Toe Tap",
    "Small Feet Big Dreams", "Campus Kid", "Match Point", "Dead Point Society", "Gaston Shuffle",
    "Undercling Uncle", "The Board Meeting", "Sunday Session", "Evening Circuit", "Tension Board",
    "Flagging Fun", "Cross Through", "Jump Start", "Benchmark One", "Benchmark Two", "Benchmark Three",
    "Finger Lickin'", "Knee Bar Ninja", "Slab Sandwich", "Rainy Day", "Last Try",
]
TAGS = ["Crimpy", "Pinchy", "Powerful", "Dyno", "Technical", "Slopey", "Juggy"]
SETTERS = [("Demo Setter A", str(uuid.uuid5(NS, "setter-a"))), ("Demo Setter B", str(uuid.uuid5(NS, "setter-b"))),
           ("Demo Setter C", str(uuid.uuid5(NS, "setter-c")))]


def _fmt(v: float) -> str:
    return f"{v:.2f}"


def _blob(rnd: random.Random, cx: float, cy: float, r: float) -> list[tuple[float, float]]:
    n = rnd.randint(6, 11)
    base = rnd.uniform(0, math.tau)
    pts = []
    stretch = rnd.uniform(0.7, 1.3)
    for i in range(n):
        a = base + i * math.tau / n
        rr = r * rnd.uniform(0.75, 1.15)
        pts.append((cx + rr * math.cos(a) * stretch, cy + rr * math.sin(a) / stretch))
    return pts


def _area_centroid(pts: list[tuple[float, float]]) -> tuple[float, float, float]:
    a = cx = cy = 0.0
    for (x1, y1), (x2, y2) in zip(pts, pts[1:] + pts[:1], strict=True):
        c = x1 * y2 - x2 * y1
        a += c
        cx += (x1 + x2) * c
        cy += (y1 + y2) * c
    a /= 2
    return abs(a), cx / (6 * a), cy / (6 * a)


def _ray_exit(pts: list[tuple[float, float]], cx: float, cy: float, dx: float, dy: float) -> tuple[float, float]:
    """Where the ray from (cx, cy) along (dx, dy) leaves the polygon (farthest crossing)."""
    best = 0.0
    for (x1, y1), (x2, y2) in zip(pts, pts[1:] + pts[:1], strict=True):
        ex, ey = x2 - x1, y2 - y1
        den = dx * ey - dy * ex
        if abs(den) < 1e-12:
            continue
        t = ((x1 - cx) * ey - (y1 - cy) * ex) / den
        u = ((x1 - cx) * dy - (y1 - cy) * dx) / den
        if t >= 0 and 0 <= u <= 1:
            best = max(best, t)
    return cx + dx * best, cy + dy * best


def _tape(pts, cx, cy, angle_deg: float) -> str:
    dx, dy = cx - W / 2, cy - 0.0
    norm = math.hypot(dx, dy) or 1.0
    dx, dy = dx / norm, dy / norm
    a = math.radians(angle_deg)
    rx, ry = dx * math.cos(a) - dy * math.sin(a), dx * math.sin(a) + dy * math.cos(a)
    x1, y1 = _ray_exit(pts, cx, cy, rx, ry)
    length = 100 * SCALE
    return f"{_fmt(x1)} {_fmt(y1)} {_fmt(x1 + rx * length)} {_fmt(y1 + ry * length)}"


def make_holds(rnd: random.Random) -> list[dict]:
    holds = []
    cols, rows = 9, 13
    hid = FIRST_HOLD_ID
    for row in range(rows):
        for col in range(cols):
            if rnd.random() < 0.12:
                continue
            cx = 110 + col * (W - 220) / (cols - 1) + rnd.uniform(-45, 45)
            cy = 150 + row * (H - 260) / (rows - 1) + rnd.uniform(-40, 40)
            r = rnd.uniform(16, 34) if row < rows - 2 else rnd.uniform(12, 20)
            pts = _blob(rnd, cx, cy, r)
            area, gx, gy = _area_centroid(pts)
            grow = 25 * SCALE
            top = [(x + (x - gx) / math.hypot(x - gx, y - gy) * grow, y + (y - gy) / math.hypot(x - gx, y - gy) * grow)
                   for x, y in pts]
            xs, ys = [p[0] for p in pts], [p[1] for p in pts]
            touch = [(min(xs) - 6, min(ys) - 6), (max(xs) + 6, min(ys) - 6), (max(xs) + 6, max(ys) + 6),
                     (min(xs) - 6, max(ys) + 6)]
            poly = " ".join(f"{_fmt(x)},{_fmt(y)}" for x, y in pts)
            holds.append({
                "id": hid,
                "area": _fmt(area * 0.6),
                "polygonStr": poly,
                "touchPolygonStr": " ".join(f"{_fmt(x)},{_fmt(y)}" for x, y in touch),
                "pathStr": "M" + "L".join(f"{_fmt(x)},{_fmt(y)}" for x, y in pts) + "z",
                "centroidStr": f"{_fmt(gx)} {_fmt(gy)}",
                "topPolygonStr": " ".join(f"{_fmt(x)},{_fmt(y)}" for x, y in top),
                "centerTapeStr": _tape(pts, gx, gy, 0.0),
                "rightTapeStr": _tape(pts, gx, gy, 30.0),
                "leftTapeStr": _tape(pts, gx, gy, -30.0),
                "_colour": rnd.randrange(len(HOLD_COLOURS)),
                "_pts": pts,
                "_c": (gx, gy),
            })
            hid += 1
    return holds


def draw_wall(holds: list[dict], rnd: random.Random) -> Image.Image:
    img = Image.new("RGB", (W, H), (214, 178, 128))
    d = ImageDraw.Draw(img)
    # wood grain: long wavy bands of slightly varying colour
    for y in range(0, H, 3):
        shade = int(14 * math.sin(y / 37.0) + 8 * math.sin(y / 11.0 + rnd.random()))
        wobble = rnd.uniform(-2, 2)
        d.line([(0, y), (W, y + wobble)], fill=(214 + shade, 178 + shade, 128 + shade // 2), width=3)
    for _ in range(60):  # knots
        x, y = rnd.uniform(0, W), rnd.uniform(0, H)
        rx, ry = rnd.uniform(8, 22), rnd.uniform(3, 8)
        d.ellipse([x - rx, y - ry, x + rx, y + ry], outline=(170, 128, 80), width=2)
    img = img.filter(ImageFilter.GaussianBlur(1.2))
    d = ImageDraw.Draw(img)
    # panel seams and the bolt grid (T-nuts)
    for x in range(0, W, W // 3):
        d.line([(x, 0), (x, H)], fill=(150, 112, 70), width=4)
    for y in range(0, H, H // 4):
        d.line([(0, y), (W, y)], fill=(150, 112, 70), width=4)
    for gx in range(40, W, 80):
        for gy in range(40, H, 80):
            d.ellipse([gx - 5, gy - 5, gx + 5, gy + 5], fill=(70, 60, 50))
            d.ellipse([gx - 2, gy - 2, gx + 2, gy + 2], fill=(30, 26, 22))
    # holds: shadow, body, darker rim, highlight and a bolt
    shadow = Image.new("L", (W, H), 0)
    sd = ImageDraw.Draw(shadow)
    for h in holds:
        sd.polygon([(x + 6, y + 8) for x, y in h["_pts"]], fill=110)
    shadow = shadow.filter(ImageFilter.GaussianBlur(6))
    img.paste((40, 30, 20), mask=shadow)
    d = ImageDraw.Draw(img)
    for h in holds:
        col = HOLD_COLOURS[h["_colour"]]
        rim = tuple(max(0, int(c * 0.7)) for c in col)
        d.polygon(h["_pts"], fill=col, outline=rim, width=3)
        gx, gy = h["_c"]
        hl = tuple(min(255, int(c * 1.25 + 30)) for c in col)
        d.ellipse([gx - 9, gy - 11, gx + 1, gy - 4], fill=hl)
        d.ellipse([gx - 4, gy - 4, gx + 4, gy + 4], fill=(60, 60, 64), outline=(20, 20, 20))
    return img


def _label(table: list[tuple[str, float]], ircra: float) -> str:
    out = table[0][0]
    for name, lo in table:
        if ircra >= lo:
            out = name
    return out


def make_climbs(holds: list[dict], rnd: random.Random) -> list[dict]:
    by_row: dict[int, list[dict]] = {}
    for h in holds:
        by_row.setdefault(int(h["_c"][1] // (H / 10)), []).append(h)
    low = [h for h in holds if h["_c"][1] > H * 0.62]
    low_feet = [h for h in holds if h["_c"][1] > H * 0.85]
    high = [h for h in holds if h["_c"][1] < H * 0.18]
    climbs = []
    for i, name in enumerate(NAMES):
        n_starts = 1 if i % 3 == 0 else 2
        starts = rnd.sample([h for h in low if h["_c"][1] < H * 0.85], n_starts)
        top = rnd.choice(high)
        hands = []
        y = min(h["_c"][1] for h in starts)
        x = sum(h["_c"][0] for h in starts) / n_starts
        while y - 220 > top["_c"][1]:
            y -= rnd.uniform(150, 260)
            cands = [h for h in holds if abs(h["_c"][1] - y) < 110 and abs(h["_c"][0] - x) < 380
                     and h not in hands and h not in starts and h is not top]
            if not cands:
                break
            pick = min(cands, key=lambda h: abs(h["_c"][0] - x - rnd.uniform(-250, 250)))
            hands.append(pick)
            x = pick["_c"][0]
        feet = rnd.sample([h for h in low_feet if h not in starts], rnd.choice([0, 0, 1, 2])) if i % 2 else []
        ircra = FONT_ANCHORS[min(len(FONT_ANCHORS) - 1, max(0, int(rnd.triangular(0, 12, 4))))][1]
        if i % 7 == 6:
            ircra += 0.5
        tokens = ([f"S{h['id']}" for h in sorted(starts, key=lambda h: h["id"])]
                  + [f"F{h['id']}" for h in sorted(feet, key=lambda h: h["id"])]
                  + [f"O{h['id']}" for h in sorted(hands, key=lambda h: h["id"])]
                  + [f"T{top['id']}"])
        setter_name, setter_id = SETTERS[i % len(SETTERS)]
        day = 1 + (len(NAMES) - i) % 28
        month = 1 + (len(NAMES) - i) // 28
        ungraded = i == len(NAMES) - 1
        climbs.append({
            "id": str(uuid.uuid5(NS, f"climb-{i}")),
            "climbSetters": {"id": setter_id, "fullName": setter_name, "avatar": ""},
            "name": name,
            "holdsList": " ".join(tokens),
            "mirrorHoldsList": "",
            "feetRule": FEET_RULES[1] if feet else FEET_RULES[0] if i % 11 else FEET_RULES[2],
            "dateCreated": f"2026-{month:02d}-{day:02d}T18:{i % 60:02d}:00.000000+00:00",
            "isPrivate": False,
            "isBenchmark": name.startswith("Benchmark"),
            "crowdGrade": {"ircra": 0.0, "hueco": "?", "font": "?", "dankyu": "?"} if ungraded else {
                "ircra": ircra, "hueco": _label(HUECO, ircra), "font": _label(FONT_ANCHORS, ircra),
                "dankyu": _label(DANKYU, ircra)},
            "crowdGrades": [],
            "faceId": FACE_ID,
            "wallId": WALL_ID,
            "wallName": "Demo board",
            "isAngleAdjustable": False,
            "climbedBy": rnd.randint(0, 40),
            "totalLikes": rnd.randint(0, 15),
            "totalComments": rnd.randint(0, 4),
            "likedByUser": False,
            "attemptsToSendMirror": 0,
            "attemptsToSendOriginal": 0,
            "angle": "",
            "bookmarkedByUser": False,
            "hasSymmetric": False,
            "circuit": "",
            "tags": ",".join(rnd.sample(TAGS, rnd.choice([0, 1, 2]))),
            "lastAttemptDate": None,
            "lastEffortDate": None,
            "lastEffortIsFlashed": None,
        })
    climbs.sort(key=lambda c: c["dateCreated"], reverse=True)
    return climbs


def main() -> None:
    rnd = random.Random(20260101)
    holds = make_holds(rnd)
    img = draw_wall(holds, rnd)
    climbs = make_climbs(holds, rnd)
    OUT.mkdir(parents=True, exist_ok=True)
    img.save(OUT / "demo_wall.jpg", quality=85, optimize=True)
    setup = {
        "id": FACE_ID, "gym": "mastoc demo gym", "wall": "Demo board",
        "picture": {"name": PICTURE_NAME, "width": W, "height": H},
        "feetRulesOptions": FEET_RULES, "hasSymmetry": False,
        "holds": [{k: v for k, v in h.items() if not k.startswith("_")} for h in holds],
    }
    summary = {
        "id": GYM_ID, "displayName": "mastoc demo gym", "unit": "FEET", "numberOfClimbs": len(climbs),
        "numberOfClimbers": 3, "numberOfSends": 0, "isFavorite": False,
        "walls": [{"id": WALL_ID, "name": "Demo board", "dimensions": "Feet", "angle": None, "width": None,
                   "height": None, "isAngleAdjustable": False,
                   "feetRules": [{"name": n, "isDefault": i == 0} for i, n in enumerate(FEET_RULES)]}],
        "pictures": [], "isEditable": False, "description": "The demo wall bundled with mastoc.",
        "defaultPictures": [], "gymType": "COMMERCIAL", "gymManagers": [], "locationString": "Nowhere",
        "wallType": "Commercial",
    }
    walls = [{"id": WALL_ID, "name": "Demo board", "angle": None, "isActive": True,
              "faces": [{"id": FACE_ID, "isActive": True, "dateModified": "2026-01-01T00:00:00.000000+00:00",
                         "smallPicture": {"name": SMALL_NAME, "width": 339, "height": 452},
                         "totalClimbs": len(climbs)}],
              "angles": [], "defaultAngle": "", "isAngleAdjustable": False}]
    page = {"count": len(climbs), "next": None, "previous": None, "results": climbs}

    def dump(name: str, obj: object) -> None:
        (OUT / name).write_text(json.dumps(obj, ensure_ascii=False, separators=(",", ":")), encoding="utf-8")

    dump("demo_setup.json", setup)
    dump("demo_gym.json", summary)
    dump("demo_walls.json", walls)
    dump("demo_climbs.json", page)
    print(f"demo wall: {len(holds)} holds, {len(climbs)} climbs -> {OUT}")


if __name__ == "__main__":
    main()
