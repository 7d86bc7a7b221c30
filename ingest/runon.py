"""Tables flattened onto lines of text: a header run of column names, then row labels and runs of numbers.

Two layouts of the published reports come out this way after cleaning: PDF rows separated by spaces
(``年初预算数(A)全年执行数(B)分值执行率(B/A)得分…年度资金总额45 45 10 100% 10``, one row a line) and OCR or
docx run-ons with the whole table on one line (``序号单位项目金额1上杭县…项目10南阳镇…项目8…小计502漳平市…``).
Each run of numbers is one row (a run longer than the header wraps into the next row); its label is the text
before it. Numbers go to the header's value columns in order, skipping a column a number cannot fill (a rate
column takes only a percentage, a score column no percentage and nothing above 100). A run as long as the value
columns lines up exactly; any other run is a guess (``TableRow.aligned`` False).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

from ingest.flat import GROUP_UNIT, UNIT_LINE, table_context
from ingest.numbers import Quantity, find_quantities
from ingest.tables import LABEL_COLUMNS, VALUE_COLUMNS, Cell, TableRow

_WORDS = sorted(VALUE_COLUMNS + LABEL_COLUMNS, key=len, reverse=True)
_WORD = re.compile("|".join(_WORDS))
_HEADER_RUN = re.compile(rf"(?:(?:{'|'.join(_WORDS)})(?:\s*[(（][A-Za-z/*]{{1,5}}[)）])?\s*){{2,}}")
_END = re.compile(r"附件\s*\d|\n\s*(?:[一二三四五六七八九十]+、|[(（][一二三四五六七八九十]+[)）])")
_GAP = re.compile(r"[ \t=≥≤<>＜＞]*")  # between the values of one row: blanks and comparison signs
_DASH = re.compile(r"(?<![\w%])[—–\-](?![\w\d])")
_LABEL_CUT = re.compile(r"[。；;，,！？!?\n]")
_MONEY = re.compile(r"预算|执行数|决算|金额")
_TITLE_IN = re.compile(r"[^,，。;；:：\s]{2,40}?表(?:[(（][^()（）]{1,12}[)）])?")
MAX_LABEL = 40


@dataclass(frozen=True)
class _Tok:
    start: int
    end: int
    q: Quantity | None  # None: a dash standing for an empty cell
    signed: bool = False  # written with a comparison sign before it (=100%, ≥95%): a target


_Run = tuple[int, int, list[_Tok]]  # (label start, label end, the values)


def spaced_rows(text: str, taken: list[tuple[int, int]]) -> list[TableRow]:
    """Rows of every header run's table outside ``taken`` spans (rows other readers found)."""
    runs = [m for m in _HEADER_RUN.finditer(text) if _is_header_run(m.group()) and not _inside(m.start(), taken)]
    out: list[TableRow] = []
    for k, m in enumerate(runs):
        stop = runs[k + 1].start() if k + 1 < len(runs) else len(text)
        end = _region_end(text, m.end(), stop, taken)
        out += _table(text, m, end)
    return out


def _inside(pos: int, taken: list[tuple[int, int]]) -> bool:
    return any(s <= pos < e for s, e in taken)


def _is_header_run(run: str) -> bool:
    words = _WORD.findall(run)
    values = [w for w in words if w in VALUE_COLUMNS]
    return len(values) >= 1 and (len(words) >= 3 or len(values) >= 2)


def _region_end(text: str, start: int, stop: int, taken: list[tuple[int, int]]) -> int:
    """Where the table after a header run ends: the next header run, an 附件 or heading, another layout's rows,
    a blank line once rows were read, or three lines with numbers but no row."""
    m = _END.search(text, start, stop)
    if m:
        stop = m.start()
    for s, _e in taken:
        if start <= s < stop:
            stop = s
            break
    line_end = text.find("\n", start, stop)
    if line_end < 0:
        return stop
    end, misses, pos = line_end, 0, line_end + 1
    while pos < stop:
        nxt = text.find("\n", pos, stop)
        nxt = stop if nxt < 0 else nxt
        line = text[pos:nxt]
        if not line.strip():
            pos = nxt + 1
            continue
        if _runs(text, pos, nxt):
            end, misses = nxt, 0
        elif re.search(r"\d", line):
            misses += 1
            if misses >= 3:
                break
        pos = nxt + 1
    return end


