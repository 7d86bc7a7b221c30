"""Organisation and place names in report text: the grammar of a name and the places reports state who wrote them.

A name is a chain of places (省 / 市 / 区 / 县 / 新区 …, each two to eight characters that are no function word)
followed by an office and its suffix (局, 厅, 委员会, 中心, 管委会, 有限公司 …): "广州市越秀区财政局",
"中共深圳市委组织部". ``org_candidates`` gathers the names a report gives for its author, each with the weight of the
place it was read from; ``ingest.meta`` decides between them. Text is read simplified (mirrors convert pages to
traditional characters), without pinyin glosses and with Chinese-numeral years as digits.
"""

from __future__ import annotations

import re

from ingest.boilerplate import T2S

C = "\u4e00-\u9fff"
CN_DIGITS = str.maketrans("〇零○Ｏ一二三四五六七八九", "0000123456789")
CN_YEAR = re.compile(r"[〇零○Ｏ一二三四五六七八九]{4}(?=\s*年)")
YEAR = re.compile(r"(?<![0-9A-Za-z.])((?:19|20)\d{2})(?![0-9A-Za-z%])")
YEAR_TOKEN = re.compile(r"(?:[（(]\s*)?(?:19|20)\d{2}\s*(?:年度|年)(?:\s*[)）])?")
PINYIN = re.compile(r"(?<=[\u4e00-\u9fff])\([a-zA-Zāáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜü]{1,7}\)")
LEVEL = r"(?:省|自治区|特别行政区|市|自治州|州|盟|地区|新区|合作区|区|自治县|县|旗|(?<!城)镇|(?<!城)乡(?!村)|街道)(?![级直属场域])"
PLACE_CHAR = rf"(?:(?![为的与是在对向受被将把其此该我们这等或并年度及局厅署])[{C}])"  # never inside a place name
PLACE = rf"(?>(?!关于){PLACE_CHAR}{{2,8}}?{LEVEL})"  # atomic: the shortest unit, so chains cannot backtrack
PLACES = rf"(?:{PLACE}){{1,4}}"  # "广东省广州市越秀区"
ORG_SUFFIX = (
    r"(?:管理委员会|管委会|委员会|办公室|人民政府|政府|有限公司|公司|集团|中心|法院|检察院|医院|研究院|学院|研究所"
    r"|图书馆|博物馆|文化馆|大学|学校|协会|联合会|工会|局(?!长)|厅(?!长)|院(?!长)|所(?!长)|大队|支队|站(?!长)|馆(?!长)"
    r"|委(?![托员派屈])|部(?![门分署长])|处(?![理置罚长])|署|办(?![理法公])|队(?!长))"
)
ORG_BODY = rf"(?:中共|中国共产党)?{PLACES}[{C}]{{0,18}}{ORG_SUFFIX}"
ORG = re.compile(ORG_BODY)
LAZY_ORG = re.compile(rf"(?:中共|中国共产党)?{PLACES}[{C}]{{0,18}}?{ORG_SUFFIX}")
ORG_AT_START = re.compile(rf"^{ORG_BODY}")
BARE_ORG = re.compile(rf"^(省|市|区|县|自治区)[{C}]{{1,14}}{ORG_SUFFIX}")  # "区财政局": an office without its place
REGION = re.compile(rf"^{PLACES}")
LEFT = rf"(?:(?<![{C}])|(?<=关于)|(?<=[由经对向在为是和与及据按将年度：:]))"  # where a name may start
NOT_ORG = re.compile(r"届|会议|次会|[本我该各全其此每]|人大常委会$|^自治区|^[省市区县]")
UNIT_FIELD = (r"单位名称|部门名称|部门\(单位\)名称|部门|预算单位|预算部门(?:单位)?|项目(?:实施)?单位|实施单位"
              r"|填报单位|评价单位|项目业主|申报单位|单位")
FIELD = re.compile(rf"(发布机构|主管部门(?:\(单位\))?(?:名称)?|{UNIT_FIELD})(?:\((?:盖章|公章)\))?(?:及代码)?"
                   r"(\s*[:|\t]\s*|\s+|为|(?=[\u4e00-\u9fff]))")
TITLE_PREFIX = re.compile(r"^(?:\([^)]{2,8}\))?(?:第[一二三四五六七八九十]+部分:?|附件\d*:?)?(?:关于)?")
SPEAKER = re.compile(r"(?:副?(?:局长|厅长|主任|处长|部长|院长|书记|主席)|负责人)\s*[\u4e00-\u9fff ]{0,4}$")


