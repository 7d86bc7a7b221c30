"""A process that imports reportqa once and then forks one child per `reportqa …` command it is sent, so a test
can start (and SIGKILL) many real reportqa processes without paying Python's and chromadb's start-up each time.

The parent never opens a store: every child is a fresh process running ``app.cli.main`` with its own arguments.
Protocol, one JSON object a line on stdin / stdout:

    {"op": "start", "argv": ["--data-dir", D, "ingest", …], "log": PATH}  ->  {"pid": N}
    {"op": "wait", "pid": N, "block": true|false}                          ->  {"done": bool, "code": int|null}
"""

from __future__ import annotations

import json
import os
import sys


def _preload() -> None:
    import chromadb  # noqa: F401 - imported here once, for every child
    import sqlalchemy  # noqa: F401

    import app.cli  # noqa: F401
    import app.pipeline  # noqa: F401
    import ingest.pipeline  # noqa: F401
    import vectorstore.chroma  # noqa: F401
    import vectorstore.doctor  # noqa: F401
    from vectorstore.bm25 import tokenize

    tokenize("预算执行率")  # loads jieba's dictionary


def _child(argv: list[str], log: str) -> None:
    fd = os.open(log, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
    os.dup2(fd, 1)
    os.dup2(fd, 2)
    null = os.open(os.devnull, os.O_RDONLY)
    os.dup2(null, 0)
    sys.argv = ["reportqa", *argv]
    code = 0
    try:
        from app.cli import main

        main()
    except SystemExit as e:
        code = e.code if isinstance(e.code, int) else (0 if e.code is None else 1)
    except BaseException:  # noqa: BLE001 - shown in the log, as the real command would
        import traceback

        traceback.print_exc()
        code = 1
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)


def _status(pid: int, block: bool) -> dict[str, object]:
    done, status = os.waitpid(pid, 0 if block else os.WNOHANG)
    if done == 0:
        return {"done": False, "code": None}
    return {"done": True, "code": os.waitstatus_to_exitcode(status)}


def main() -> None:
    _preload()
    print(json.dumps({"ready": True}), flush=True)
    for line in sys.stdin:
        cmd = json.loads(line)
        if cmd["op"] == "start":
            pid = os.fork()
            if pid == 0:
                _child(cmd["argv"], cmd["log"])
            reply: dict[str, object] = {"pid": pid}
        else:
            reply = _status(int(cmd["pid"]), bool(cmd.get("block")))
        print(json.dumps(reply), flush=True)


if __name__ == "__main__":
    main()
