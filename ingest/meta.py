"""Detect a report's organisation, year, report type and title from its cleaned text and file name."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import PurePath

CJK = "\u4e00-\u9fff"
CN_DIGITS = str.maketrans("〇零○Ｏ一二三四五六七八九", "0000123456789")
CN_YEAR = re.compile(r"[〇零○Ｏ一二三四五六七八九]{4}(?=\s*年)")
YEAR = re.compile(r"(?<![0-9A-Za-z.])((?:19|20)\d{2})(?![0-9A-Za-z%])")
YEAR_TOKEN = re.compile(r"(?:[（(]\s*)?(?:19|20)\d{2}\s*(?:年度|年)(?:\s*[)）])?")
YEAR_FIELDS = [
    re.compile(r"(?:评价|预算|所属|报告|自评|绩效)?年度\s*[：:\t]\s*((?:19|20)\d{2})"),
    re.compile(r"[（(]\s*((?:19|20)\d{2})\s*年度?\s*[)）]"),
]
ORG_FIELD = re.compile(
    r"(?:单位名称|部门名称|预算单位|主管部门|项目单位|实施单位|填报单位|评价单位|单位\(盖章\)|单位（盖章）)"
    r"(?:及代码)?\s*[：:\t]\s*([^\s\t，。；,;:：]{3,40})"
)
PLACE = r"(?:[" + CJK + r"]{1,7}?(?:省|自治区|特别行政区|市|自治州|州|盟|地区|区|县|旗|镇|乡|街道))"
ORG_SUFFIX = (
    r"(?:委员会|办公室|管理局|局|中心|人民政府|政府|厅|法院|检察院|医院|研究院|学院|院|研究所|所|大队|支队|队|站|馆"
    r"|协会|联合会|工会|委(?![托员派屈])|部(?!门|分|署)|处(?![理置罚])|署|办(?![理法])|集团|公司|学校|大学|图书馆|博物馆)"
)
ORG = re.compile(rf"(?:中共|中国共产党)?{PLACE}+[{CJK}]{{0,18}}{ORG_SUFFIX}")
ORG_AT_START = re.compile(rf"^(?:中共|中国共产党)?{PLACE}+[{CJK}]{{0,18}}{ORG_SUFFIX}")
REPORT_TYPES = (
    "部门整体支出绩效自评报告", "部门整体支出绩效评价报告", "部门整体支出绩效自评表", "部门整体支出绩效目标表",
    "部门整体支出绩效完成情况表", "部门整体绩效完成情况表", "部门整体绩效自评报告", "部门整体绩效评价报告",
    "项目支出绩效自评报告", "项目支出绩效评价报告", "项目支出绩效自评表", "项目绩效自评报告", "项目绩效评价报告",
    "财政支出绩效评价报告", "财政专项资金绩效评价报告", "绩效自评报告", "绩效评价报告", "绩效自评表", "绩效目标表",
    "绩效完成情况表", "部门决算报告", "部门预算报告", "部门决算", "部门预算", "单位决算", "单位预算",
    "决算报告", "预算报告", "预算执行情况报告", "自评报告", "评价报告",
)
TYPE_TAIL = re.compile(r"(?:报告|表|说明|书)$")
TYPE_WORDS = re.compile(r"绩效|决算|预算|自评|评价")


@dataclass(frozen=True)
class Meta:
    """What a report is about: who wrote it, for which year, of which kind, under which title."""

    org: str | None
    year: int | None
    report_type: str | None
    title: str


def detect(text: str, filename: str) -> Meta:
    """Detect organisation, year and report type: title lines first, then labelled fields, then the file name.

    Args:
        text: cleaned document text.
        filename: the file name (a path is fine); used as the last resort.

    Returns:
        The detected Meta; fields that cannot be found are None, the title falls back to the file stem.
    """
    stem = PurePath(filename).stem
    title = find_title(text)
    t_org, t_year, t_type = parse_title(title) if title else (None, None, None)
    head = text[:3000]
    f_name = _normalise(re.sub(r"[_\-.]+", " ", stem))
    n_org, n_year, n_type = parse_title(f_name)
    org = t_org or _org_field(head) or _org_in_text(head) or n_org
    year = t_year or _year_field(head) or n_year or _year_in_text(head)
    report_type = t_type or _type_in_text(head[:400]) or n_type
    return Meta(org=org, year=year, report_type=report_type, title=title or stem)


def find_title(text: str) -> str:
    """The report title: the first markdown heading or the first title-like lines at the top, '#' removed."""
    lines = [ln.strip() for ln in text.split("\n")[:40]]
    lines = [ln for ln in lines if ln and "\t" not in ln]
    for ln in lines[:8]:
        if ln.startswith("#"):
            return ln.lstrip("#").strip()
    top = lines[:4]
    for i, ln in enumerate(top):
        if len(ln) > 80:
            continue
        if TYPE_TAIL.search(ln) and (TYPE_WORDS.search(ln) or YEAR.search(_normalise(ln))):
            prev = top[i - 1] if i else ""
            if prev and len(prev) <= 40 and ORG_AT_START.match(_without_year(prev).strip()) and not ORG.search(ln):
                return prev + ln  # title split over two lines: (year and) organisation, then (year and) type
            return ln
    return top[0] if top and len(top[0]) <= 80 else ""


def parse_title(title: str) -> tuple[str | None, int | None, str | None]:
    """Organisation, year and report type from a title like "2022年度广州市海珠区应急管理局部门整体支出绩效自评报告"."""
    t = _normalise(title)
    m = YEAR.search(t)
    year = _plausible(int(m.group(1))) if m else None
    rest = YEAR.sub(" ", YEAR_TOKEN.sub(" ", t))
    compact = re.sub(r"^关于|[《》“”\"\s]", "", rest)
    om = ORG_AT_START.match(compact) or ORG.search(compact)
    org = _trim_org(om.group()) if om else None
    tail = compact[om.end():] if om else compact
    if tail and TYPE_WORDS.search(tail) and TYPE_TAIL.search(tail) and len(tail) <= 30:
        report_type: str | None = _tidy_type(tail)
    else:
        report_type = next((rt for rt in REPORT_TYPES if rt in compact), None)
    return org, year, report_type


def _normalise(s: str) -> str:
    s = CN_YEAR.sub(lambda m: m.group().translate(CN_DIGITS), s)
    return re.sub(rf"(?<=[{CJK}0-9]) +(?=[{CJK}0-9])", "", s)


def _without_year(s: str) -> str:
    """Year tokens ("2023年度", "（2022年）") blanked, so that "2023年度惠州市…局" does not start with "年度"."""
    return YEAR_TOKEN.sub(lambda m: " " * len(m.group()), _normalise(s))


def _tidy_type(s: str) -> str:
    return re.sub(r"的(?=报告|表)", "", s.strip("：: 　"))


def _trim_org(s: str) -> str:
    """Drop words that precede an organisation name inside a sentence ("本局为广州市…局" -> "广州市…局")."""
    for m in re.finditer(r"关于|对|由|为|是|和|与|及|向|在|经|将|的|据|按", s):
        rest = s[m.end():]
        if ORG_AT_START.fullmatch(rest) and m.start() < len(s) // 2:
            return rest
    return s


def _plausible(year: int) -> int | None:
    return year if 1990 <= year <= 2100 else None


def _org_field(head: str) -> str | None:
    m = ORG_FIELD.search(head)
    if m and ORG.search(m.group(1)):
        return m.group(1)
    return None


def _org_in_text(head: str) -> str | None:
    """The first organisation named at the start of a line or after punctuation in the opening text."""
    for m in re.finditer(rf"(?<![{CJK}]){ORG.pattern}", _without_year(head)):
        return _trim_org(m.group())
    return None


def _year_field(head: str) -> int | None:
    t = _normalise(head)
    for pat in YEAR_FIELDS:
        m = pat.search(t)
        if m:
            return _plausible(int(m.group(1)))
    return None


def _year_in_text(head: str) -> int | None:
    m = re.search(r"((?:19|20)\d{2})\s*年度", _normalise(head))
    return _plausible(int(m.group(1))) if m else None


def _type_in_text(head: str) -> str | None:
    compact = re.sub(r"\s+", "", head)
    return next((rt for rt in REPORT_TYPES if rt in compact), None)
