"""A scripted OpenAI-compatible chat server on 127.0.0.1: the fake stands only at the network edge (real HTTP,
real client, real pipeline). Each reply is made by a function of the request's messages, so a script can cite
the source that holds a figure whatever its number in the prompt."""

from __future__ import annotations

import json
import re
import threading
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

Messages = list[dict[str, str]]
Script = Callable[[Messages], str]


class LoopbackChat:
    """Answers POST /v1/chat/completions with ``script(messages)``; records every request body."""

    def __init__(self) -> None:
        self.script: Script = lambda messages: ""
        self.requests: list[dict] = []
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 - http.server API
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                server.requests.append(body)
                text = server.script(body["messages"])
                usage = {"prompt_tokens": sum(len(m["content"]) for m in body["messages"]),
                         "completion_tokens": len(text), "total_tokens": 0}
                if body.get("stream"):
                    self._stream(body, text, usage)
                    return
                reply = {"id": "x", "object": "chat.completion", "created": 0, "model": body["model"],
                         "choices": [{"index": 0, "finish_reason": "stop",
                                      "message": {"role": "assistant", "content": text}}], "usage": usage}
                data = json.dumps(reply).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def _stream(self, body: dict, text: str, usage: dict) -> None:
                self.send_response(200)
                self.send_header("Content-Type", "text/event-stream")
                self.end_headers()
                for piece in [text[i:i + 4] for i in range(0, len(text), 4)]:
                    chunk = {"id": "x", "object": "chat.completion.chunk", "created": 0, "model": body["model"],
                             "choices": [{"index": 0, "delta": {"content": piece}, "finish_reason": None}]}
                    self.wfile.write(f"data: {json.dumps(chunk)}\n\n".encode())
                end = {"id": "x", "object": "chat.completion.chunk", "created": 0, "model": body["model"],
                       "choices": [{"index": 0, "delta": {}, "finish_reason": "stop"}], "usage": usage}
                self.wfile.write(f"data: {json.dumps(end)}\n\ndata: [DONE]\n\n".encode())

            def log_message(self, *args: object) -> None:
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_port}/v1"
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


def serve() -> Iterator[LoopbackChat]:
    s = LoopbackChat()
    try:
        yield s
    finally:
        s.close()


def sources_in(messages: Messages) -> dict[int, str]:
    """The numbered <资料> passages of the user message, by number."""
    user = messages[-1]["content"]
    return {int(n): body for n, body in
            re.findall(r'<资料 编号="(\d+)"[^>]*>\n(.*?)\n</资料>', user, flags=re.S)}


def source_with(messages: Messages, needle: str) -> int:
    """The number of the first source holding ``needle`` (AssertionError when none does)."""
    for n, body in sources_in(messages).items():
        if needle in body:
            return n
    raise AssertionError(f"no source in the prompt holds {needle!r}: {sources_in(messages)}")
