"""Detect a report's organisation, fiscal year, report type and title, each with a confidence between 0 and 1.

Every field is gathered as candidates from the places this genre puts it, each weighted by how reliable that
place is, and the best one wins; agreeing candidates raise its confidence, disagreeing strong ones lower it.

- organisation (candidates from ``ingest.names``): the title ("2022年度X局…报告", "X财政局关于…的通报"), labelled
  fields (单位名称, 实施单位, 填报单位, 项目单位, 部门, 主管部门 …), the signature (落款: an organisation above or before
  a date), the speaker of a speech ("X财政局局长 NAME"), the publisher (发布机构 / 来源), then the opening text. A
  name without its place ("区财政局", "省商务厅") is completed from the report's region. Meetings ("…第三次会议"),
  addressees ("各有关单位:") and cited documents (《…》) are never taken for the organisation. A report about a
  region (a district's budget) with no office named gets the region itself, at lower confidence.
- fiscal year: 年度 in the title or a table header ("(2023年度)", "评价年度:2022"), the year of the report named
  in the title or first sentence ("关于X2021年决算…的报告": the year of 决算 / 预算执行, not of the next budget),
  an evaluation period, then the first year of the opening text. Dates (publication, signing, "2023年3月20日")
  never count: a 2021 report published in 2022 stays 2021. No year read means None, not a guess.
- report type: the kind named in the title (项目支出绩效自评报告, 决算报告, 预算执行情况报告 …).

Traditional characters are read as simplified ones (mirrors convert pages), and names come out simplified.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import PurePath
from typing import Any

from ingest.names import (
    ORG,
    ORG_AT_START,
    REGION,
    YEAR,
    YEAR_TOKEN,
    C,
    normalise,
    org_candidates,
    same_org,
    title_head,
    title_org,
    title_region,
)

TITLE_END = re.compile(r"(?:报告|表|说明|通报|通知|决定|意见|报表|草案|自评价|书)(?:[(][^()]{1,40}[)])*"
                       r"(?:\.(?:pdf|docx?|wps|xlsx?))?$", re.IGNORECASE)
TYPE_WORDS = re.compile(r"绩效|决算|预算|自评|评价|执行情况")
REPORT_TYPES = (
    "部门整体支出绩效自评报告", "部门整体支出绩效评价报告", "部门整体支出绩效自评表", "部门整体支出绩效目标表",
    "部门整体支出绩效完成情况表", "部门整体绩效完成情况表", "部门整体绩效自评报告", "部门整体绩效评价报告",
    "项目支出绩效自评报告", "项目支出绩效评价报告", "项目支出绩效自评表", "项目绩效自评报告", "项目绩效评价报告",
    "财政支出绩效评价报告", "财政专项资金绩效评价报告", "绩效评价结果通报", "绩效自评报告", "绩效评价报告", "绩效自评表",
    "绩效目标表", "绩效完成情况表",
)
BUDGET_TYPES = ((r"预算执行", "预算执行情况报告"), (r"审查结果", "预算审查结果报告"), (r"部门决算", "部门决算"),
                (r"决算.*说明", "决算说明"), (r"决算", "决算报告"), (r"部门预算", "部门预算"), (r"预算(?:草案)?报告", "预算报告"),
                (r"项目.{0,6}自评", "项目支出绩效自评报告"), (r"自评", "绩效自评报告"), (r"绩效评价", "绩效评价报告"),
                (r"绩效目标", "绩效目标表"))
HEAD = 3000


@dataclass(frozen=True)
class Meta:
    """What a report is about: who wrote it, for which fiscal year, of which kind, under which title.

    The confidences (0–1) say how sure each field is: about 0.9 for a title or a labelled field, about 0.5 for a
    name or year only read from the opening text, 0.3 from the file name, 0 when the field is None.
    """

    org: str | None
    year: int | None
    report_type: str | None
    title: str
    org_confidence: float = field(default=0.0, compare=False)
    year_confidence: float = field(default=0.0, compare=False)
    type_confidence: float = field(default=0.0, compare=False)


Cands = list[tuple[Any, float]]  # (value or None, weight of the place it was read from)


def detect(text: str, filename: str, *, page: dict[str, str] | None = None) -> Meta:
    """Detect organisation, fiscal year and report type of a cleaned report, with a confidence for each.

    Args:
        text: cleaned document text.
        filename: the file name (a path is fine); a weak last resort.
        page: what the web page header said (``ingest.boilerplate.page_fields``: publisher, title).

    Returns:
        The detected Meta; fields that cannot be read are None with confidence 0; the title falls back to
        the file stem.
    """
    page = page or {}
    stem = PurePath(filename).stem
    raw_title = find_title(text) or page.get("title", "")
    title = normalise(raw_title)
    head = normalise(text[:HEAD])
    inner = _inner_title(head)
    region = title_region(title) or title_region(inner) or title_region(normalise(page.get("title", "")))
    file_org, file_year, file_type = parse_title(normalise(re.sub(r"[_\-.]+", " ", stem)))
    org, org_conf = _decide(org_candidates(title, head, region, page) + [(file_org, 0.3)], same_org)
    years: Cands = [(_year_of(title, head), 0.92), (_field_year(head), 0.9), (_year_of(inner, head), 0.85)]
    years += [(_period_year(head), 0.75), (_niandu_year(head), 0.6), (_first_year(head), 0.45), (file_year, 0.3)]
    year, year_conf = _decide(years, lambda a, b: a == b)
    rtype, type_conf = _decide([(_type_of(title), 0.85), (_type_of(inner), 0.7), (_type_in(head[:400]), 0.5),
                                (file_type, 0.3)], lambda a, b: a == b)
    return Meta(org=org, year=year, report_type=rtype, title=raw_title or stem,
                org_confidence=org_conf, year_confidence=year_conf, type_confidence=type_conf)


def find_title(text: str) -> str:
    """The report title: the first markdown heading, or the first title-like line(s) at the top, '#' removed."""
    lines = [ln.strip() for ln in text.split("\n")[:40]]
    lines = [ln for ln in lines if ln and "\t" not in ln and not _not_title(ln)]
    for ln in lines[:8]:
        if ln.startswith("#"):
            return ln.lstrip("#").strip()
    top = lines[:6]
    for i, ln in enumerate(top):
        flat = normalise(ln)
        if len(ln) > 90:
            continue
        if TITLE_END.search(flat) and (TYPE_WORDS.search(flat) or YEAR.search(flat)):
            prev = normalise(top[i - 1]) if i else ""
            if prev and len(prev) <= 40 and ORG_AT_START.match(_without_year(prev).strip()) and not ORG.search(flat):
                return top[i - 1] + ln  # title split over two lines: (year and) organisation, then (year and) type
            return ln
        if flat.startswith("关于") and len(flat) <= 40:  # a title wrapped over up to three lines
            for j in range(i + 1, min(i + 3, len(top))):
                if TITLE_END.search(normalise(top[j])):
                    return "".join(top[i:j + 1])
    return top[0] if top and len(top[0]) <= 80 and not re.search(r"[。；;，,]", top[0]) else ""


def parse_title(title: str) -> tuple[str | None, int | None, str | None]:
    """Organisation, year and report type from a title like "2022年度广州市海珠区应急管理局部门整体支出绩效自评报告"."""
    t = normalise(title)
    org = title_org(t)
    return (org if org and not REGION.fullmatch(org) else None), _year_of(t, ""), _type_of(t)


def _decide(cands: Cands, same: Callable[[Any, Any], bool]) -> tuple[Any, float]:
    """The best-weighted candidate and its confidence: its weight, plus a tenth of each agreeing candidate's,
    minus 0.1 for each strong (≥ 0.6) one that disagrees; of agreeing names the most complete one is given."""
    real = [(v, w) for v, w in cands if v not in (None, "")]
    if not real:
        return None, 0.0
    best, weight = max(real, key=lambda c: c[1])
    agree = [(v, w) for v, w in real if same(v, best)]
    conf = weight + sum(0.1 * w for _, w in agree) - 0.1 * weight
    conf -= sum(0.1 for v, w in real if w >= 0.6 and not same(v, best))
    if isinstance(best, str):
        best = max((v for v, w in agree if w >= 0.5 or v == best), key=lambda v: (len(str(v)), v == best))
    return best, round(max(0.05, min(0.98, conf)), 2)


# ---- year and type ------------------------------------------------------------------------------------------

def _year_of(title: str, head: str) -> int | None:
    """The fiscal year of a title: its first year; for an evaluation notice, the year of the spending it covers."""
    m = re.search(r"(?<![0-9A-Za-z.])((?:19|20)\d{2})(?![0-9A-Za-z%]|\s*年\s*\d{1,2}\s*月|[-/.]\d)", title)
    if not m:
        return None
    year = _plausible(int(m.group(1)))
    if year and re.search(r"评价|考核", title) and re.search(r"通报|通知|结果", title):
        if re.search(rf"{year - 1}\s*年度", head):
            return year - 1  # "2024年财政支出绩效评价结果的通报" covers "2023年度" spending
    return year


def _field_year(head: str) -> int | None:
    m = re.search(r"(?:评价|预算|所属|报告|自评|绩效)?年度\s*[:：\t|]\s*((?:19|20)\d{2})|\(\s*((?:19|20)\d{2})\s*年度?\s*\)"
                  r"|(?:^|\n)((?:19|20)\d{2})年度|(?:^|\n)((?:19|20)\d{2})年[^\n。,，:]{2,40}(?:表|报告)(?=\n|$)", head)
    return _plausible(int(next(g for g in m.groups() if g))) if m else None


def _period_year(head: str) -> int | None:
    m = re.search(r"((?:19|20)\d{2})年1月1?日?至\s*\1年12月31日|(?:截至|截止)\s*((?:19|20)\d{2})年12月31日", head)
    return _plausible(int(m.group(1) or m.group(2))) if m else None


def _niandu_year(head: str) -> int | None:
    m = re.search(r"((?:19|20)\d{2})\s*年度", _outside_citations(head))
    return _plausible(int(m.group(1))) if m else None


def _first_year(head: str) -> int | None:
    """The first year the opening text names that is no date, no comparison base and no document number."""
    for m in re.finditer(r"(?<![较比与同上至自\d〔\[])((?:19|20)\d{2})\s*年(?!\s*\d{1,2}\s*月)", _outside_citations(head)):
        return _plausible(int(m.group(1)))
    return None


def _inner_title(head: str) -> str:
    """A report named in the first sentences: "作关于2021年区本级决算…的报告", "审查了…《关于广州市2023年…的报告》"."""
    m = re.search(r"关于[^。,;:《》]{2,60}?的(?:报告|通报)", head[:400])
    return m.group() if m else ""


def _type_of(title: str) -> str | None:
    """The kind of report a title names: a known performance-report kind, a budget kind, or the title's tail."""
    compact = re.sub(r"[《》“”\"\s]|的(?=报告|通报|表)", "", YEAR.sub("", _without_year(title)))
    found = next((rt for rt in REPORT_TYPES if rt in compact), None)
    if found or not TYPE_WORDS.search(compact):
        return found
    hits = [(m.start(), i, name) for i, (pat, name) in enumerate(BUDGET_TYPES) if (m := re.search(pat, compact))]
    budget = min(hits)[2] if hits else None  # the kind named first: "2021年决算和2022年上半年预算执行情况" is a 决算
    org = ORG_AT_START.match(title_head(title))
    tail = re.sub(r"\.(?:pdf|docx?|wps)$|\([^)]*\)$", "", compact[compact.find(org.group()) + len(org.group()):]
                  if org and org.group() in compact else "")
    if TYPE_WORDS.search(tail) and re.fullmatch(rf"(?!关于)[{C}]{{2,10}}(?:报告|表|说明)", tail):
        return tail  # "…应急管理局自评报告" -> "自评报告"
    return budget


