"""The Stokt HTTP client: every endpoint a board client needs (see ../shared/stokt/API.md).

Owns the wire protocol only: paths, auth header, page envelopes, the climb-creation body and media
URLs. It returns Stokt JSON (dicts and lists) after checking its shape; the JSON -> domain mapping
lives in `mastoc.backends.stokt.mapping`. The transport (timeouts, retries, rate limit, typed
errors) is `mastoc.backends.http`.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote, urlsplit, urlunsplit

from mastoc.backends.errors import AuthError, BadRequestError, ProtocolError
from mastoc.backends.http import Transport, TransportConfig, WaitCallback, decode_json

DEFAULT_BASE_URL = "https://www.sostokt.com"
ENV_BASE_URL = "MASTOC_STOKT_URL"
USER_AGENT = "Stokt/6.1.13 (Android)"
ALL_CLIMBS_MAX_AGE = 9999
IMPORT_PAGE_SIZE = 1000
"""The `page_size` an import asks for (API.md §3: a knob of the app, the server may ignore or clamp
it; pages are followed through `next` and sized by what the server really returns)."""

_UUID = re.compile(r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")
_MEDIA_NAME = re.compile(r"^[A-Za-z0-9._~\-+/ ()%]+$")


def base_url_from_env(override: str | None = None) -> str:
    """The Stokt base URL: `override`, else $MASTOC_STOKT_URL, else https://www.sostokt.com."""
    return (override or os.environ.get(ENV_BASE_URL) or DEFAULT_BASE_URL).rstrip("/")


def check_id(kind: str, value: str) -> str:
    """A Stokt UUID, lower-cased; `ValueError` for anything else (never sent into a URL path)."""
    if not isinstance(value, str) or not _UUID.match(value):
        raise ValueError(f"not a Stokt {kind} id: {value!r}")
    return value.lower()


@dataclass(slots=True)
class ClimbPage:
    """One page of `gyms/{id}/climbs`: its items, the total `count`, and the `next` URL (verbatim)."""

    number: int
    url: str
    results: list[Any]
    count: int | None = None
    next: str | None = None
    previous: str | None = None


@dataclass(slots=True)
class ClimbBody:
    """What `POST api/faces/{faceId}/climbs` needs (API.md §11), with Stokt hold ids."""

    name: str
    start: Sequence[int]
    top: Sequence[int]
    others: Sequence[int] = ()
    feet_only: Sequence[int] = ()
    grade_system: str = "font"
    grade_value: str = "?"
    is_private: bool = False
    description: str | None = None
    feet_rule: str | None = None
    tags: list[str] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        body: dict[str, Any] = {
            "name": self.name,
            "holdsList": {
                "start": [str(h) for h in self.start],
                "others": [str(h) for h in self.others],
                "top": [str(h) for h in self.top],
                "feetOnly": [str(h) for h in self.feet_only],
            },
            "grade": {"gradingSystem": self.grade_system.lower(), "value": self.grade_value},
            "attemptsNumber": None,
            "isPrivate": bool(self.is_private),
        }
        if self.description:
            body["description"] = self.description
        if self.feet_rule:
            body["feetRule"] = self.feet_rule
        if self.tags:
            body["tags_list"] = list(self.tags)
        return body


