"""Word documents (.docx, also what WPS exports) through python-docx: headings, paragraphs and tables in order.

Heading styles become markdown headings ("## 二、绩效目标"), tables rows of cells with merged cells
spread (``ingest.loaders.table``). Pages follow the page breaks Word recorded when it last laid the file
out (``w:lastRenderedPageBreak``), or the explicit page breaks when there are none; without either the
document is one page.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from core.errors import BadInput
from core.protocols import Page
from ingest.loaders.table import Grid, render

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
HEADING_STYLE = re.compile(r"^(?:Heading|标题)\s*(\d)$", re.IGNORECASE)


class DocxLoader:
    suffixes: tuple[str, ...] = (".docx",)

    def load(self, path: Path) -> list[Page]:
        import docx

        try:
            document = docx.Document(str(path))
        except Exception as e:
            raise BadInput(f"{path}: cannot open the Word document ({type(e).__name__}: {str(e)[:120]}); "
                           "the file is damaged or not a .docx") from e
        body = document.element.body
        rendered = bool(body.xpath(".//w:lastRenderedPageBreak"))
        pages: list[list[str]] = [[]]
        for el in _blocks(body):
            if el.tag == f"{W}tbl":
                pages[-1].extend(["", *render(_grid(el)).lines(), ""])
                continue
            first, *rest = _text(el, rendered).split("\f")
            pages[-1].append(_paragraph_line(document, el, first))
            for piece in rest:  # a page break inside or before the paragraph
                pages.append([_paragraph_line(document, el, piece)])
        texts = ["\n".join(p).strip("\n") for p in pages]
        if not any(t.strip() for t in texts):
            raise BadInput(f"{path}: the Word document has no text (empty, or only pictures); "
                           "expected the text of a report")
        return [Page(i, t) for i, t in enumerate(texts, start=1)]


def _blocks(body: Any) -> list[Any]:
    """Paragraphs and tables of the body in order, including those inside content controls (w:sdt)."""
    out: list[Any] = []
    for el in body.iterchildren():
        if el.tag in (f"{W}p", f"{W}tbl"):
            out.append(el)
        elif el.tag == f"{W}sdt":
            content = el.find(f"{W}sdtContent")
            if content is not None:
                out.extend(_blocks(content))
    return out


def _text(el: Any, rendered: bool) -> str:
    """A paragraph's text: tabs as spaces, line breaks as new lines, page breaks as form feeds (Word's rendered
    ones when ``rendered``, else the explicit ones)."""
    parts = []
    for node in el.iter(f"{W}t", f"{W}tab", f"{W}br", f"{W}cr", f"{W}lastRenderedPageBreak"):
        if node.tag == f"{W}t":
            parts.append(node.text or "")
        elif node.tag == f"{W}tab":
            parts.append(" ")
        elif node.tag == f"{W}lastRenderedPageBreak":
            parts.append("\f" if rendered else "")
        elif node.get(f"{W}type") == "page":
            parts.append("" if rendered else "\f")
        else:
            parts.append("\n")
    return "".join(parts)


def _paragraph_line(document: Any, el: Any, text: str) -> str:
    text = text.strip()
    if not text:
        return ""
    from docx.text.paragraph import Paragraph

    style = Paragraph(el, document).style
    name = style.name if style is not None else ""
    m = HEADING_STYLE.match(name or "")
    level = int(m.group(1)) if m else 1 if name == "Title" else 0
    return f"{'#' * level} {text}" if level else text


def _grid(tbl: Any) -> Grid:
    """A table element as a grid: ``gridSpan`` spans columns, ``vMerge`` continues the cell above."""
    cells: dict[tuple[int, int], list[Any]] = {}  # origin -> [rowspan, colspan, text]
    open_down: dict[int, tuple[int, int]] = {}  # column -> origin of a vertically merged cell still open
    for r, tr in enumerate(tbl.findall(f"{W}tr")):
        c = tr.grid_before
        for tc in tr.findall(f"{W}tc"):
            span = tc.grid_span
            if tc.vMerge == "continue" and c in open_down:
                cells[open_down[c]][0] += 1
            else:
                cells[(r, c)] = [1, span, "\n".join(_text(p, False) for p in tc.iter(f"{W}p")).replace("\f", "")]
                if tc.vMerge == "restart":
                    open_down[c] = (r, c)
                else:
                    open_down.pop(c, None)
            c += span
    return Grid.from_spans([(r, c, rs, cs, t) for (r, c), (rs, cs, t) in cells.items()])