def _tokens(text: str, a: int, b: int) -> list[_Tok]:
    """Numbers (Arabic, readable) and lone dashes in text[a:b]."""
    out: list[_Tok] = []
    for q in find_quantities(text[a:b]):
        s, e = a + q.start, a + q.end
        if q.note or not re.match(r"[-+]?\d", q.text) or (q.text.startswith("-") and text[e:e + 1] == "-"):
            continue  # words, ranges, debris and page markers ("-1-")
        out.append(_Tok(s, e, q, text[max(a, s - 1):s] in "=≥≤<>＜＞" and s > a))
    for m in _DASH.finditer(text, a, b):
        if not any(t.start <= m.start() < t.end for t in out):
            out.append(_Tok(m.start(), m.end(), None))
    return sorted(out, key=lambda t: t.start)


def _runs(text: str, a: int, b: int, serials: bool = False) -> list[_Run]:
    """Runs of values in text[a:b] with their labels.

    A run is two values or more on one line, or one value after a label (no open bracket, no "含" before it).
    With a serial column a lone number right after the previous run is kept too: it may be the next 序号.
    """
    out: list[_Run] = []
    toks = _tokens(text, a, b)
    i, prev_end = 0, a
    while i < len(toks):
        j = i + 1
        while j < len(toks) and _GAP.fullmatch(text[toks[j - 1].end:toks[j].start]):
            j += 1
        run = toks[i:j]
        ls, le = _label(text, prev_end, run[0].start)
        lab = text[ls:le]
        single_ok = (le > ls and lab.count("(") + lab.count("（") <= lab.count(")") + lab.count("）")
                     and not re.search(r"[含约近超达于为的、:：]$", lab)) or (serials and le == ls)
        if any(t.q is not None for t in run) and (len(run) >= 2 or single_ok):
            out.append((ls, le, run))
        prev_end, i = run[-1].end, j
    return out


def _label(text: str, a: int, b: int) -> tuple[int, int]:
    """The row label before a run: the text since the last sentence mark or line end, at most MAX_LABEL long."""
    seg = text[a:b]
    cuts = list(_LABEL_CUT.finditer(seg))
    s = max(a + (cuts[-1].end() if cuts else 0), b - MAX_LABEL)
    while s < b and text[s] in " \t=≥≤<>＜＞":
        s += 1
    e = b
    while e > s and text[e - 1] in " \t=≥≤<>＜＞":
        e -= 1
    return s, e


def _kind(name: str) -> str:
    if "率" in name:
        return "rate"
    if re.search(r"分值|权重|得分", name):
        return "score"
    return "money" if _MONEY.search(name) else "any"


def _fits(kind: str, q: Quantity | None) -> bool:
    if q is None:
        return True
    pct = q.unit == "%"
    if kind == "rate":
        return pct
    if kind == "score":
        return not pct and abs(q.value) <= 100
    return not pct if kind == "money" else True


def _place(cols: list[str], toks: list[_Tok]) -> list[list[tuple[int, str]]]:
    """Rows of (token index, column name) for one run of values.

    Under a target column first (年度指标值), a value with a comparison sign (=100%, ≥95%) starts a row. A part
    longer than the columns fills them left to right, skipping columns a value cannot fill, and wraps; a shorter
    part (or what is left after wrapping) lost its first cells, unless it starts with an amount under an amount
    column, and lines up at the right.
    """
    kinds = [_kind(c) for c in cols]
    parts: list[list[int]] = [[]]
    for t, tok in enumerate(toks):
        if parts[-1] and tok.signed and re.search(r"指标值|目标值", cols[0]):
            parts.append([])
        parts[-1].append(t)
    rows: list[list[tuple[int, str]]] = []
    for part in parts:
        left: list[list[tuple[int, str]]] = [[]]
        c = 0
        for t in part:
            while c < len(cols) and not _fits(kinds[c], toks[t].q):
                c += 1
            if c >= len(cols):
                left.append([])
                c = 0
                while c < len(cols) - 1 and not _fits(kinds[c], toks[t].q):
                    c += 1
            left[-1].append((t, cols[c]))
            c += 1
        last = [t for t, _ in left[-1]]
        if len(last) < len(cols) and not (kinds[0] == "money" and toks[last[0]].q is not None):
            left[-1] = _right(cols, kinds, toks, last)
        rows += left
    return rows


