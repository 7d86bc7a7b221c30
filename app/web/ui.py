"""The Gradio web chat: streamed, cited answers, filters, documents, 👍/👎 with corrections (imports gradio)."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import gradio as gr

from app.conversation import Conversations
from app.web import uploads as stored
from app.web.feedback import FeedbackStore
from app.web.render import CSS, answer_html
from core.errors import ReportQAError

if TYPE_CHECKING:
    from app.pipeline import Assistant

__all__ = ["CSS", "build_ui", "example_questions"]

ALL = ""  # dropdown value meaning "no filter"
DOC_HEADERS = ["名称", "单位/部门", "年度", "类型", "文本块", "数字", "导入时间", "id"]
RESULT_HEADERS = ["文件", "结果", "单位/部门", "年度", "文本块", "数字", "说明"]
STATUS_LABEL = {"added": "已导入", "replaced": "已更新", "unchanged": "未变化", "duplicate": "重复（未重复导入）",
                "error": "失败"}
MAX_UPLOAD_BYTES = 50 * 1024 * 1024


def example_questions(catalog: list[tuple[str | None, int | None]]) -> list[str]:
    """Questions about the reports actually loaded, so the examples work on any deployment."""
    known = [(o, y) for o, y in catalog if o and y]
    if not known:
        return ["预算执行率是多少？", "年初预算是多少？"]
    qs: list[str] = []
    for org, year in known[:2]:
        qs += [f"{year}年{org}预算执行率是多少", f"{year}年{org}年初预算是多少"]
    if len(known) >= 2:
        (o1, y1), (o2, y2) = known[0], known[1]
        qs.append(f"{y1}年{o1}和{y2}年{o2}，谁的预算执行率更高")
    org, year = known[0]
    qs.append(f"{year - 5}年{org}的预算执行率是多少")  # a year no report covers: shows a refusal
    return qs


def _filters(assistant: Assistant) -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    catalog = assistant.catalog()
    orgs = sorted({o for o, _ in catalog if o})
    years = sorted({y for _, y in catalog if y}, reverse=True)
    return [("全部单位", ALL)] + [(o, o) for o in orgs], [("全部年度", ALL)] + [(str(y), str(y)) for y in years]


def _doc_rows(assistant: Assistant) -> list[list[Any]]:
    return [[d.name, d.org or "", d.year or "", d.report_type or "", d.n_chunks, d.n_figures,
             d.ingested_at.strftime("%Y-%m-%d %H:%M") if d.ingested_at else "", d.id] for d in assistant.documents()]


def _stream_text(text: str, steps: int = 8) -> Iterator[str]:
    """Growing prefixes of ``text`` (the answer is computed at once; this shows it being written)."""
    size = max(1, -(-len(text) // steps))
    for end in range(size, len(text) + size, size):
        yield text[:end]


def build_ui(assistant: Assistant, *, feedback: FeedbackStore | None = None,
             conversations: Conversations | None = None) -> gr.Blocks:
    """The web chat over ``assistant``; ratings go to ``feedback`` (data_dir/feedback.sqlite3 by default), each
    chat's turns to ``conversations`` (the SQL store's, by default) so follow-ups resolve in any worker."""
    store = feedback or FeedbackStore.from_settings(assistant.settings)
    talks = conversations or Conversations.for_assistant(assistant)
    uploads = assistant.settings.data_dir / "uploads"

    def respond(message: str, history: list[Any], org: str, year: str, turns: dict[str, Any],
                session: str) -> Iterator[tuple[Any, ...]]:
        message = (message or "").strip()
        if not message:
            yield history, turns, session, ""
            return
        session = session or talks.new_id()  # this chat's turns live in the SQL store under this id
        history = [*history, {"role": "user", "content": message}, {"role": "assistant", "content": "正在查找…"}]
        yield history, turns, session, ""
        try:
            question = talks.resolve(assistant, session, message)
            answer = assistant.ask(question, org=org or None, year=int(year) if year else None)
            talks.remember(session, message, question)
        except ReportQAError as exc:
            history[-1] = {"role": "assistant", "content": f"出错了：{exc}"}
            yield history, turns, session, ""
            return
        for part in _stream_text(answer.answer):
            history[-1] = {"role": "assistant", "content": part}
            yield history, turns, session, ""
            time.sleep(0.02)
        history[-1] = {"role": "assistant",
                       "content": answer_html(answer, asked=question if question != message else None)}
        turns = {**turns, str(len(history) - 1): {"question": question, "answer": answer.to_dict()}}
        yield history, turns, session, ""

    def rate(data: gr.LikeData, turns: dict[str, Any]) -> str:
        index = data.index[0] if isinstance(data.index, list | tuple) else data.index
        turn = turns.get(str(index))
        if turn is None:
            return "只能评价助手的回答。"
        up = data.liked is True or data.liked == "Like"
        store.record(turn["question"], 1 if up else -1, turn["answer"])
        return "已记录 👍，谢谢。" if up else "已记录 👎。如知道正确答案，请在下方“纠正答案”中填写。"

    def correct(correction: str, evidence: str, turns: dict[str, Any]) -> tuple[str, str, str]:
        if not turns:
            return "还没有可以纠正的回答。", correction, evidence
        if not correction.strip():
            return "请填写正确答案（如 98.15%，或“报告中没有”）。", correction, evidence
        last = turns[max(turns, key=int)]
        store.record(last["question"], -1, last["answer"], correction=correction, evidence=evidence)
        return f"已记录对“{last['question']}”的纠正，将作为测试用例导出。", "", ""

    def refresh() -> tuple[Any, ...]:
        orgs, years = _filters(assistant)
        docs = assistant.documents()
        return (gr.update(choices=orgs), gr.update(choices=years), _doc_rows(assistant),
                gr.update(choices=[(f"{d.name}（{d.org or '?'} {d.year or ''}）", d.id) for d in docs], value=None))

    def upload(files: list[str] | None, progress: gr.Progress = gr.Progress()) -> tuple[Any, ...]:  # noqa: B008
        if not files:
            raise gr.Error("请先选择要导入的报告文件。")
        saved, rows = [], []
        for f in files:
            try:
                name = stored.original_name(Path(f).name)
                with open(f, "rb") as src:
                    saved.append((stored.save(src.read, name, uploads, MAX_UPLOAD_BYTES), name))
            except (ReportQAError, OSError) as exc:
                rows.append([Path(f).name, STATUS_LABEL["error"], "", "", 0, 0, str(exc)])
        progress((0, len(saved)), desc="导入中")
        results = stored.ingest_saved(assistant, saved, lambda done, total, name: progress((done, total), desc=name))
        rows += [[r.name, STATUS_LABEL.get(r.status, r.status), r.org or "", r.year or "", r.n_chunks, r.n_figures,
                  r.message] for r in results]
        return (rows, *refresh())

    def delete(doc_id: str | None) -> tuple[Any, ...]:
        if not doc_id:
            raise gr.Error("请先在列表中选择要删除的报告。")
        try:
            info = assistant.delete_document(doc_id)
        except ReportQAError as exc:
            raise gr.Error(str(exc)) from exc
        copy = (uploads / info.name).resolve()
        if info.path and Path(info.path).resolve() == copy and copy.is_file():
            copy.unlink()
        return (f"已删除 {info.name}", *refresh())

    orgs, years = _filters(assistant)
    with gr.Blocks(title="reportqa · 绩效报告问答") as demo:
        gr.Markdown("## 绩效报告问答\n答案只取自已导入的报告，每个数字都附出处；报告里没有的，会直说没有。")
        turns = gr.State({})
        session = gr.State("")
        with gr.Tab("问答"):
            with gr.Row():
                org_dd = gr.Dropdown(orgs, value=ALL, label="单位/部门", elem_id="org-filter")
                year_dd = gr.Dropdown(years, value=ALL, label="年度", elem_id="year-filter")
            chatbot = gr.Chatbot(label="对话", height=520, elem_id="chat", buttons=["copy"])
            with gr.Row():
                box = gr.Textbox(placeholder="例如：2022年某单位预算执行率是多少", show_label=False, scale=8,
                                 elem_id="question", submit_btn=False)
                send = gr.Button("提问", variant="primary", scale=1, elem_id="ask")
                clear = gr.Button("新对话", scale=1)
            gr.Examples(example_questions(assistant.catalog()), inputs=[box], label="示例问题")
            rated = gr.Markdown(elem_id="feedback-status")
            with gr.Accordion("纠正答案（可选）", open=False):
                corr = gr.Textbox(label="正确答案", placeholder="如 98.15%，或“报告中没有”")
                evid = gr.Textbox(label="报告原文依据（可选）", placeholder="如：预算执行率为98.15%")
                corr_btn = gr.Button("提交纠正")
        with gr.Tab("文档"):
            files = gr.File(file_count="multiple", label="上传报告（可多选）", elem_id="upload")
            ingest_btn = gr.Button("导入", variant="primary", elem_id="ingest")
            results = gr.Dataframe(headers=RESULT_HEADERS, label="本次导入结果", interactive=False,
                                   elem_id="ingest-results")
            docs = gr.Dataframe(_doc_rows(assistant), headers=DOC_HEADERS, label="已导入的报告",
                                interactive=False, elem_id="documents")
            with gr.Row():
                doc_dd = gr.Dropdown([(d.name, d.id) for d in assistant.documents()], label="选择报告", scale=4)
                del_btn = gr.Button("删除", variant="stop", scale=1)
            deleted = gr.Markdown()

        ask_io = ([box, chatbot, org_dd, year_dd, turns, session], [chatbot, turns, session, box])
        box.submit(respond, *ask_io)
        send.click(respond, *ask_io)
        clear.click(lambda: ([], {}, "", ""), None, [chatbot, turns, session, rated])
        chatbot.like(rate, [turns], [rated])
        corr_btn.click(correct, [corr, evid, turns], [rated, corr, evid])
        ingest_btn.click(upload, [files], [results, org_dd, year_dd, docs, doc_dd])
        del_btn.click(delete, [doc_dd], [deleted, org_dd, year_dd, docs, doc_dd])
    return demo