def normalise(s: str) -> str:
    """Simplified characters, pinyin glosses ("項(xiàng)目") and the spaces of PDF wrapping removed, Chinese years
    as digits, full-width brackets and colons as ASCII."""
    s = PINYIN.sub("", s.translate(T2S)).replace("（", "(").replace("）", ")").replace("：", ":")
    s = CN_YEAR.sub(lambda m: m.group().translate(CN_DIGITS), s)
    return re.sub(rf"(?<=[{C}0-9(]) +(?=[{C}0-9)])", "", s)


def org_candidates(title: str, head: str, region: str | None, page: dict[str, str]) -> list[tuple[str, float]]:
    """Names the report gives for its author, each with the weight of the place it was read from (0–1).

    Args:
        title: the normalised title; head: the normalised opening text; region: the region the title (or the
        report named in the first sentence) is about; page: ``ingest.boilerplate.page_fields`` of the page.
    """
    out: list[tuple[str, float]] = []
    t_org = title_org(title)
    if t_org:
        out.append((t_org, 0.5 if REGION.fullmatch(t_org) else 0.9))
    elif region:
        out.append((region, 0.5))
    for label, value in _fields(head):
        out.append((value, 0.7 if label.startswith("主管") else 0.6 if label == "发布机构" else 0.85))
    out += [(o, 0.8) for o in _signatures(head)] + [(o, 0.8) for o in _speakers(head)]
    publisher = normalise(page.get("publisher", ""))
    if publisher and (ORG.fullmatch(publisher) or BARE_ORG.match(publisher)):
        out.append((publisher, 0.6))
    regions = _main_region(head)
    out += [(o, 0.5) for o in _self_named(head)] + [(o, 0.35) for o in regions[:1]]
    known = region or next(iter(regions), None)
    return [(_complete(str(o), known, head), s) for o, s in out if o]


def title_org(t: str) -> str | None:
    """The organisation or region a title starts with ("(江西省)抚州市金溪县2022年…" -> "江西省抚州市金溪县")."""
    compact = title_head(t)
    m = ORG_AT_START.match(compact) or REGION.match(compact)
    if not m or NOT_ORG.search(m.group()):
        return None
    name = m.group()
    issuer = re.match(rf"({ORG_BODY})关于", compact)  # "文成县财政局关于2024年…的通报"
    return issuer.group(1) if issuer else name


def title_region(t: str) -> str | None:
    """The places a title starts with ("关于杭州市钱塘区2021年决算…" -> "杭州市钱塘区"), or None."""
    if not t:
        return None
    m = REGION.match(title_head(t))
    return m.group() if m and not NOT_ORG.search(m.group()) else None


def title_head(t: str) -> str:
    """The part of a title before its first year, or after it when the title starts with the year."""
    parts = [p for p in re.split(YEAR_TOKEN, TITLE_PREFIX.sub("", re.sub(r"[《》“”\"\s]", "", normalise(t)))) if p]
    return TITLE_PREFIX.sub("", parts[0]) if parts else ""


def _fields(head: str) -> list[tuple[str, str]]:
    """(label, organisation) of labelled fields: "实施单位:X", "部门 | X |", "项目单位X主管部门" (glued)."""
    out = []
    for m in FIELD.finditer(head):
        value = re.match(rf"[{C}()]{{3,40}}", head[m.end():])
        marked = bool(re.search(r"[:|\t]", m.group(2)))
        glued = m.start() > 0 and re.match(rf"[{C}]", head[m.start() - 1])
        if not value or ((glued or m.group(1) == "单位") and not marked and not m.group(1).startswith(("主管", "项目实施"))):
            continue  # a label inside prose ("督促项目单位加快…") or a bare "单位" is no field
        v = value.group()
        end = rf"(?=$|[^{C}]|主管|项目|评价|联系|负责|部门预算|地址|单位|资金)"
        found = (re.match(rf"(?:中共)?[{C}()]{{2,38}}?{ORG_SUFFIX}{end}", v) if marked
                 else re.match(rf"{LAZY_ORG.pattern}{end}", v))
        if found and not NOT_ORG.search(found.group()):
            out.append((m.group(1), found.group()))
    return out


def _signatures(head: str) -> list[str]:
    """Organisations signing above or right before a date: "安溪县水利局\\n2023年3月20日", "…表X局2023年3月13日"."""
    out = []
    for m in re.finditer(rf"(?:^|\n|表|件|\))((?:{ORG_BODY}){{1,3}})\s*\n?\s*(?:19|20)\d{{2}}年\d{{1,2}}月\d{{1,2}}日", head):
        out += [n for n in _split_orgs(m.group(1)) if not NOT_ORG.search(n)]
    return out


