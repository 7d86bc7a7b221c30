"""The contracts back-ends implement: embedders, chat models and file loaders."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Protocol


class Embedder(Protocol):
    """Turns passages and questions into unit vectors; ``model_id`` is recorded with every collection."""

    model_id: str

    def embed_documents(self, texts: list[str]) -> list[list[float]]: ...

    def embed_query(self, text: str) -> list[float]: ...


class ChatModel(Protocol):
    """A chat model reached through an adapter: messages in, text out."""

    model_id: str

    def chat(self, messages: list[dict[str, str]]) -> str: ...


@dataclass(frozen=True)
class Page:
    """One page of a loaded file: its 1-based number and its text."""

    number: int
    text: str


class Loader(Protocol):
    """Reads one kind of file into pages of text (a text file is one page)."""

    suffixes: tuple[str, ...]

    def load(self, path: Path) -> list[Page]: ...
