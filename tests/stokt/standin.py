"""A loopback Stokt stand-in: serves ../shared/stokt/fixtures/ in Stokt's exact shapes, with faults.

    with StoktStandin(fixtures_dir) as s:
        client = StoktClient(s.url); client.login(s.username, s.password)

What it does (API.md §15): `POST api/token-auth` (form or JSON) → `{"token"}` or 400
`{"nonFieldErrors"}`; `Token` auth on every `api/` call (401 `{"detail"}`); summary, walls (array),
face setup, my-sent/my-set climbs (arrays); `gyms/{id}/climbs?max_age=N&page=P` generated from the
union of the fixture pages (newest first, `max_age` against an injectable clock, configurable page
size, absolute `next`/`previous` with its own host, keys sorted; a `page_size` query is ignored as by
DRF's default paginator unless `max_page_size` is set, then honoured up to it as DRF's
`page_size_query_param` + `max_page_size` do, and kept verbatim in the links either way); media files (only the two fixture
photos, by exact name, no auth); `POST api/faces/{id}/climbs` validated, remembered in `posted`,
answered 201 with a climb object with a new UUID; `PATCH api/faces/{id}/climbs/{climbId}` (a partial
creation body) and `DELETE api/climbs/{climbId}` only on climbs posted through it (403 otherwise, 404
for unknown ones), remembered in `patched` / `deleted`. The account's personal lists
(`users/lists/{me}/personal`, an array of list objects) and their items (`lists/{id}/items`, one page
of `{id, climb, order}`), API.md §12: `lists` / `list_items`, editable by tests.

Tests edit upstream between runs (`edit_climb`, `delete_climb`, `add_climb`) and inject faults
(`inject(...)`, `latency`, `auth_fail_from_page`, `random_failures(...)`). Listens on 127.0.0.1 only,
HTTP/1.1 keep-alive with Nagle disabled (see QUALITY.md).
"""

from __future__ import annotations

import copy
import json
import random
import re
import secrets
import socket
import struct
import threading
import time
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta, timezone
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

REAL_HOST = "https://www.sostokt.com"
DEFAULT_NOW = datetime(2025, 12, 20, 22, 0, tzinfo=UTC)
STOKT_TZ = timezone(timedelta(hours=-5))
GYM_ID = "be149ef2-317d-4c73-8d7d-50074577d2fa"
WALL_ID = "1ab81c9a-ecfa-4a1a-b56e-1490f3445d99"
FACE_ID = "61b42d14-c629-434a-8827-801512151a18"

_FONT_ANCHORS = {"4": 12.0, "4+": 13.25, "5": 14.25, "5+": 15.0, "6A": 15.5, "6A+": 16.5, "6B": 17.5,
                 "6B+": 18.0, "6C": 18.5, "6C+": 19.5, "7A": 20.5, "7A+": 21.5, "7B": 22.5, "7B+": 23.5,
                 "7C": 24.5, "7C+": 25.5, "8A": 26.5}
_HUECO = [(12.0, "V0"), (14.5, "V1"), (15.5, "V2"), (16.5, "V3"), (17.75, "V4"), (19.0, "V5"), (20.5, "V6"),
          (21.5, "V7"), (22.5, "V8"), (23.5, "V9"), (25.0, "V10"), (26.5, "V11")]
_DANKYU = [(12.0, "6Q"), (13.5, "5Q"), (15.5, "4Q"), (17.0, "3Q"), (18.25, "2Q"), (20.0, "1Q"), (21.5, "1D"),
           (22.5, "1D+"), (23.5, "2D"), (24.5, "2D+"), (26.5, "3D+")]


def _band(table: list[tuple[float, str]], ircra: float) -> str:
    label = table[0][1]
    for lo, name in table:
        if ircra >= lo:
            label = name
    return label