def _type_in(head: str) -> str | None:
    compact = re.sub(r"\s+", "", head)
    return next((rt for rt in REPORT_TYPES if rt in compact), None)


def _outside_citations(s: str) -> str:
    return re.sub(r"《[^》]*》|〔[^〕]*〕|\[[^\]]*\]|(?:19|20)\d{2}[-/.]\d{1,2}[-/.]\d{1,2}", " ", s)


def _not_title(line: str) -> bool:
    """Lines at the top that are no title: salutations, speech datelines, fields, bare attachment marks."""
    s = normalise(line)
    return bool(re.match(r"^(?:——|-{2})|^\(?\d{4}年\d{1,2}月\d{1,2}日(?:$|在.*会议上)|^附件\d*(?:$|:)|^发布机构|^[)）、]|^\d+\.", s)
                or (s.endswith(":") and len(s) <= 60) or re.match(r"^\|?\s*(?:名称|索引号)", s))


def _without_year(s: str) -> str:
    """Year tokens ("2023年度", "（2022年）") blanked, so that "2023年度惠州市…局" does not start with "年度"."""
    return YEAR_TOKEN.sub(lambda m: " " * len(m.group()), normalise(s))


def _plausible(year: int) -> int | None:
    return year if 1990 <= year <= 2100 else None
