"""reportqa as an MCP server (official ``mcp`` SDK): tools ask, lookup_figure, list_documents, explain.

Every tool calls the same Assistant as the CLI and the API, so an AI assistant gets the exact figure with the
document, page and quoted span it comes from, or a refusal with its reason. ``reportqa mcp`` serves it over
stdio (for a client that spawns it) or over streamable HTTP (``--http``, path ``/mcp``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from app.integrations.cited import ask_cited, cited, figure_question

if TYPE_CHECKING:
    from mcp.server import MCPServer
    from starlette.types import ASGIApp, Receive, Scope, Send

    from app.conversation import Conversations
    from app.pipeline import Assistant
    from core.config import Settings

INSTRUCTIONS = (
    "Exact, cited answers from Chinese government budget-performance reports (绩效自评报告, 决算, 预算). "
    "Ask in Chinese, naming the organisation and year, e.g. 2022年海珠区预算执行率是多少. Every figure comes "
    "with its document, page and the quoted sentence; when the reports do not say, the answer is refused with "
    "a reason: report that, do not guess a number.")
HTTP_PATH = "/mcp"


def build_server(assistant: Assistant, conversations: Conversations | None = None) -> MCPServer:
    """The MCP server over ``assistant``; ``conversations`` keeps follow-ups per ``session_id`` in ``ask``."""
    from mcp.server import MCPServer

    from app.web.deps import jsonable

    server: MCPServer = MCPServer("reportqa", instructions=INSTRUCTIONS, version="0.1.0")

    @server.tool()
    def ask(question: str, org: str | None = None, year: int | None = None,
            session_id: str | None = None) -> dict[str, Any]:
        """Answer a question about the stored reports with the exact figure or quoted passage and its sources.

        Args:
            question: in Chinese, e.g. "2022年海珠区预算执行率是多少"; a follow-up such as "那2021年呢？" works
                when the same session_id was sent with the earlier question.
            org: optional organisation to restrict the search to.
            year: optional report year to restrict the search to.
            session_id: optional conversation id; follow-ups are resolved against its earlier questions.

        Returns:
            answer, text (answer with numbered sources), refused, reason, route, value, unit, org, year, metric,
            formula, warnings, citations (doc, page, section, quote) and resolved_question.
        """
        asked = question.strip()
        if session_id and conversations is not None:
            asked = conversations.resolve(assistant, session_id, asked)
        out = cited(ask_cited(assistant, asked, org=org, year=year))
        if session_id and conversations is not None:
            conversations.remember(session_id, question.strip(), asked)
        return {**out, "resolved_question": asked}

    @server.tool()
    def lookup_figure(metric: str, org: str | None = None, year: int | None = None) -> dict[str, Any]:
        """Look up one reported figure of an organisation and year, e.g. metric "预算执行率", org "海珠区",
        year 2022; returns the cited answer (value, unit, citations) or a refusal with the reason."""
        return cited(ask_cited(assistant, figure_question(metric, org, year)))

    @server.tool()
    def list_documents() -> dict[str, Any]:
        """The stored reports: id, name, organisation, year, report type, title, chunks and figures."""
        keep = ("id", "name", "org", "year", "report_type", "title", "n_chunks", "n_figures", "ingested_at")
        return {"documents": [{k: v for k, v in jsonable(d).items() if k in keep} for d in assistant.documents()]}

    @server.tool()
    def explain(question: str) -> dict[str, Any]:
        """Why a question is answered or refused: how it was read, the candidate figures or passages with their
        scores, and the verdict."""
        result: dict[str, Any] = jsonable(assistant.explain(question))
        return result

    return server


class KeyCheck:
    """Requires one of ``keys`` (``Authorization: Bearer`` or ``X-API-Key``) on every HTTP request."""

    def __init__(self, app: ASGIApp, keys: list[str]) -> None:
        self.app, self.keys = app, keys

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        from app.web.deps import key_is_valid

        if scope["type"] == "http":
            headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope.get("headers", [])}
            scheme, _, token = headers.get("authorization", "").partition(" ")
            key = token.strip() if scheme.lower() == "bearer" else headers.get("x-api-key", "").strip()
            if not key_is_valid(key or None, self.keys):
                from starlette.responses import JSONResponse

                body = {"error": "unauthorized", "message": "this MCP server requires an API key; send "
                        "'Authorization: Bearer <key>' or 'X-API-Key: <key>'"}
                await JSONResponse(body, 401, {"WWW-Authenticate": "Bearer"})(scope, receive, send)
                return
        await self.app(scope, receive, send)


def http_app(settings: Settings, assistant: Assistant, conversations: Conversations | None = None,
             host: str = "127.0.0.1") -> ASGIApp:
    """The streamable HTTP app (MCP endpoint at ``/mcp``), behind the API keys when any are configured."""
    app: ASGIApp = build_server(assistant, conversations).streamable_http_app(streamable_http_path=HTTP_PATH,
                                                                              host=host)
    return KeyCheck(app, settings.keys) if settings.keys else app


def run(settings: Settings, *, http: bool = False, host: str = "127.0.0.1", port: int = 8765) -> None:
    """Serve until interrupted: over stdio, or over streamable HTTP at ``http://host:port/mcp``."""
    from app.conversation import Conversations
    from app.pipeline import Assistant

    assistant = Assistant(settings)
    conversations = Conversations.for_assistant(assistant)
    if not http:
        import anyio

        anyio.run(build_server(assistant, conversations).run_stdio_async)
        return
    import logging

    import uvicorn

    from app.web.api import check_bind

    check_bind(settings, host)
    shown = f"[{host}]" if ":" in host else host
    logging.getLogger("uvicorn.error").info("reportqa: MCP (streamable HTTP) at http://%s:%d%s", shown, port,
                                            HTTP_PATH)
    uvicorn.run(http_app(settings, assistant, conversations, host), host=host, port=port, log_level="info")