def crowd_grade(system: str, value: str) -> dict[str, Any]:
    """The `crowdGrade` object Stokt would show for a single vote `value` in `system`."""
    if system == "font" and value in _FONT_ANCHORS:
        ircra = _FONT_ANCHORS[value]
    elif system == "hueco" and value in {v for _, v in _HUECO}:
        ircra = dict((v, lo) for lo, v in _HUECO)[value]
    elif system == "dankyu" and value in {v for _, v in _DANKYU}:
        ircra = dict((v, lo) for lo, v in _DANKYU)[value]
    else:
        return {"ircra": 0.0, "hueco": "?", "font": "?", "dankyu": "?"}
    font = max((a, f) for f, a in _FONT_ANCHORS.items() if a <= ircra)[1]
    return {"ircra": ircra, "hueco": _band(_HUECO, ircra), "font": font, "dankyu": _band(_DANKYU, ircra)}


def stokt_date(dt: datetime) -> str:
    return dt.astimezone(STOKT_TZ).isoformat(timespec="microseconds")


@dataclass
class Fault:
    """One injected fault. `match` is a regex searched in "METHOD /path?query"; `times` None = forever.

    kinds: "status" (answer `status` with `body`/`headers`), "reset" (TCP reset, no answer),
    "reset_after" (handle the request, then reset instead of answering: a lost response),
    "slow" (sleep `delay` then answer), "truncate" (200 with the JSON cut in half, honest
    Content-Length), "short_body" (Content-Length of the whole body, half sent, then close),
    "malformed_item" (one item of a climbs page replaced by a broken one), "invalid_json".
    """

    kind: str
    match: str = ""
    times: int | None = 1
    status: int = 500
    body: bytes | None = None
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0
    hits: int = 0

    def applies(self, line: str) -> bool:
        if self.times is not None and self.hits >= self.times:
            return False
        return re.search(self.match, line) is not None


