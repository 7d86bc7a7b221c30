"""Web pages as government sites publish reports: the article text and its tables, without the site around it.

Parsed with lxml. Dropped: scripts and styles, navigation, headers and footers (by tag, or by a class/id
such as ``nav``, ``breadcrumb``, ``share``, ``footer``), lines of links (menus), and the page's
publication lines (发布时间, 索引号, 来源, 字号, 分享到, 打印本页 …). Tables become rows of cells; a table
holding other tables is page layout and is read as text.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from core.errors import BadInput
from core.protocols import Page
from ingest.loaders.table import Grid, render

DROP_TAGS = frozenset("script style noscript nav header footer aside form button select input textarea iframe "
                      "object svg head template map".split())
BLOCK_TAGS = frozenset("p div br h1 h2 h3 h4 h5 h6 li ul ol dl dt dd tr table section article blockquote pre "
                       "center hr caption".split())
BOILERPLATE = re.compile(
    r"(?:^|[-_\s])(?:nav|navbar|menu|breadcrumbs?|crumbs?|share|bdshare|jiathis|footer|foot|header|topbar|"
    r"sidebar|toolbar|print|copyright|related|pagination|pager|login|search|banner|position|location|"
    r"fontsize|zoomfont)(?:$|[-_\s\d])", re.IGNORECASE)
META_LINE = re.compile(
    r"^[【\[]?(?:发布时间|发布日期|更新时间|索引号|发文机关|发布机构|成文日期|主题分类|信息来源|来源|浏览次数|"
    r"访问次数|阅读次数|点击数|点击量|字号|字体|分享到|分享|打印本页|打印|关闭窗口|关闭|扫一扫|【?收藏)")
MAX_META_LINE = 120
MAX_LINK_SHARE = 0.6  # a line that is mostly link text is a menu
CHARSET = re.compile(rb"""charset\s*=\s*["']?([A-Za-z0-9_-]+)""", re.IGNORECASE)


class HtmlLoader:
    suffixes: tuple[str, ...] = (".html", ".htm")

    def load(self, path: Path) -> list[Page]:
        import lxml.html

        text = _decode(path.read_bytes())
        text = re.sub(r"^\s*<\?xml[^>]*\?>", "", text)
        try:
            root = lxml.html.document_fromstring(text)
        except Exception as e:  # lxml raises ParserError on an empty or broken document
            raise BadInput(f"{path}: cannot parse the web page ({type(e).__name__}: {str(e)[:120]})") from e
        lines = _lines(root, menus=True)
        kept = [ln for ln in lines if not (META_LINE.match(ln.strip()) and len(ln) <= MAX_META_LINE)]
        out = "\n".join(kept).strip("\n")
        if not out.strip():
            raise BadInput(f"{path}: the web page has no text besides navigation; save the report page itself")
        return [Page(1, out)]


def _decode(raw: bytes) -> str:
    m = CHARSET.search(raw[:4096])
    names = [m.group(1).decode("ascii").lower()] if m else []
    names = ["gb18030" if n in ("gb2312", "gbk", "gb_2312-80") else n for n in names]
    for name in [*names, "utf-8-sig", "gb18030"]:
        try:
            return raw.decode(name)
        except (UnicodeDecodeError, LookupError):
            continue
    return raw.decode("utf-8", errors="replace")


def _tag(el: Any) -> str:
    return el.tag.lower() if isinstance(el.tag, str) else ""


def _dropped(el: Any) -> bool:
    tag = _tag(el)
    if not tag or tag in DROP_TAGS:
        return True
    marks = f"{el.get('class') or ''} {el.get('id') or ''}".strip()
    return bool(marks and BOILERPLATE.search(marks)) and tag != "table"


class _Walker:
    """Collects the lines of an element tree: text of block elements, tables as rows."""

    def __init__(self, lines: list[str], menus: bool) -> None:
        self.lines = lines
        self.menus = menus  # drop lines that are mostly links
        self.parts: list[tuple[str, bool]] = []  # pieces of the current line, and whether each is link text

    def flush(self) -> None:
        text = re.sub(r"[ \t\u00a0\u3000]+", " ", "".join(t for t, _ in self.parts)).strip()
        link = sum(len(t.strip()) for t, in_link in self.parts if in_link)
        self.parts = []
        if text and (not self.menus or link / max(1, len(text.replace(" ", ""))) <= MAX_LINK_SHARE):
            self.lines.append(text)

    def block(self, el: Any, in_link: bool = False) -> None:
        if el.text:
            self.parts.append((el.text, in_link))
        for child in el:
            tag = _tag(child)
            if not _dropped(child):
                if tag == "table" and not child.xpath(".//table"):
                    self.flush()
                    self.table(child)
                elif tag in BLOCK_TAGS:
                    self.flush()
                    self.block(child, in_link)
                    self.flush()
                else:
                    self.block(child, in_link or tag == "a")
            if child.tail:
                self.parts.append((child.tail, in_link))

    def table(self, el: Any) -> None:
        cells: list[tuple[int, int, int, int, str]] = []
        taken: set[tuple[int, int]] = set()
        for r, tr in enumerate(el.xpath("./tr|./thead/tr|./tbody/tr|./tfoot/tr")):
            c = 0
            for td in tr.xpath("./td|./th"):
                while (r, c) in taken:
                    c += 1
                rs, cs = _span(td.get("rowspan")), _span(td.get("colspan"))
                taken.update((r + i, c + j) for i in range(rs) for j in range(cs))
                cells.append((r, c, rs, cs, _cell_text(td)))
                c += cs
        caption = el.xpath("./caption")
        if caption:
            self.lines.append(caption[0].text_content().strip())
        if cells:
            self.lines.extend(["", *render(Grid.from_spans(cells)).lines(), ""])


def _span(value: str | None) -> int:
    try:
        return max(1, min(int(value or 1), 200))
    except ValueError:
        return 1


def _lines(el: Any, *, menus: bool) -> list[str]:
    lines: list[str] = []
    walker = _Walker(lines, menus)
    walker.block(el)
    walker.flush()
    return lines


def _cell_text(td: Any) -> str:
    return "\n".join(_lines(td, menus=False))