def _split_orgs(s: str) -> list[str]:
    """Names written one after another: "莆田市秀屿区财政局莆田市秀屿区水利局" -> both; "…委员会办公室" stays one."""
    out: list[str] = []
    pos = 0
    while pos < len(s):
        m = LAZY_ORG.match(s, pos)
        tail = re.match(rf"[{C}]{{0,18}}?{ORG_SUFFIX}", s[pos:])
        if m:
            out.append(m.group())
            pos = m.end()
        elif out and tail:
            out[-1] += tail.group()
            pos += tail.end()
        else:
            break
    return out


def _speakers(head: str) -> list[str]:
    """The office of a speech's speaker: "越秀区财政局局长 陆伟刚", "金溪县财政局 王冬龙", "区财政局"."""
    out = []
    for line in head.split("\n")[:30]:
        s = line.strip()
        if not (2 < len(s) <= 40) or re.search(r"[。,，;；:]", s) or re.match(r"发布机构|来源|\|", s):
            continue
        place = REGION.match(s)
        for part in s.split("、"):
            part = SPEAKER.sub("", part).strip()
            if part and place and not REGION.match(part):
                part = place.group() + part  # "广州市番禺区政协副主席、财政局局长" -> 广州市番禺区 + 财政局
            m = ORG.match(part) or BARE_ORG.match(part)
            if m and re.fullmatch(rf"\s*(?:[{C}]\s*){{0,3}}", part[m.end():]):  # nothing or a person's name after it
                if not NOT_ORG.search(re.sub(r"^(?:省|市|区|县)", "", m.group())):
                    out.append(m.group())
    return out


def _self_named(head: str) -> list[str]:
    """An organisation introducing itself ("X(简称…)", "X主要职责", "为X本级的项目") or acting as a sentence's
    subject ("。市人民代表大会预算委员会在对…")."""
    pat = rf"{LEFT}((?:{ORG_BODY})|(?:省|市|区|县)[{C}]{{1,12}}{ORG_SUFFIX})(?=\(?(?:以下)?简称|主要职责|成立于|本级)"
    subject = rf"(?:^|\n|。)((?:{ORG_BODY})|(?:省|市|区|县)[{C}]{{1,12}}{ORG_SUFFIX})(?=在对|对|根据|按照|认为|建议|审查|现将|严格)"
    found = [m.group(1) for p in (pat, subject) for m in re.finditer(p, head)]
    return [o for o in found if not NOT_ORG.search(o.lstrip("省市区县"))]


def _main_region(head: str) -> list[str]:
    """Regions named at least twice outside cited documents and meetings, most named first."""
    text = re.sub(r"《[^》]*》|\([^)]*〔[^)]*\)|在[^。,]{0,30}会议上", "", head)
    counts: dict[str, int] = {}
    for m in re.finditer(rf"{LEFT}{PLACES}", text):
        name = m.group()
        if not NOT_ORG.search(name) and not re.search(r"[镇乡村]$|街道$", name):
            counts[name] = counts.get(name, 0) + 1
    return [r for r, n in sorted(counts.items(), key=lambda kv: -kv[1]) if n >= 2]


def _complete(org: str, region: str | None, head: str) -> str:
    """Give a name its place: "区财政局" + 杭州市钱塘区; "越秀区财政局" -> "广州市越秀区财政局"; "省商务厅" from
    "海南省商务厅" written elsewhere."""
    bare = BARE_ORG.match(org)
    if bare:
        if region and region.endswith(bare.group(1)):
            return region + org[len(bare.group(1)):]
        if region and bare.group(1) == "区" and region.endswith(("新区", "合作区")):
            return region + org[1:]
        for m in re.finditer(rf"{LEFT}((?:{PLACE}){{0,3}}{PLACE_CHAR}{{2,8}}?){re.escape(org)}", head):
            if REGION.fullmatch(m.group(1) + bare.group(1)):
                return m.group(1) + org  # the same office written with its place elsewhere
        return ""
    if region and not org.startswith(region):
        for i in range(1, len(region)):
            if REGION.fullmatch(region[i:]) and org.startswith(region[i:]):
                return region[:i] + org  # the title's "广州市越秀区" qualifies "越秀区财政局"
    return org


def same_org(a: object, b: object) -> bool:
    x, y = str(a), str(b)
    return x == y or x.endswith(y) or y.endswith(x) or x.startswith(y) or y.startswith(x)