class StoktStandin:
    """The stand-in server and its mutable upstream state. Thread-safe."""

    def __init__(self, fixtures_dir: Path | str, *, page_size: int = 100, now: datetime | None = None,
                 username: str = "climber@example.com", password: str = "correct horse",
                 port: int = 0, max_page_size: int | None = None) -> None:
        self.fixtures_dir = Path(fixtures_dir)
        self.page_size = page_size
        self.max_page_size = max_page_size  # None: a `page_size` query is ignored (DRF's default)
        self.now: datetime = now or DEFAULT_NOW
        self.username = username
        self.password = password
        self.token = secrets.token_hex(20)
        self.valid_tokens: set[str] = {self.token}
        self.latency = 0.0
        self.auth_fail_from_page: int | None = None
        self.faults: list[Fault] = []
        self.posted: list[dict[str, Any]] = []
        self.posted_ids: set[str] = set()  # climbs created through POST: the only ones PATCH/DELETE accept
        self.patched: list[tuple[str, dict[str, Any]]] = []  # (climb id, body) of each accepted PATCH
        self.deleted: list[str] = []  # climb ids of each accepted DELETE
        self.log: list[dict[str, Any]] = []
        self.hooks: list[tuple[str, Any]] = []  # (regex on "METHOD /path?query", fn(standin)) run before routing
        self._random: tuple[float, tuple[str, ...], random.Random, float] | None = None
        self._retry_after = "1"
        self._lock = threading.RLock()
        self._frozen: list[tuple[datetime, dict[str, Any]]] | None = None
        self._port = port
        self._load()
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    # -- fixture state -------------------------------------------------------------------------
    def _read(self, name: str) -> Any:
        return json.loads((self.fixtures_dir / name).read_text(encoding="utf-8"))

    def _load(self) -> None:
        climbs: list[dict[str, Any]] = []
        n = 1
        while (self.fixtures_dir / f"climbs_page_{n}.json").exists():
            climbs.extend(self._read(f"climbs_page_{n}.json")["results"])
            n += 1
        self.climbs: dict[str, dict[str, Any]] = {c["id"]: c for c in climbs}
        self.summary: dict[str, Any] = self._read("gym_summary.json")
        self.walls: list[dict[str, Any]] = self._read("gym_walls.json")
        self.setups: dict[str, dict[str, Any]] = {}
        setup = self._read("face_setup.json")
        self.setups[setup["id"]] = setup
        self.my_sent: list[dict[str, Any]] = self._read("my_sent_climbs.json")
        self.gyms: dict[str, dict[str, Any]] = {self.summary["id"]: self.summary}
        self.media: dict[str, bytes] = {}
        full = (self.fixtures_dir / "wall_full.jpg").read_bytes()
        small = (self.fixtures_dir / "wall_small.jpg").read_bytes()
        self.media[setup["picture"]["name"]] = full
        for wall in self.walls:
            for face in wall["faces"]:
                self.media[face["smallPicture"]["name"]] = small
        self.account = {
            "id": "7d6b8a52-1f0e-4c55-9d0a-2b3c4d5e6f70", "username": self.username, "email": self.username,
            "firstName": "Test", "lastName": "Climber", "fullName": "Test Climber", "avatar": "",
            "homeGym": {"id": self.summary["id"], "displayName": self.summary["displayName"]},
            "subscriptionStatus": "INACTIVE", "isStaff": False, "gradePreference": "font", "gradeFeel": 0,
        }
        self._template = copy.deepcopy(next(iter(self.climbs.values())))
        self._load_lists()

    def _load_lists(self) -> None:
        """The account's personal lists (API.md §12 shapes: list objects, items `{id, climb, order}`):
        a circuit of the first five fixture climbs and a project list of one sent climb."""
        climbs = sorted(self.climbs.values(), key=lambda c: c["id"])
        user = {"id": self.account["id"], "fullName": self.account["fullName"], "avatar": ""}
        gym = {"id": self.summary["id"], "name": self.summary["displayName"]}
        self.lists: dict[str, dict[str, Any]] = {}
        self.list_items: dict[str, list[dict[str, Any]]] = {}
        specs = [("5f0c1a2b-3c4d-4e5f-8a9b-0c1d2e3f4a50", "Winter circuit", "circuit", climbs[:5]),
                 ("5f0c1a2b-3c4d-4e5f-8a9b-0c1d2e3f4a51", "Projects", "personal",
                  [self.climbs[c["id"]] for c in self.my_sent[:1] if c["id"] in self.climbs])]
        for n, (lid, name, kind, members) in enumerate(specs):
            self.lists[lid] = {"id": lid, "name": name, "listType": kind, "gym": gym, "user": user,
                               "climbsCount": len(members), "isFollowing": False, "image": None, "imageThumbnail": None}
            self.list_items[lid] = [{"id": f"6a0d2b3c-4d5e-4f60-9b1c-{n:04d}{k:08d}", "climb": copy.deepcopy(c),
                                     "order": k} for k, c in enumerate(members)]

    def climb_list(self) -> list[dict[str, Any]]:
        """Upstream climbs, newest first (as Stokt orders them)."""
        return [c for _, c in self._dated()]

    def _dated(self) -> list[tuple[datetime, dict[str, Any]]]:
        with self._lock:
            if self._frozen is not None:
                return self._frozen
            return sorted(((datetime.fromisoformat(c["dateCreated"]), c) for c in self.climbs.values()),
                          key=lambda x: x[0], reverse=True)

    def set_climbs(self, climbs: list[dict[str, Any]]) -> None:
        """Replace every upstream climb (bulk, e.g. 100k synthetic ones); the order is computed once
        and reused until the next edit through `edit_climb`/`delete_climb`/`add_climb`."""
        with self._lock:
            self.climbs = {c["id"]: c for c in climbs}
            self._frozen = None
            self._frozen = self._dated()

    def edit_climb(self, climb_id: str, **changes: Any) -> dict[str, Any]:
        with self._lock:
            self._frozen = None
            self.climbs[climb_id].update(changes)
            return copy.deepcopy(self.climbs[climb_id])

    def delete_climb(self, climb_id: str) -> None:
        with self._lock:
            self._frozen = None
            del self.climbs[climb_id]

    def add_climb(self, name: str = "New upstream climb", holds: str = "S829284 O829309 T829220",
                  created: datetime | None = None, setter: dict[str, Any] | None = None,
                  face_id: str = FACE_ID, **extra: Any) -> dict[str, Any]:
        """Add a climb upstream (created `now` unless given) and return it."""
        with self._lock:
            self._frozen = None
            climb = copy.deepcopy(self._template)
            climb.update({
                "id": str(uuid.uuid4()), "name": name, "holdsList": holds, "faceId": face_id,
                "dateCreated": stokt_date(created or self.now),
                "climbSetters": setter or {"id": str(uuid.uuid4()), "fullName": "New Setter", "avatar": ""},
                "climbedBy": 0, "totalLikes": 0, "totalComments": 0, "isPrivate": False, "isBenchmark": False,
                "crowdGrade": crowd_grade("font", "6A"), "circuit": "", "tags": "", "lastAttemptDate": None,
                "likedByUser": False, "bookmarkedByUser": False, "attemptsToSendOriginal": 0,
            })
            climb.update(extra)
            self.climbs[climb["id"]] = climb
            return copy.deepcopy(climb)

    def hold_ids(self, face_id: str = FACE_ID) -> set[int]:
        return {h["id"] for h in self.setups[face_id]["holds"]}

    # -- faults ---------------------------------------------------------------------------------
    def inject(self, kind: str, match: str = "", times: int | None = 1, **params: Any) -> Fault:
        fault = Fault(kind=kind, match=match, times=times, **params)
        with self._lock:
            self.faults.append(fault)
        return fault

    def clear_faults(self) -> None:
        with self._lock:
            self.faults.clear()
            self._random = None
            self.auth_fail_from_page = None
            self.latency = 0.0

    def random_failures(self, p: float, kinds: tuple[str, ...] = ("500", "reset", "slow"), seed: int = 1,
                        slow_delay: float = 1.0, retry_after: str = "1") -> None:
        """Fail a fraction `p` of `api/` and media requests with one of `kinds` ("500", "502", "503",
        "reset", "slow" = sleep `slow_delay` before answering, for client read timeouts, "429" = rate
        limited with `Retry-After: retry_after`, "truncate" = a 200 whose body is cut in half, with an
        honest Content-Length). Repeat a kind in `kinds` to weight it."""
        with self._lock:
            self._random = (p, kinds, random.Random(seed), slow_delay)
            self._retry_after = retry_after

    def revoke_tokens(self) -> None:
        """Every issued token becomes invalid (an expired/revoked token)."""
        with self._lock:
            self.valid_tokens.clear()

    # -- lifecycle ------------------------------------------------------------------------------
    @property
    def url(self) -> str:
        assert self._server is not None, "stand-in not started"
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    def start(self) -> StoktStandin:
        handler = type("Handler", (_Handler,), {"standin": self})
        self._server = _Server(("127.0.0.1", self._port), handler)
        self._thread = threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.05},
                                        daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    def __enter__(self) -> StoktStandin:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def requests_to(self, pattern: str) -> list[dict[str, Any]]:
        with self._lock:
            return [entry for entry in self.log if re.search(pattern, entry["line"])]

    # -- request handling (called by the handler) ----------------------------------------------
    def _pick_fault(self, line: str) -> Fault | None:
        with self._lock:
            for fault in self.faults:
                if fault.applies(line):
                    fault.hits += 1
                    return fault
            if self._random is not None and ("/api/" in line or "/media/" in line) and "token-auth" not in line:
                p, kinds, rng, delay = self._random
                if rng.random() < p:
                    kind = rng.choice(kinds)
                    if kind == "429":
                        return Fault(kind="status", status=429, headers={"Retry-After": self._retry_after})
                    if kind.isdigit():
                        return Fault(kind="status", status=int(kind))
                    return Fault(kind=kind, delay=delay)
        return None

    def route(self, method: str, path: str, query: dict[str, str], headers: Any, body: bytes,
              base: str) -> tuple[int, Any, dict[str, str]]:
        """(status, JSON value or bytes, extra headers) for one request."""
        if method == "GET" and path.startswith("/media/"):
            name = path[len("/media/"):]
            with self._lock:
                data = self.media.get(name)
            if data is None:
                return 404, {"detail": "Not found."}, {}
            return 200, data, {"Content-Type": "image/jpeg"}
        if not path.startswith("/api/"):
            return 404, {"detail": "Not found."}, {}
        route = path[len("/api/"):].rstrip("/")
        if method == "POST" and route == "token-auth":
            return self._login(headers, body)
        auth = headers.get("Authorization") or ""
        if not auth:
            return 401, {"detail": "Authentication credentials were not provided."}, {}
        scheme, _, token = auth.partition(" ")
        with self._lock:
            ok = scheme == "Token" and token in self.valid_tokens
        if not ok:
            return 401, {"detail": "Invalid token."}, {}
        parts = route.split("/")
        with self._lock:
            if method == "GET":
                return self._get(parts, query, base)
            if method == "POST" and len(parts) == 3 and parts[0] == "faces" and parts[2] == "climbs":
                return self._create(parts[1], body)
            if method == "PATCH" and len(parts) == 4 and parts[0] == "faces" and parts[2] == "climbs":
                return self._patch(parts[1], parts[3], body)
            if method == "DELETE" and len(parts) == 2 and parts[0] == "climbs":
                return self._delete(parts[1])
        return 404, {"detail": "Not found."}, {}

    def _login(self, headers: Any, body: bytes) -> tuple[int, Any, dict[str, str]]:
        ctype = headers.get("Content-Type") or ""
        try:
            if "json" in ctype:
                form = json.loads(body or b"{}")
            else:
                form = {k: v[0] for k, v in parse_qs(body.decode("utf-8")).items()}
        except ValueError:
            return 400, {"detail": "JSON parse error"}, {}
        if form.get("username") == self.username and form.get("password") == self.password:
            with self._lock:
                self.valid_tokens.add(self.token)
            return 200, {"token": self.token}, {}
        return 400, {"nonFieldErrors": ["Unable to log in with provided credentials."]}, {}

    def _get(self, parts: list[str], query: dict[str, str], base: str) -> tuple[int, Any, dict[str, str]]:
        nf = (404, {"detail": "Not found."}, {})
        if parts == ["users", "me"]:
            return 200, self.account, {}
        if len(parts) == 4 and parts[:2] == ["users", "lists"] and parts[3] == "personal":
            if parts[2] != self.account["id"]:
                return nf
            return 200, list(self.lists.values()), {}
        if len(parts) == 3 and parts[0] == "lists" and parts[2] == "items":
            if parts[1] not in self.lists:
                return nf
            return 200, {"count": len(self.list_items[parts[1]]), "next": None, "previous": None,
                         "results": self.list_items[parts[1]]}, {}
        if len(parts) == 3 and parts[0] == "faces" and parts[2] == "setup":
            setup = self.setups.get(parts[1])
            return (200, setup, {}) if setup else nf
        if len(parts) < 3 or parts[0] != "gyms" or parts[1] not in self.gyms:
            return nf
        gym, what = parts[1], "/".join(parts[2:])
        if what == "summary":
            return 200, self.gyms[gym], {}
        if what == "walls":
            return 200, self.walls, {}
        if what == "my-sent-climbs":
            return 200, self.my_sent, {}
        if what == "my-set-climbs":
            mine = [c for c in self.climb_list() if c["climbSetters"]["id"] == self.account["id"]]
            return 200, mine, {}
        if what in ("my-liked-climbs", "my-bookmarked-climbs"):
            return 200, [], {}
        if what == "climbs":
            return self._climbs_page(gym, query, base)
        return nf

    def _climbs_page(self, gym: str, query: dict[str, str], base: str) -> tuple[int, Any, dict[str, str]]:
        try:
            max_age = int(query["max_age"])
            page = int(query.get("page", "1"))
        except (KeyError, ValueError):
            return 404, {"detail": "Not found."}, {}
        size = self.page_size
        if self.max_page_size and "page_size" in query:
            try:  # DRF: a positive integer, clamped to max_page_size; anything else means the default
                asked = int(query["page_size"])
            except ValueError:
                asked = 0
            if asked > 0:
                size = min(asked, self.max_page_size)
        if self.auth_fail_from_page is not None and page >= self.auth_fail_from_page:
            return 401, {"detail": "Invalid token."}, {}
        cutoff = self.now - timedelta(days=max_age)
        items = [c for d, c in self._dated() if d >= cutoff]
        count = len(items)
        pages = max(1, -(-count // size))
        if page < 1 or page > pages:
            return 404, {"detail": "Invalid page."}, {}
        path = f"{base}/api/gyms/{gym}/climbs"

        def link(p: int) -> str:
            q = {"max_age": str(max_age)}
            if p > 1:
                q["page"] = str(p)
            if "page_size" in query:  # DRF rebuilds the links from the request's own query
                q["page_size"] = query["page_size"]
            return f"{path}?{urlencode(sorted(q.items()))}"

        results = copy.deepcopy(items[(page - 1) * size: page * size])
        return 200, {"count": count, "next": link(page + 1) if page < pages else None,
                     "previous": link(page - 1) if page > 1 else None, "results": results}, {}

    def _create(self, face_id: str, body: bytes) -> tuple[int, Any, dict[str, str]]:
        setup = self.setups.get(face_id)
        if setup is None:
            return 404, {"detail": "Not found."}, {}
        try:
            data = json.loads(body)
        except ValueError:
            return 400, {"detail": "JSON parse error"}, {}
        errors: dict[str, list[str]] = {}
        if not isinstance(data, dict):
            return 400, {"nonFieldErrors": ["Invalid data."]}, {}
        name = data.get("name")
        if not isinstance(name, str) or not name.strip():
            errors["name"] = ["This field may not be blank."]
        if "attemptsNumber" not in data:
            errors["attemptsNumber"] = ["This field is required."]
        holds = data.get("holdsList")
        known = {h["id"] for h in setup["holds"]}
        tokens: list[tuple[int, str, int]] = []
        order = {"start": (0, "S"), "feetOnly": (1, "F"), "others": (2, "O"), "top": (3, "T")}
        if not isinstance(holds, dict):
            errors["holdsList"] = ["Expected an object."]
        else:
            for key, (rank, letter) in order.items():
                ids = holds.get(key, [])
                if not isinstance(ids, list) or not all(isinstance(i, str) and i.isdigit() for i in ids):
                    errors["holdsList"] = [f"{key}: expected a list of hold ids as strings"]
                    break
                for i in ids:
                    if int(i) not in known:
                        errors["holdsList"] = [f"unknown hold {i}"]
                    tokens.append((rank, letter, int(i)))
            if not holds.get("top"):
                errors.setdefault("holdsList", ["at least one top hold"])
        grade = data.get("grade")
        if not isinstance(grade, dict) or grade.get("gradingSystem") not in ("font", "hueco", "dankyu"):
            errors["grade"] = ["Invalid grade."]
        if errors:
            return 400, errors, {}
        climb = copy.deepcopy(self._template)
        climb.update({
            "id": str(uuid.uuid4()), "name": name,
            "climbSetters": {"id": self.account["id"], "fullName": self.account["fullName"], "avatar": ""},
            "holdsList": " ".join(f"{letter}{i}" for _, letter, i in sorted(tokens)),
            "feetRule": data.get("feetRule") or setup["feetRulesOptions"][0],
            "dateCreated": stokt_date(self.now), "isPrivate": bool(data.get("isPrivate")),
            "isBenchmark": False, "crowdGrade": crowd_grade(grade["gradingSystem"], str(grade.get("value"))),
            "faceId": face_id, "climbedBy": 0, "totalLikes": 0, "totalComments": 0, "likedByUser": False,
            "bookmarkedByUser": False, "attemptsToSendOriginal": 0, "circuit": "",
            "tags": ",".join(data.get("tags_list") or []), "lastAttemptDate": None,
        })
        self.posted.append(data)
        self.posted_ids.add(climb["id"])
        self._frozen = None
        self.climbs[climb["id"]] = climb
        return 201, copy.deepcopy(climb), {}

    _FORBIDDEN = {"detail": "You do not have permission to perform this action."}

    def _patch(self, face_id: str, climb_id: str, body: bytes) -> tuple[int, Any, dict[str, str]]:
        """`PATCH api/faces/{faceId}/climbs/{climbId}`: a partial creation body, on climbs posted here."""
        climb = self.climbs.get(climb_id)
        if climb is None or climb.get("faceId") != face_id or face_id not in self.setups:
            return 404, {"detail": "Not found."}, {}
        if climb_id not in self.posted_ids:
            return 403, self._FORBIDDEN, {}
        try:
            data = json.loads(body)
        except ValueError:
            return 400, {"detail": "JSON parse error"}, {}
        if not isinstance(data, dict) or not data:
            return 400, {"nonFieldErrors": ["Invalid data."]}, {}
        errors: dict[str, list[str]] = {}
        changes: dict[str, Any] = {}
        if "name" in data:
            if not isinstance(data["name"], str) or not data["name"].strip():
                errors["name"] = ["This field may not be blank."]
            changes["name"] = data["name"]
        if "holdsList" in data:
            holds = data["holdsList"]
            known = {h["id"] for h in self.setups[face_id]["holds"]}
            order = {"start": (0, "S"), "feetOnly": (1, "F"), "others": (2, "O"), "top": (3, "T")}
            tokens: list[tuple[int, str, int]] = []
            if not isinstance(holds, dict):
                errors["holdsList"] = ["Expected an object."]
            else:
                for key, (rank, letter) in order.items():
                    ids = holds.get(key, [])
                    if not isinstance(ids, list) or not all(isinstance(i, str) and i.isdigit() for i in ids):
                        errors["holdsList"] = [f"{key}: expected a list of hold ids as strings"]
                        break
                    for i in ids:
                        if int(i) not in known:
                            errors["holdsList"] = [f"unknown hold {i}"]
                        tokens.append((rank, letter, int(i)))
                if not holds.get("top"):
                    errors.setdefault("holdsList", ["at least one top hold"])
            changes["holdsList"] = " ".join(f"{letter}{i}" for _, letter, i in sorted(tokens))
        if "grade" in data:
            grade = data["grade"]
            if not isinstance(grade, dict) or grade.get("gradingSystem") not in ("font", "hueco", "dankyu"):
                errors["grade"] = ["Invalid grade."]
            else:
                changes["crowdGrade"] = crowd_grade(grade["gradingSystem"], str(grade.get("value")))
        for key, target in (("isPrivate", "isPrivate"), ("description", "description"), ("feetRule", "feetRule")):
            if key in data:
                changes[target] = bool(data[key]) if key == "isPrivate" else data[key]
        if errors:
            return 400, errors, {}
        self.patched.append((climb_id, data))
        self._frozen = None
        climb.update(changes)
        return 200, copy.deepcopy(climb), {}

    def _delete(self, climb_id: str) -> tuple[int, Any, dict[str, str]]:
        """`DELETE api/climbs/{climbId}`, on climbs posted here."""
        if climb_id not in self.climbs:
            return 404, {"detail": "Not found."}, {}
        if climb_id not in self.posted_ids:
            return 403, self._FORBIDDEN, {}
        self.deleted.append(climb_id)
        self._frozen = None
        del self.climbs[climb_id]
        return 204, b"", {}


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def handle_error(self, request: Any, client_address: Any) -> None:  # resets are expected
        pass


class _Handler(BaseHTTPRequestHandler):
    standin: StoktStandin
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True
    server_version = "StoktStandin/1.0"

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - quiet
        pass

    def do_GET(self) -> None:
        self._handle("GET")

    def do_POST(self) -> None:
        self._handle("POST")

    def do_PATCH(self) -> None:
        self._handle("PATCH")

    def do_DELETE(self) -> None:
        self._handle("DELETE")

    def _handle(self, method: str) -> None:
        s = self.standin
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        split = urlsplit(self.path)
        query = {k: v[0] for k, v in parse_qs(split.query).items()}
        line = f"{method} {self.path}"
        with s._lock:
            s.log.append({"line": line, "method": method, "path": split.path, "query": query,
                          "auth": bool(self.headers.get("Authorization")), "time": time.monotonic()})
        if s.latency:
            time.sleep(s.latency)
        for pattern, hook in list(s.hooks):
            if re.search(pattern, line):
                hook(s)
        fault = s._pick_fault(line)
        if fault is not None and fault.kind == "reset":
            return self._reset()
        if fault is not None and fault.kind == "slow":
            time.sleep(fault.delay)
        if fault is not None and fault.kind == "status":
            payload = fault.body if fault.body is not None else json.dumps({"detail": "Injected."}).encode()
            return self._send(fault.status, payload, {"Content-Type": "application/json", **fault.headers})
        host, port = self.server.server_address[:2]
        status, value, headers = s.route(method, split.path, query, self.headers, body, f"http://{host}:{port}")
        if fault is not None and fault.kind == "reset_after":
            return self._reset()
        if isinstance(value, bytes):
            payload = value
        else:
            if fault is not None and fault.kind == "malformed_item" and isinstance(value, dict) \
                    and value.get("results"):
                broken = value["results"][len(value["results"]) // 2]
                broken["holdsList"] = 12345
                broken["crowdGrade"] = "hard"
                broken["dateCreated"] = "yesterday"
            payload = json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
            headers = {"Content-Type": "application/json", **headers}
        if fault is not None and fault.kind == "truncate":
            payload = payload[: len(payload) // 2]
        if fault is not None and fault.kind == "invalid_json":
            payload = b"<html>Bad gateway</html>"
        if fault is not None and fault.kind == "short_body":
            self.send_response(status)
            for k, v in headers.items():
                self.send_header(k, v)
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload[: len(payload) // 2])
            self.wfile.flush()
            self.close_connection = True
            return self._reset()
        self._send(status, payload, headers)

    def _send(self, status: int, payload: bytes, headers: dict[str, str]) -> None:
        self.send_response(status)
        for k, v in headers.items():
            self.send_header(k, v)
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    def _reset(self) -> None:
        """Abort the connection with a TCP RST (SO_LINGER 0), as a crashing proxy would."""
        self.close_connection = True
        try:
            self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            self.connection.close()
        except OSError:
            pass


def synthetic_climbs(standin: StoktStandin, n: int) -> list[dict[str, Any]]:
    """`n` synthetic climbs made from the real ones (new ids, names, dates ten minutes apart)."""
    base = standin.climb_list()
    out = []
    for i in range(n):
        c = copy.copy(base[i % len(base)])
        c["id"] = str(uuid.UUID(int=i + 1))
        c["name"] = f"Synthetic {i}"
        c["dateCreated"] = stokt_date(standin.now - timedelta(minutes=10 * i))
        out.append(c)
    return out


def main(argv: list[str] | None = None) -> None:
    """Run the stand-in in its own process (for benchmarks): prints `URL TOKEN`, serves until killed."""
    import argparse
    import sys

    ap = argparse.ArgumentParser(description="loopback Stokt stand-in")
    ap.add_argument("fixtures")
    ap.add_argument("--latency", type=float, default=0.0, help="seconds added to every response")
    ap.add_argument("--synthetic", type=int, default=0, help="replace the climbs by N synthetic ones")
    ap.add_argument("--page-size", type=int, default=100)
    ap.add_argument("--max-page-size", type=int, default=None,
                    help="honour a `page_size` query up to this (default: ignore it)")
    args = ap.parse_args(argv)
    s = StoktStandin(args.fixtures, page_size=args.page_size, max_page_size=args.max_page_size)
    if args.synthetic:
        s.set_climbs(synthetic_climbs(s, args.synthetic))
    s.latency = args.latency
    s.start()
    print(s.url, s.token, flush=True)
    try:
        threading.Event().wait()
    except KeyboardInterrupt:
        pass
    finally:
        s.stop()
        sys.stdout.flush()


if __name__ == "__main__":
    main()
