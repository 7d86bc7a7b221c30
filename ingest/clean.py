"""Turn extracted report text (PDF dumps, markdown, OCR) into the cleaned-text conventions ingest relies on."""

from __future__ import annotations

import re

from ingest.boilerplate import strip as strip_boilerplate
from ingest.layout import PAGE_NO, drop_page_numbers, drop_running_heads, fix_tables, join_text, strip_html

CJK = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
CJK_PUNCT = "\u3000-\u303f\uff01-\uff0f\uff1a-\uff20\uff3b-\uff40\uff5b-\uff65\u2018-\u201f\u2026\u00b7"
# spaces are PDF wrapping debris between a CJK character/punctuation and a CJK character, digit or bracket
CJK_SPACE = re.compile(rf"(?<=[{CJK}{CJK_PUNCT}]) +(?=[{CJK}{CJK_PUNCT}0-9(%])|(?<=[0-9)%]) +(?=[{CJK}{CJK_PUNCT}])")
PIPE_ROW = re.compile(r"^\s*\|.*\|\s*$")
PIPE_SEP = re.compile(r"^\s*\|?\s*:?-{2,}:?\s*(?:\|\s*:?-{2,}:?\s*)*\|?\s*$")
WIDE_GAP = re.compile(r" {3,}")
RULE = re.compile(r"^[ \t]*(?:[-*_=][ \t]*){3,}$", re.MULTILINE)  # markdown horizontal rule
# a heading or list item starts here: 一、 （一） 1. 1、 （1） ① 第一章, markdown '#', bullets
MARKER = re.compile(
    r"^(?:#|第[一二三四五六七八九十百零〇\d]+[章节部篇条]|[一二三四五六七八九十百]+[、.．]|[（(][一二三四五六七八九十百]+[）)]"
    r"|\d{1,2}[.、．)）](?!\d)|[（(]\d{1,2}[）)]|[①-⑳]|[-*•●▪■◆]\s)"
)
TERMINAL = "。！？；：!?;:…."
TITLE_END = re.compile(r"(?:报告|表|说明|目录|通知|函|书)$")
FIELD = re.compile(r"^[^\s：:，。；,;]{1,12}[：:][^，。；,;]*$")
JOIN_START = re.compile(rf"^[{CJK}“‘《「]|^\d(?!\d{{0,2}}[.、．)）](?!\d))")
FULLWIDTH = {**{chr(0xFF10 + i): str(i) for i in range(10)},
             **{chr(0xFF21 + i): chr(0x41 + i) for i in range(26)},
             **{chr(0xFF41 + i): chr(0x61 + i) for i in range(26)},
             "％": "%", "\u3000": " ", "\u00a0": " ", "\u2002": " ", "\u2003": " ", "\u2009": " ",
             "\ufeff": "", "\u200b": "", "\u200c": "", "\u200d": "", "\u2060": "", "\f": "\n\f\n", "\v": "\n"}
TRANSLATE = str.maketrans(FULLWIDTH)
CONTROL = re.compile(r"[\x00-\x08\x0e-\x1f\x7f]")
DATELINE = re.compile(r"^(?:——|—|-{1,2})?\s*[（(]?\s*(?:19|20)\d{2}\s*年.{0,50}(?:会议上|会上)[)）]?$")  # speech date
MIN_JOIN_LINE = 20  # a line broken by a page end fills the page width; shorter ones are titles or labels


def clean(text: str) -> str:
    """Normalise report text to the cleaned-text conventions.

    Line ends become ``\n``; full-width digits, letters and ％ become ASCII (Chinese punctuation stays);
    HTML tags go (``<br>``/``</p>`` end lines, table cells become tabs), and so do web-page chrome (navigation,
    page metadata such as 发布时间 / 索引号 / 浏览次数, print and share bars: see ``ingest.boilerplate``), ``**`` bold markers,
    page-number lines, form feeds, page headers and footers repeated at page breaks and markdown rules; spaces between CJK
    characters, or between CJK and digits, go ("43.7 万 家次" -> "43.7万家次"); markdown pipe tables and
    space-aligned PDF columns become tab rows; table rows lose trailing empty cells and repeated page
    headers, and a cell continued after a page break is merged back; a line or paragraph that stops
    mid-sentence is joined to the next one; paragraphs are separated by one blank line; markdown
    headings keep their '#'. Deterministic and idempotent: ``clean(clean(x)) == clean(x)``.

    Args:
        text: decoded text of a report.

    Returns:
        Cleaned UTF-8 text ending with one newline, or "" when nothing but whitespace is left.
    """
    out = text
    for _ in range(5):  # every pass is a fixpoint step; real texts settle after one or two
        new = _one_pass(out)
        if new == out:
            break
        out = new
    return out


