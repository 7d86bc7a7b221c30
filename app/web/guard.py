"""Checks made before any request body is read: API key, failed-key rate limit, body size (plain ASGI)."""

from __future__ import annotations

import json
import threading
import time
from collections import deque
from typing import Any

from fastapi import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app.web.deps import key_is_valid
from core.config import Settings

UPLOAD_PATHS = ("/api/documents", "/gradio_api/upload", "/upload")  # bodies that carry report files


class FailedKeys:
    """Wrong or missing keys per client in the last minute; a client over the limit is refused (429)."""

    WINDOW = 60.0

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self._seen: dict[str, deque[float]] = {}
        self._lock = threading.Lock()

    def _recent(self, client: str, now: float) -> deque[float]:
        times = self._seen.setdefault(client, deque())
        while times and now - times[0] > self.WINDOW:
            times.popleft()
        return times

    def blocked(self, client: str) -> float:
        """Seconds until the client may try again; 0 when it may try now."""
        now = time.monotonic()
        with self._lock:
            times = self._recent(client, now)
            return self.WINDOW - (now - times[0]) if len(times) >= self.limit else 0.0

    def add(self, client: str) -> None:
        now = time.monotonic()
        with self._lock:
            self._recent(client, now).append(now)
            if len(self._seen) > 10_000:  # forget the quietest clients rather than grow without end
                for c in [c for c, t in self._seen.items() if not t][:5000]:
                    del self._seen[c]


def _needs_key(path: str) -> bool:
    return (path.startswith("/api/") and path != "/api/health") or path.startswith("/v1/")


def _is_login(path: str, method: str) -> bool:
    return method == "POST" and path.rstrip("/").endswith("/login")


class Guard:
    """Refuses before the body is read: a missing or wrong API key (401), a client that sent too many wrong
    keys or passwords (429), a body larger than the limit for its path (413, by Content-Length, or while it
    streams in without one)."""

    def __init__(self, app: ASGIApp, settings: Settings) -> None:
        self.app, self.settings = app, settings
        self.failed = FailedKeys(settings.max_failed_keys)

    def limit(self, path: str) -> int:
        """The most bytes a request body to ``path`` may have: JSON routes of the API little, uploads and the web
        chat (whose requests carry the conversation so far) the upload limit."""
        if _needs_key(path) and not path.rstrip("/").endswith(UPLOAD_PATHS):
            return self.settings.max_body_kb << 10
        return self.settings.max_upload_mb << 20

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path, method = scope.get("path", ""), scope.get("method", "GET")
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope.get("headers", [])}
        client = (scope.get("client") or ("?", 0))[0]
        keys = self.settings.keys
        guarded = keys and (_needs_key(path) or _is_login(path, method))
        if guarded and (wait := self.failed.blocked(client)):
            await _reply(send, path, 429, "too_many_requests", f"too many wrong API keys or passwords from this "
                         f"address; try again in {int(wait) + 1} s", {"retry-after": str(int(wait) + 1)})
            return
        if keys and _needs_key(path) and not key_is_valid(_presented(headers), keys):
            self.failed.add(client)
            what = "no API key" if _presented(headers) is None else "an unknown API key"
            await _reply(send, path, 401, "unauthorized", f"this server requires an API key and the request carried "
                         f"{what}; send 'Authorization: Bearer <key>' or 'X-API-Key: <key>'",
                         {"www-authenticate": "Bearer"})
            return
        limit = self.limit(path)
        length = headers.get("content-length", "")
        if length.isdigit() and int(length) > limit:
            await _reply(send, path, 413, "too_large", _too_large(limit))
            return
        seen = 0

        async def counted() -> Message:
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > limit:
                    raise HTTPException(status_code=413, detail=_too_large(limit))
            return message

        async def watched(message: Message) -> None:
            if message["type"] == "http.response.start" and guarded and _is_login(path, method) \
                    and message["status"] >= 400:
                self.failed.add(client)
            await send(message)

        await self.app(scope, counted, watched)


def _presented(headers: dict[str, str]) -> str | None:
    scheme, _, token = headers.get("authorization", "").partition(" ")
    if scheme.lower() == "bearer" and token.strip():
        return token.strip()
    return headers.get("x-api-key", "").strip() or None


def _too_large(limit: int) -> str:
    size = f"{limit >> 20} MB" if limit >= 1 << 20 else f"{limit >> 10} KB"
    return f"the request body is larger than {size}, the most this server accepts here; send less"


async def _reply(send: Send, path: str, status: int, code: str, message: str,
                 headers: dict[str, str] | None = None) -> None:
    """The same JSON error shape as the app's handlers (OpenAI's under /v1)."""
    body: dict[str, Any] = ({"error": {"message": message, "type": code, "code": code}} if path.startswith("/v1/")
                            else {"error": code, "message": message})
    raw = json.dumps(body, ensure_ascii=False).encode()
    head = [(b"content-type", b"application/json"), (b"content-length", str(len(raw)).encode())]
    head += [(k.encode(), v.encode()) for k, v in (headers or {}).items()]
    await send({"type": "http.response.start", "status": status, "headers": head})
    await send({"type": "http.response.body", "body": raw})
