"""HTTP client of the mastoc server (the "Railway" backend), over the shared transport.

Owns: logging in and keeping the tokens fresh (refresh 5 minutes before expiry, and once on a 401),
the legacy `X-API-Key` header when configured, every endpoint the desktop needs (faces, setups,
holds, climbs, annotations, lists, images, the changes feed), idempotent writes (client-chosen ids
in the body, so a replayed create never makes a second record), and detecting what the server
offers: against a server with only the first version's endpoints there is no changes feed, so
`climb_delta()` falls back to a full paged listing and reconciles (edits and deletions found by
comparison). Tokens never appear in messages (see `mastoc.backends.errors.scrub`).
"""

from __future__ import annotations

import hashlib
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any, cast

import requests

from mastoc.backends.errors import AuthError, NotFoundError, ProtocolError
from mastoc.backends.http import Transport, TransportConfig, decode_json

REFRESH_MARGIN_S = 300.0
PAGE_SIZE = 500
BATCH_ANNOTATIONS = 1000


@dataclass(slots=True)
class Tokens:
    access_token: str
    refresh_token: str
    expires_at: float  # epoch seconds
    user_id: str | None = None
    username: str | None = None
    role: str | None = None

    def __repr__(self) -> str:  # never print a token
        return f"Tokens(user_id={self.user_id!r}, username={self.username!r}, expires_at={self.expires_at:.0f})"


@dataclass(slots=True)
class Capabilities:
    """What the server offers beyond the first version's MUST KEEP endpoints."""

    changes_feed: bool = False
    lists: bool = False
    images: bool = False
    personal_walls: bool = False
    version: str | None = None

    @property
    def legacy(self) -> bool:
        return not self.changes_feed


@dataclass(slots=True)
class ChangesPage:
    changes: list[dict[str, Any]]
    cursor: int
    has_more: bool
    latest: int
    reset: bool = False


@dataclass(slots=True)
class ClimbDelta:
    """Climbs to upsert and climb ids deleted since the given state; `cursor` is the next state.

    With the changes feed `cursor` is the server's change cursor (an int). Without it (old server),
    `complete` is True: `upserts` is every climb on the server and `deleted` the known ids that are
    gone, found by reconciliation.
    """

    upserts: list[dict[str, Any]] = field(default_factory=list)
    deleted: list[str] = field(default_factory=list)
    cursor: int | None = None
    complete: bool = False
    other_changes: list[dict[str, Any]] = field(default_factory=list)


class _Transport(Transport):
    """The shared transport, plus the legacy app key sent on every request when configured."""

    def __init__(self, base_url: str, api_key: str | None, **kwargs: Any) -> None:
        super().__init__(base_url, **kwargs)
        self._api_key = api_key

    def _session(self) -> requests.Session:
        session = super()._session()
        if self._api_key:
            session.headers["X-API-Key"] = self._api_key
        return session