def _one_pass(text: str) -> str:
    text = text.replace("\r\n", "\n").replace("\r", "\n").translate(TRANSLATE)
    text = CONTROL.sub("", text)
    text = re.sub(r"(?<=\d)．(?=\d)", ".", text)
    text = strip_html(text)
    text = RULE.sub("", text).replace("**", "")
    lines = _pipe_tables(strip_boilerplate(text.split("\n")))
    lines = [_tidy(line) for line in lines]
    lines = drop_running_heads(lines)
    lines = drop_page_numbers(lines)
    lines = fix_tables(lines)
    lines = _join_paragraphs(lines)
    return _collapse(lines)


def remove_cjk_spaces(line: str) -> str:
    """Drop spaces between CJK characters, and between CJK and digits: "43.7 万 家次" -> "43.7万家次"."""
    return CJK_SPACE.sub("", line)


def _tidy(line: str) -> str:
    """Strip a line; for table rows strip every cell and drop trailing empty cells.

    A line whose words are separated by two or more runs of 3+ spaces is a layout-preserving PDF dump of a
    table row ("项目名称    全年预算数    执行数"): the runs become cell separators.
    """
    if "\t" not in line:
        body = line.strip(" ")
        if len(WIDE_GAP.findall(body)) < 2:
            return remove_cjk_spaces(body)
        line = re.sub(r" {2,}", "\t", body)
    cells = [remove_cjk_spaces(c.strip(" ")) for c in line.split("\t")]
    while cells and not cells[-1]:
        cells.pop()
    return "\t".join(cells)


def _pipe_tables(lines: list[str]) -> list[str]:
    """Markdown pipe tables (``| a | b |`` with a ``|---|`` separator) become tab-separated rows."""
    out: list[str] = []
    i = 0
    while i < len(lines):
        if not (PIPE_ROW.match(lines[i]) and i + 1 < len(lines) and PIPE_SEP.match(lines[i + 1])
                and "|" in lines[i + 1]):
            out.append(lines[i])
            i += 1
            continue
        out.append(_pipe_cells(lines[i]))
        i += 2
        while i < len(lines) and PIPE_ROW.match(lines[i]):
            if not PIPE_SEP.match(lines[i]):
                out.append(_pipe_cells(lines[i]))
            i += 1
    return out


def _pipe_cells(line: str) -> str:
    body = line.strip()[1:-1].replace("\\|", "\x00")
    cells = [c.strip().replace("\x00", "|").replace("<br>", " ").replace("\t", " ") for c in body.split("|")]
    return "\t".join(cells)


def is_heading_line(line: str) -> bool:
    """A markdown heading, or a short line that starts with a heading marker and is not a sentence."""
    s = line.strip()
    if s.startswith("#"):
        return True
    return bool(MARKER.match(s)) and len(s) <= 40 and not re.search(r"[。；;！？!?，,]", s)


def _joinable(cur: str, nxt: str, first: bool) -> bool:
    if (first and not re.search(r"[，。；,;]", cur)) or "\t" in cur or "\t" in nxt or not cur or not nxt:
        return False
    short = len(cur) < MIN_JOIN_LINE and not re.search(r"[，,；;、。]", cur)
    if cur[-1] in TERMINAL or short or is_heading_line(cur) or TITLE_END.search(cur) or DATELINE.match(cur):
        return False
    if FIELD.match(cur) or FIELD.match(nxt) or MARKER.match(nxt) or PAGE_NO.match(nxt):
        return False
    if not JOIN_START.match(nxt) or (len(nxt) <= 25 and not re.search(r"[，。；：、,.;:！？!?]", nxt)):
        return False
    return not (nxt[0].isdigit() and not re.match(rf"[{CJK}，、]", cur[-1]))


def _join_paragraphs(lines: list[str]) -> list[str]:
    """Join a line that ends mid-sentence with the next non-blank line when that one continues it."""
    out: list[str] = []
    i = 0
    seen_text = False
    while i < len(lines):
        line = lines[i]
        i += 1
        if not line.strip():
            out.append(line)
            continue
        first = not seen_text
        seen_text = True
        while True:
            j = i
            while j < len(lines) and not lines[j].strip():
                j += 1
            if j >= len(lines) or not _joinable(line, lines[j], first):
                break
            line = join_text(line, lines[j])
            i = j + 1
        out.append(line)
    return out


def _collapse(lines: list[str]) -> str:
    """At most one blank line in a row, no blank lines at either end, one final newline."""
    out: list[str] = []
    for line in lines:
        if not line.strip():
            if out and out[-1] != "":
                out.append("")
            continue
        out.append(line)
    while out and out[-1] == "":
        out.pop()
    return "\n".join(out) + "\n" if out else ""
