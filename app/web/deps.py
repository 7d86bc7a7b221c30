"""FastAPI dependencies: settings, the shared Assistant, API-key auth and the conversations (follow-ups)."""

from __future__ import annotations

import secrets
from dataclasses import asdict, is_dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Any

from fastapi import Depends, HTTPException, Request

from app.conversation import Conversations, Rewriter, Turn, resolve
from app.pipeline import Assistant
from core.config import Settings


def get_settings(request: Request) -> Settings:
    """The Settings the app was created with."""
    settings: Settings = request.app.state.settings
    return settings


def get_assistant(request: Request) -> Assistant:
    """The one Assistant shared by every route and the web chat."""
    assistant: Assistant = request.app.state.assistant
    return assistant


def get_conversations(request: Request) -> Conversations:
    """Conversation turns per session id, kept in the SQL store (follow-ups in /api/chat, /api/ask, /v1)."""
    store: Conversations = request.app.state.conversations
    return store


def presented_key(request: Request) -> str | None:
    """The API key a request carries: ``Authorization: Bearer <key>`` or ``X-API-Key: <key>``."""
    auth = request.headers.get("authorization", "")
    scheme, _, token = auth.partition(" ")
    if scheme.lower() == "bearer" and token.strip():
        return token.strip()
    key = request.headers.get("x-api-key", "").strip()
    return key or None


def key_is_valid(key: str | None, keys: list[str]) -> bool:
    """Constant-time comparison of ``key`` against every configured key."""
    if key is None:
        return False
    ok = False
    for k in keys:
        ok |= secrets.compare_digest(key.encode(), k.encode())
    return ok


def require_key(request: Request) -> None:
    """Reject the request with 401 when API keys are configured and none of them was presented."""
    keys = get_settings(request).keys
    if not keys:
        return
    key = presented_key(request)
    if not key_is_valid(key, keys):
        what = "no API key" if key is None else "an unknown API key"
        raise HTTPException(
            status_code=401,
            detail=f"this server requires an API key and the request carried {what}; "
            "send 'Authorization: Bearer <key>' or 'X-API-Key: <key>'",
            headers={"WWW-Authenticate": "Bearer"},
        )


SettingsDep = Annotated[Settings, Depends(get_settings)]
AssistantDep = Annotated[Assistant, Depends(get_assistant)]
ConversationsDep = Annotated[Conversations, Depends(get_conversations)]


def resolve_followups(assistant: Assistant, questions: list[str], rewriter: Rewriter | None = None) -> str:
    """Resolve a sequence of user turns into the standalone form of the last one.

    Args:
        assistant: reads the questions (``app.conversation.resolve``).
        questions: the user turns, oldest first; must not be empty.
        rewriter: asked when the rules leave a follow-up as it was (a chat model, when configured).

    Returns:
        The last question rewritten against the turns before it ("那2021年呢？" -> "2021年…").
    """
    history: list[Turn] = []
    for q in questions[:-1]:
        history.append(Turn(q, resolve(assistant, history, q, rewriter)))
    return resolve(assistant, history, questions[-1], rewriter)


def jsonable(obj: Any) -> Any:
    """Dataclasses, Decimals and datetimes as plain JSON values (numbers as floats, times as ISO 8601)."""
    if is_dataclass(obj) and not isinstance(obj, type):
        return jsonable(asdict(obj))
    if isinstance(obj, dict):
        return {str(k): jsonable(v) for k, v in obj.items()}
    if isinstance(obj, list | tuple):
        return [jsonable(v) for v in obj]
    if isinstance(obj, Decimal):
        return float(obj)
    if isinstance(obj, datetime | date):
        return obj.isoformat()
    return obj