class StoktClient:
    """A Stokt API client bound to one base URL and (after `login` or with `token`) one account."""

    def __init__(
        self,
        base_url: str | None = None,
        token: str | None = None,
        *,
        config: TransportConfig | None = None,
        on_wait: WaitCallback | None = None,
        cancelled: Callable[[], bool] | None = None,
    ) -> None:
        self.base_url = base_url_from_env(base_url)
        cfg = config or TransportConfig(user_agent=USER_AGENT)
        self.transport = Transport(self.base_url, config=cfg, on_wait=on_wait, cancelled=cancelled)
        self._token: str | None = None
        if token:
            self.set_token(token)

    def __repr__(self) -> str:  # never shows the token
        return f"StoktClient({self.base_url!r}, logged_in={self._token is not None})"

    def close(self) -> None:
        self.transport.close()

    def __enter__(self) -> StoktClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- auth ------------------------------------------------------------------------------------
    def set_token(self, token: str | None) -> None:
        self._token = token
        self.transport.set_authorization(f"Token {token}" if token else None)

    @property
    def logged_in(self) -> bool:
        return self._token is not None

    @property
    def token(self) -> str | None:
        return self._token

    def login(self, username: str, password: str) -> str:
        """`POST api/token-auth` with form fields; stores and returns the token."""
        try:
            data = self.transport.post_form("api/token-auth", {"username": username, "password": password},
                                            auth=False, idempotent=True)
        except BadRequestError as exc:
            raise AuthError("Stokt refused the e-mail or password", status=exc.status) from None
        token = data.get("token") if isinstance(data, dict) else None
        if not isinstance(token, str) or not token:
            raise ProtocolError("POST api/token-auth: no token in the answer")
        self.set_token(token)
        return token

    def _require_token(self) -> None:
        if not self.logged_in:
            raise AuthError("not logged in to Stokt (run `mastoc stokt login`)")

    # -- reads -----------------------------------------------------------------------------------
    def _get_obj(self, path: str, params: dict[str, Any] | None = None) -> dict[str, Any]:
        self._require_token()
        data = self.transport.get_json(path, params)
        if not isinstance(data, dict):
            raise ProtocolError(f"GET {path}: expected a JSON object, got {type(data).__name__}")
        return data

    def _get_list(self, path: str, params: dict[str, Any] | None = None) -> list[Any]:
        """A list endpoint that may answer with a plain array or a page envelope (all pages)."""
        self._require_token()
        data = self.transport.get_json(path, params)
        if isinstance(data, list):
            return data
        items: list[Any] = []
        pages = 0
        while True:
            if not isinstance(data, dict) or not isinstance(data.get("results"), list):
                raise ProtocolError(f"GET {path}: expected an array or a page of results")
            items.extend(data["results"])
            nxt = data.get("next")
            pages += 1
            if not nxt or pages > 10_000:
                return items
            data = self.transport.get_json(self._follow(nxt))

    def me(self) -> dict[str, Any]:
        return self._get_obj("api/users/me")

    def gym_summary(self, gym: str) -> dict[str, Any]:
        return self._get_obj(f"api/gyms/{check_id('gym', gym)}/summary")

    def walls(self, gym: str) -> list[Any]:
        return self._get_list(f"api/gyms/{check_id('gym', gym)}/walls")

    def face_setup(self, face: str) -> dict[str, Any]:
        data = self._get_obj(f"api/faces/{check_id('face', face)}/setup")
        if not isinstance(data.get("holds"), list):
            raise ProtocolError("face setup without a list of holds")
        return data

    def my_set_climbs(self, gym: str) -> list[Any]:
        return self._get_list(f"api/gyms/{check_id('gym', gym)}/my-set-climbs")

    def my_sent_climbs(self, gym: str) -> list[Any]:
        return self._get_list(f"api/gyms/{check_id('gym', gym)}/my-sent-climbs")

    def personal_lists(self, user: str) -> list[Any]:
        """The account's own lists (API.md §12; shape partly inferred: the caller is tolerant)."""
        return self._get_list(f"api/users/lists/{check_id('user', user)}/personal", {"ordering": "-dateModified"})

    def list_items(self, list_id: str) -> list[Any]:
        """A Stokt list's items `{id, climb{…}, order}` (a plain array or pages)."""
        return self._get_list(f"api/lists/{check_id('list', list_id)}/items", {"page_size": 100})

    def climbs_url(self, gym: str, max_age: int = ALL_CLIMBS_MAX_AGE, page_size: int | None = None) -> str:
        """First page of a gym's climbs. `page_size` is only a hint (the app knows the knob [DEC]);
        pages are always followed through `next`, whatever size the server chose."""
        query = f"max_age={int(max_age)}" + (f"&page_size={int(page_size)}" if page_size else "")
        return self.transport.url(f"api/gyms/{check_id('gym', gym)}/climbs?{query}")

    def climb_page(self, url: str, number: int = 1) -> ClimbPage:
        """Fetch one page of climbs at `url` (a `next` link, followed verbatim)."""
        self._require_token()
        url = self._follow(url)
        data = self.transport.get_json(url)
        if isinstance(data, list):
            return ClimbPage(number=number, url=url, results=data, count=len(data))
        if not isinstance(data, dict) or not isinstance(data.get("results"), list):
            raise ProtocolError(f"climbs page {number}: expected a page envelope or an array")
        count = data.get("count")
        nxt = data.get("next")
        if nxt is not None and not isinstance(nxt, str):
            raise ProtocolError(f"climbs page {number}: `next` is not a URL")
        return ClimbPage(number=number, url=url, results=data["results"],
                         count=count if isinstance(count, int) else None,
                         next=nxt or None, previous=data.get("previous"))

    def iter_climb_pages(self, gym: str, max_age: int = ALL_CLIMBS_MAX_AGE,
                         start_url: str | None = None, start_number: int = 1) -> Iterator[ClimbPage]:
        """The gym's climbs page by page, newest first, following `next` verbatim."""
        url: str | None = start_url or self.climbs_url(gym, max_age)
        number = start_number
        seen: set[str] = set()
        while url:
            if url in seen:
                raise ProtocolError(f"climbs page {number}: `next` loops back to an earlier page")
            seen.add(url)
            page = self.climb_page(url, number)
            yield page
            url = page.next
            number += 1

    def _follow(self, url: str) -> str:
        """A `next` link made safe to send the token to: same host as the base URL, same scheme."""
        if not url.startswith(("http://", "https://")):
            return self.transport.url(url)
        base = urlsplit(self.base_url)
        parts = urlsplit(url)
        same_port = (parts.port or _default_port(parts.scheme)) == (base.port or _default_port(base.scheme))
        if parts.hostname != base.hostname or (parts.scheme == base.scheme and not same_port):
            raise ProtocolError("a `next` link points to another host; refusing to send the token there")
        if parts.scheme != base.scheme:  # DRF behind a proxy may emit http:// links
            parts = parts._replace(scheme=base.scheme, netloc=base.netloc)
        return urlunsplit(parts)

    # -- writes ----------------------------------------------------------------------------------
    def create_climb(self, face: str, body: ClimbBody | dict[str, Any]) -> dict[str, Any]:
        """`POST api/faces/{faceId}/climbs` (JSON body of API.md §11); returns the created climb."""
        self._require_token()
        payload = body.to_json() if isinstance(body, ClimbBody) else body
        data = self.transport.post_json(f"api/faces/{check_id('face', face)}/climbs", payload)
        if not isinstance(data, dict) or not isinstance(data.get("id"), str) or not _UUID.match(data["id"]):
            raise ProtocolError("climb creation answered without a climb id")
        return data

    def update_climb(self, face: str, climb: str, changes: dict[str, Any]) -> dict[str, Any]:
        """`PATCH api/faces/{faceId}/climbs/{climbId}` with only the changed keys, in the creation
        body's shape (API.md §11). Returns Stokt's answer (the climb, or {} for an empty answer);
        403 (not yours) raises `AuthError` with status 403."""
        self._require_token()
        path = f"api/faces/{check_id('face', face)}/climbs/{check_id('climb', climb)}"
        response = self.transport.request("PATCH", path, json_body=changes, idempotent=True)
        data = decode_json(response, f"PATCH {path}", allow_empty=True)
        return data if isinstance(data, dict) else {}

    def delete_climb(self, climb: str) -> None:
        """`DELETE api/climbs/{climbId}` (API.md §11); 403 raises `AuthError`, 404 `NotFoundError`."""
        self._require_token()
        self.transport.request("DELETE", f"api/climbs/{check_id('climb', climb)}", idempotent=True)

    # -- media -----------------------------------------------------------------------------------
    def media_url(self, name: str) -> str:
        """URL of a media file: `media/` + name, unless the name already starts with `media/`.

        Hostile names (absolute paths or URLs, `..` segments, backslashes, control characters)
        raise `ValueError`.
        """
        if not isinstance(name, str) or not name or not _MEDIA_NAME.match(name):
            raise ValueError(f"unsafe media name: {name!r}")
        if name.startswith("/") or "//" in name or any(seg in ("..", ".") for seg in name.split("/")):
            raise ValueError(f"unsafe media name: {name!r}")
        path = name if name.startswith("media/") else "media/" + name
        return self.transport.url(quote(path, safe="/._-~+()%"))

    def download_media(self, name: str, expected_length: int | None = None) -> bytes:
        """The bytes of a media file (no token sent), complete or an error."""
        return self.transport.download(self.media_url(name), auth=False, expected_length=expected_length)


def _default_port(scheme: str) -> int:
    return 443 if scheme == "https" else 80