def _right(cols: list[str], kinds: list[str], toks: list[_Tok], idx: list[int]) -> list[tuple[int, str]]:
    placed: list[tuple[int, str]] = []
    c = len(cols) - 1
    for t in reversed(idx):
        while c > 0 and not _fits(kinds[c], toks[t].q):
            c -= 1
        placed.append((t, cols[c] if c >= 0 else ""))
        c -= 1
    return placed[::-1]


def _title_unit(text: str, m: re.Match[str], end: int) -> tuple[str, str]:
    """The table's title and money unit: from the same line before the header run, else the lines above."""
    title, unit = table_context(text, m.start())
    line_start = text.rfind("\n", 0, m.start()) + 1
    before = text[max(line_start, m.start() - 160):m.start()]
    u = UNIT_LINE.search(before) or GROUP_UNIT.search(text, m.end(), end)
    before = re.split(r"单位\s*[:：]", before)[0]
    cut = list(re.finditer(r"附件\s*\d(?=\d{4}年)|附件\s*\d{1,2}|\d{1,2}日", before))
    before = before[cut[-1].end():] if cut else before
    found = [re.sub(rf"^(?:{_WORD.pattern})+", "", f.group()) for f in _TITLE_IN.finditer(before)]
    return (found[-1] if found else title), (u.group(1) if u else unit)


def _table(text: str, m: re.Match[str], end: int) -> list[TableRow]:
    words = _WORD.findall(m.group())
    cols = [w for w in words if w in VALUE_COLUMNS]
    seq = "序号" in words
    title, unit = _title_unit(text, m, end)
    out: list[TableRow] = []
    serial = 1
    for ls, le, run in _runs(text, m.end(), end, serials=seq):
        toks = list(run)
        if seq:
            toks, serial = _serials(text, ls, le, toks, serial)
        if not toks:
            continue
        exact = len(toks) == len(cols)
        for k, placed in enumerate(_place(cols, toks)):
            cells = [Cell(text[ls:le], ls, le)] if k == 0 and le > ls else []
            names = ["项目"] if cells else []
            for ti, col in placed:
                tok = toks[ti]
                cells.append(Cell(text[tok.start:tok.end], tok.start, tok.end))
                names.append(col)
            if cells:
                out.append(TableRow(cells[0].start, cells[-1].end, cells, names, False, "spaced", title, unit, exact))
    return out


def _serials(text: str, ls: int, le: int, toks: list[_Tok], serial: int) -> tuple[list[_Tok], int]:
    """Drop the 序号 numbers of a run-on with a serial column: a lone next serial right after the previous run is
    one; so is the tail of "小计502漳平市", the subtotal 50 glued to serial 2."""
    first = toks[0]
    if le == ls and first.q is not None and first.q.value == serial:
        return toks[1:], serial + 1
    last = toks[-1]
    digits, tag = text[last.start:last.end], str(serial)
    if (last.q is not None and re.fullmatch(r"\d+", digits) and digits.endswith(tag) and len(digits) > len(tag)
            and re.match(r"[\u4e00-\u9fff]", text[last.end:last.end + 1]) and re.search(r"(?:小计|合计|总计)$", text[ls:le])):
        cut = last.end - len(tag)
        value = Decimal(digits[:-len(tag)])
        q = Quantity(value, "", value, "", "other", "", 0, cut - last.start, digits[:-len(tag)])
        return toks[:-1] + [_Tok(last.start, cut, q)], serial + 1
    return toks, serial