class RailwayClient:
    def __init__(
        self,
        base_url: str,
        *,
        api_key: str | None = None,
        tokens: Tokens | None = None,
        config: TransportConfig | None = None,
        on_tokens: Callable[[Tokens | None], None] | None = None,
        on_wait: Callable[[float, str], None] | None = None,
        cancelled: Callable[[], bool] | None = None,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.transport = _Transport(base_url, api_key, config=config, on_wait=on_wait, cancelled=cancelled)
        self.on_tokens = on_tokens
        self._clock = clock
        self._tokens: Tokens | None = None
        self._caps: Capabilities | None = None
        self.set_tokens(tokens)

    # -- session -------------------------------------------------------------------------------
    @property
    def tokens(self) -> Tokens | None:
        return self._tokens

    def set_tokens(self, tokens: Tokens | None) -> None:
        self._tokens = tokens
        self.transport.set_authorization(f"Bearer {tokens.access_token}" if tokens else None)
        if self.on_tokens is not None:
            self.on_tokens(tokens)

    def close(self) -> None:
        self.transport.close()

    def __enter__(self) -> RailwayClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def login(self, username: str, password: str) -> Tokens:
        data = self.transport.post_form("/api/auth/login", {"username": username, "password": password}, auth=False)
        tokens = Tokens(access_token=data["access_token"], refresh_token=data["refresh_token"],
                        expires_at=self._clock() + float(data["expires_in"]), user_id=str(data["user_id"]),
                        username=data.get("username"), role=data.get("role"))
        self.set_tokens(tokens)
        return tokens

    def refresh(self) -> Tokens:
        if self._tokens is None:
            raise AuthError("not logged in")
        try:
            data = self.transport.post_json("/api/auth/refresh", {"refresh_token": self._tokens.refresh_token},
                                            auth=False)
        except AuthError:
            self.set_tokens(None)  # the session is over: log in again
            raise
        old = self._tokens
        tokens = Tokens(access_token=data["access_token"], refresh_token=data["refresh_token"],
                        expires_at=self._clock() + float(data["expires_in"]), user_id=old.user_id,
                        username=old.username, role=old.role)
        self.set_tokens(tokens)
        return tokens

    def logout(self) -> None:
        try:
            self.transport.request("POST", "/api/auth/logout", auth=False, idempotent=True)
        finally:
            self.set_tokens(None)

    def register(self, email: str, username: str, password: str, full_name: str) -> dict[str, Any]:
        return cast(dict[str, Any], self.transport.post_json(
            "/api/auth/register", {"email": email, "username": username, "password": password, "full_name": full_name},
            auth=False))

    def me(self) -> dict[str, Any]:
        return cast(dict[str, Any], self._json("GET", "/api/users/me"))

    # -- plumbing ------------------------------------------------------------------------------
    def _ensure_fresh(self) -> None:
        t = self._tokens
        if t is not None and t.expires_at - self._clock() < REFRESH_MARGIN_S:
            self.refresh()

    def _request(self, method: str, path: str, *, params: dict[str, Any] | None = None, body: Any = None,
                 raw: bytes | None = None, idempotent: bool | None = None) -> requests.Response:
        self._ensure_fresh()
        for attempt in (0, 1):
            try:
                return self.transport.request(method, path, params=params, json_body=body,
                                              form=cast(Any, raw), idempotent=idempotent)
            except AuthError as exc:
                if exc.status != 401 or attempt or self._tokens is None:
                    raise
                self.refresh()  # the access token was revoked or expired early: once
        raise AssertionError("unreachable")

    def _json(self, method: str, path: str, **kwargs: Any) -> Any:
        response = self._request(method, path, **kwargs)
        return decode_json(response, f"{method} {path}", allow_empty=True)

    # -- capabilities ----------------------------------------------------------------------------
    def health(self) -> dict[str, str]:
        return cast(dict[str, str], self.transport.get_json("/health", auth=False))

    def capabilities(self, *, refresh: bool = False) -> Capabilities:
        """Detect the optional endpoints from the server's OpenAPI schema (probe when it is hidden)."""
        if self._caps is not None and not refresh:
            return self._caps
        caps = Capabilities()
        try:
            spec = self.transport.get_json("/openapi.json", auth=False)
            paths = set((spec or {}).get("paths", {}))
            caps.version = (spec or {}).get("info", {}).get("version")
            caps.changes_feed = "/api/changes" in paths
            caps.lists = "/api/lists" in paths
            caps.images = "/api/images" in paths
            caps.personal_walls = "/api/faces/{face_id}/holds" in paths
        except (NotFoundError, ProtocolError):
            try:
                self._json("GET", "/api/changes", params={"since": 0, "limit": 1})
                caps.changes_feed = caps.lists = caps.images = caps.personal_walls = True
            except NotFoundError:
                pass
        self._caps = caps
        return caps

    # -- walls, faces and holds --------------------------------------------------------------
    def walls(self, gym_id: str | None = None) -> list[dict[str, Any]]:
        return cast(list[dict[str, Any]], self._json("GET", "/api/walls", params={"gym_id": gym_id} if gym_id else None))

    def import_wall(self, stokt_id: str, gym_stokt_id: str, name: str, **fields: Any) -> dict[str, Any]:
        """Admin: upsert a Stokt wall by its Stokt id (`angle`, `is_active`, `feet_rules`,
        `default_feet_rule`); answers `{"id", "status"}` with status created/updated/exists."""
        body = {"stokt_id": stokt_id, "gym_stokt_id": gym_stokt_id, "name": name, **fields}
        return cast(dict[str, Any], self._json("POST", "/api/sync/import/wall", body=body, idempotent=True))

    def faces(self, gym_id: str | None = None) -> list[dict[str, Any]]:
        return cast(list[dict[str, Any]], self._json("GET", "/api/faces", params={"gym_id": gym_id} if gym_id else None))

    def face(self, face_id: str) -> dict[str, Any]:
        return cast(dict[str, Any], self._json("GET", f"/api/faces/{face_id}"))

    def face_setup(self, face_id: str) -> dict[str, Any]:
        return cast(dict[str, Any], self._json("GET", f"/api/faces/{face_id}/setup"))

    def holds(self, face_id: str) -> list[dict[str, Any]]:
        return cast(list[dict[str, Any]], self._json("GET", "/api/holds", params={"face_id": face_id})["results"])

    def create_face(self, name: str, *, face_id: str | None = None, **fields: Any) -> dict[str, Any]:
        """A personal wall. Idempotent: the same `face_id` never makes two faces."""
        body = {"id": face_id or str(uuid.uuid4()), "name": name, **fields}
        return cast(dict[str, Any], self._json("POST", "/api/faces", body=body, idempotent=True))

    def update_face(self, face_id: str, **fields: Any) -> dict[str, Any]:
        return cast(dict[str, Any], self._json("PATCH", f"/api/faces/{face_id}", body=fields, idempotent=True))

    def create_hold(self, face_id: str, polygon_str: str, *, uid: str | None = None, **geometry: Any) -> dict[str, Any]:
        body = {"uid": uid or str(uuid.uuid4()), "polygon_str": polygon_str, **geometry}
        return cast(dict[str, Any], self._json("POST", f"/api/faces/{face_id}/holds", body=body, idempotent=True))

    def delete_hold(self, hold_id: int) -> None:
        self._request("DELETE", f"/api/holds/{int(hold_id)}")

    # -- climbs --------------------------------------------------------------------------------
    def climb_pages(self, page_size: int = PAGE_SIZE, **filters: Any) -> Iterator[dict[str, Any]]:
        """Pages of `GET /api/climbs` (server order: created_at, id) until `count` items are seen."""
        params = {k: v for k, v in filters.items() if v is not None}
        page, seen = 1, 0
        while True:
            env = self._json("GET", "/api/climbs", params={**params, "page": page, "page_size": page_size})
            if not isinstance(env, dict) or not isinstance(env.get("results"), list):
                raise ProtocolError("GET /api/climbs: unexpected envelope")
            yield env
            seen += len(env["results"])
            if not env["results"] or seen >= int(env.get("count", 0)):
                return
            page += 1

    def climbs(self, **filters: Any) -> list[dict[str, Any]]:
        """Every climb matching `filters`, de-duplicated by id (pages may shift on an old server)."""
        out: dict[str, dict[str, Any]] = {}
        for env in self.climb_pages(**filters):
            for c in env["results"]:
                out[str(c["id"])] = c
        return list(out.values())

    def climb(self, climb_id: str) -> dict[str, Any]:
        return cast(dict[str, Any], self._json("GET", f"/api/climbs/{climb_id}"))

    def climb_by_stokt_id(self, stokt_id: str) -> dict[str, Any]:
        return cast(dict[str, Any], self._json("GET", f"/api/climbs/by-stokt-id/{stokt_id}"))

    def create_climb(self, face_id: str, name: str, holds_list: str, *, climb_id: str | None = None,
                     **fields: Any) -> dict[str, Any]:
        """Create a climb with a client-chosen id, so a replay (lost response, retry) finds the same
        climb. On an old server (which ignores the id) a create is sent once, never retried blindly."""
        cid = climb_id or str(uuid.uuid4())
        body = {"id": cid, "face_id": face_id, "name": name, "holds_list": holds_list, **fields}
        idempotent = not self.capabilities().legacy
        return cast(dict[str, Any], self._json("POST", "/api/climbs", body=body, idempotent=idempotent))

    def update_climb(self, climb_id: str, **fields: Any) -> dict[str, Any]:
        return cast(dict[str, Any], self._json("PATCH", f"/api/climbs/{climb_id}", body=fields, idempotent=True))

    def delete_climb(self, climb_id: str, *, missing_ok: bool = True) -> bool:
        """Delete; True when it was there. A replay (already gone) is not an error by default."""
        try:
            self._request("DELETE", f"/api/climbs/{climb_id}")
        except NotFoundError:
            if not missing_ok:
                raise
            return False
        return True

    # -- annotations ---------------------------------------------------------------------------
    def annotations(self, hold_id: int) -> dict[str, Any]:
        return cast(dict[str, Any], self._json("GET", f"/api/holds/{int(hold_id)}/annotations"))

    def annotations_batch(self, hold_ids: list[int]) -> dict[int, dict[str, Any]]:
        out: dict[int, dict[str, Any]] = {}
        ids = sorted({int(h) for h in hold_ids})
        for i in range(0, len(ids), BATCH_ANNOTATIONS):
            data = self._json("POST", "/api/holds/annotations/batch", body={"hold_ids": ids[i:i + BATCH_ANNOTATIONS]},
                              idempotent=True)
            out.update({int(k): v for k, v in data["annotations"].items()})
        return out

    def put_annotation(self, hold_id: int, **fields: Any) -> dict[str, Any]:
        return cast(dict[str, Any], self._json("PUT", f"/api/holds/{int(hold_id)}/annotations", body=fields))

    def delete_annotation(self, hold_id: int) -> bool:
        try:
            self._request("DELETE", f"/api/holds/{int(hold_id)}/annotations")
        except NotFoundError:
            return False
        return True

    # -- lists -----------------------------------------------------------------------------------
    def lists(self, mine: bool = False) -> list[dict[str, Any]]:
        return cast(list[dict[str, Any]], self._json("GET", "/api/lists", params={"mine": mine})["results"])

    def create_list(self, name: str, *, list_id: str | None = None, **fields: Any) -> dict[str, Any]:
        body = {"id": list_id or str(uuid.uuid4()), "name": name, **fields}
        return cast(dict[str, Any], self._json("POST", "/api/lists", body=body, idempotent=True))

    def update_list(self, list_id: str, **fields: Any) -> dict[str, Any]:
        return cast(dict[str, Any], self._json("PATCH", f"/api/lists/{list_id}", body=fields, idempotent=True))

    def delete_list(self, list_id: str) -> bool:
        try:
            self._request("DELETE", f"/api/lists/{list_id}")
        except NotFoundError:
            return False
        return True

    def list_items(self, list_id: str) -> list[dict[str, Any]]:
        return cast(list[dict[str, Any]], self._json("GET", f"/api/lists/{list_id}/items")["results"])

    def add_list_item(self, list_id: str, climb_id: str, *, item_id: str | None = None,
                      position: int | None = None, **fields: Any) -> dict[str, Any]:
        """`fields`: `status`, `notes`, `stokt_id` (sent when given)."""
        body: dict[str, Any] = {"id": item_id or str(uuid.uuid4()), "climb_id": climb_id, **fields}
        if position is not None:
            body["position"] = position
        return cast(dict[str, Any], self._json("POST", f"/api/lists/{list_id}/items", body=body, idempotent=True))

    def update_list_item(self, list_id: str, item_id: str, **fields: Any) -> dict[str, Any]:
        """PATCH an item's `position`, `status` and/or `notes`."""
        return cast(dict[str, Any], self._json("PATCH", f"/api/lists/{list_id}/items/{item_id}", body=fields,
                                               idempotent=True))

    def remove_list_item(self, list_id: str, item_id: str) -> bool:
        try:
            self._request("DELETE", f"/api/lists/{list_id}/items/{item_id}")
        except NotFoundError:
            return False
        return True

    # -- images ----------------------------------------------------------------------------------
    def upload_image(self, data: bytes) -> dict[str, Any]:
        """Upload a photo (content-addressed, so retrying is safe). The server re-encodes it: keep
        the answer's `sha256` (stored bytes); `original_sha256` (of `data`) finds it as well."""
        info = cast(dict[str, Any], self._json("POST", "/api/images", raw=data, idempotent=True))
        if info.get("original_sha256") != hashlib.sha256(data).hexdigest():
            raise ProtocolError("POST /api/images: the server stored different bytes than were sent")
        return info

    def download_image(self, sha256: str) -> bytes:
        """The stored image whose SHA-256 is `sha256`; anything else (truncated, altered) raises."""
        self._ensure_fresh()
        body = self.transport.download(f"/api/images/{sha256}", auth=True)
        if hashlib.sha256(body).hexdigest() != sha256:
            raise ProtocolError(f"GET /api/images/{sha256[:12]}: content does not match its hash")
        return body

    def static_file(self, path: str) -> bytes:
        """A public static file, e.g. a wall photo at `face["picture_path"]` (no credentials sent)."""
        return self.transport.download(f"/static/{path.lstrip('/')}", auth=False)

    # -- changes ---------------------------------------------------------------------------------
    def changes(self, since: int = 0, limit: int = 500) -> ChangesPage:
        data = self._json("GET", "/api/changes", params={"since": int(since), "limit": int(limit)})
        try:
            return ChangesPage(changes=list(data["changes"]), cursor=int(data["cursor"]),
                               has_more=bool(data["has_more"]), latest=int(data["latest"]),
                               reset=bool(data.get("reset", False)))
        except (KeyError, TypeError, ValueError) as exc:
            raise ProtocolError(f"GET /api/changes: unexpected body ({type(exc).__name__})") from None

    def iter_changes(self, since: int = 0, limit: int = 500) -> Iterator[ChangesPage]:
        """Pages of the changes feed from `since` until the end; each change appears exactly once."""
        cursor = since
        while True:
            page = self.changes(cursor, limit)
            yield page
            if page.cursor < cursor and not page.reset:
                raise ProtocolError("GET /api/changes: the cursor went backwards")
            cursor = page.cursor
            if not page.has_more:
                return

    def climb_delta(self, cursor: int | None, known_ids: set[str] | None = None,
                    face_id: str | None = None) -> ClimbDelta:
        """What changed in climbs since `cursor` (None = from the start).

        With the changes feed: the latest state of each changed climb and the tombstones, plus the
        other entities' changes. Without it (an old server): a full paged listing, reconciled against
        `known_ids` to find deletions (`complete=True`).
        """
        if self.capabilities().changes_feed:
            latest: dict[str, dict[str, Any] | None] = {}
            others: list[dict[str, Any]] = []
            end = cursor or 0
            for page in self.iter_changes(cursor or 0):
                if page.reset:
                    return self._full_reconciliation(known_ids, face_id, cursor=page.latest)
                for ch in page.changes:
                    if ch["entity"] == "climb":
                        latest[str(ch["id"])] = ch["data"] if ch["op"] == "upsert" else None
                    else:
                        others.append(ch)
                end = page.cursor
            ups = [d for d in latest.values() if d is not None and (face_id is None or d.get("face_id") == face_id)]
            gone = [cid for cid, d in latest.items() if d is None]
            return ClimbDelta(upserts=ups, deleted=gone, cursor=end, complete=False, other_changes=others)
        return self._full_reconciliation(known_ids, face_id, cursor=None)

    def _full_reconciliation(self, known_ids: set[str] | None, face_id: str | None, cursor: int | None) -> ClimbDelta:
        everything = self.climbs(face_id=face_id)
        seen = {str(c["id"]) for c in everything}
        gone = sorted((known_ids or set()) - seen)
        return ClimbDelta(upserts=everything, deleted=gone, cursor=cursor, complete=True)
