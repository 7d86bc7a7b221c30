"""Units, magnitudes, qualifiers and Chinese numerals: the vocabulary the number reader (ingest.numbers) uses."""

from __future__ import annotations

import re
from decimal import Decimal

_CN_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_CN_SMALL = {"十": 10, "百": 100, "千": 1000}

CND = "零〇一二两三四五六七八九"
CNA = CND + "十百千万亿"

NUM_AR = r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?"
NUM_CN = rf"[{CND}十][{CNA}]*(?:点[{CND}]+)?"
SP = r"[ \u3000]{0,2}"

# Things that look numeric but are not quantities; matched first and skipped.
SKIP = "|".join([
    r"\d{4}\s*[-－—~～至到]\s*\d{4}\s*年",  # 2020-2023年
    r"\d{4}\s*年(?:\s*\d{1,2}\s*月(?:\s*\d{1,2}\s*[日号])?)?",  # 2020年12月31日
    rf"[{CND}]{{4}}年",  # 二〇二二年
    r"\d{1,2}\s*月\s*\d{1,2}\s*[日号]",
    r"\d{1,2}\s*月(?:份|底|初|末|中旬|上旬|下旬)?(?!\d)",
    r"\d{4}[-/.]\d{1,2}[-/.]\d{1,2}(?!\d)",  # 2022-12-31
    r"\d{1,2}:\d{2}(?::\d{2})?",  # 09:30
    r"[〔\[【(（]\s*\d{4}\s*[〕\]】)）]\s*(?:第\s*)?\d*\s*号?",  # 〔2022〕12号
    r"\d+\s*号",
    r"0\d{2,3}\s*-\s*\d{7,8}(?!\d)|(?<!\d)1[3-9]\d{9}(?!\d)",  # phone numbers
    r"[（(\[【]\s*\d{1,2}\s*[）)\]】]",  # （2）
    rf"第\s*(?:\d+|[{CNA}]+)",  # 第3季度, 第一
    r"(?:^|(?<=[\s。；;：:，,）)\]】“”\"]))\d{1,2}\s*[.．、](?=\s*(?:[^\d\s]|\d{4}\s*年))",  # list markers
    r"(?<=[A-Za-z])[\d.]+|\d+(?=[A-Za-z])",  # codes: G20, 800M
])
MASTER = re.compile(
    rf"(?P<skip>{SKIP})|百分之{SP}(?P<pct>{NUM_AR}|{NUM_CN})|(?P<ar>{NUM_AR})|(?P<cn>{NUM_CN})",
    re.MULTILINE,
)

PER = re.compile(r"\s*[/／]\s*(人次|人|次|年|月|天|日|户|家|平方米|亩|吨|件|个|小时|公里|间|床|辆|套|项|台|张|份|场|期|批)")
CN_NOT_AFTER = "第周统唯逐同之初单划合归专均万其某进"  # a Chinese numeral after these is part of a word
CN_ONE_IDIOM = re.compile(r"起|次性|张图|条龙|门心思|件事|家人|人一")  # 一起, 一次性 ... are not quantities
MAGNITUDES = [("万亿", 10**12), ("千万", 10**7), ("百万", 10**6), ("亿", 10**8), ("万", 10**4), ("千", 10**3)]

# unit as written -> (base unit, kind); longest first when matching. A weak unit after a number followed by
# a CJK character is usually a word ("3本级"), so weak units need a non-CJK character (or end) after them.
UNITS: dict[str, tuple[str, str]] = {
    "元": ("元", "money"), "美元": ("美元", "money"),
    "%": ("%", "percent"), "个百分点": ("百分点", "points"), "百分点": ("百分点", "points"),
    "分": ("分", "score"),
    "个工作日": ("个工作日", "duration"), "工作日": ("个工作日", "duration"), "个月": ("月", "duration"),
    "个季度": ("季度", "duration"), "小时": ("小时", "duration"), "分钟": ("分钟", "duration"),
    "天": ("天", "duration"), "日": ("天", "duration"), "周": ("周", "duration"), "年": ("年", "duration"),
    "学时": ("学时", "duration"), "课时": ("课时", "duration"), "秒": ("秒", "duration"),
    "平方米": ("平方米", "area"), "平方公里": ("平方公里", "area"), "平方千米": ("平方公里", "area"),
    "亩": ("亩", "area"), "公顷": ("公顷", "area"),
    "公里": ("公里", "other"), "千米": ("公里", "other"), "米": ("米", "other"), "吨": ("吨", "other"),
    "公斤": ("公斤", "other"), "千克": ("公斤", "other"), "立方米": ("立方米", "other"),
    "千瓦时": ("千瓦时", "other"), "千瓦": ("千瓦", "other"), "倍": ("倍", "other"),
    "名": ("人", "count"), "位": ("人", "count"),
}
COUNTS = ("个 家 家次 次 宗 宗次 人 人次 条 份 张 块 场 场次 期 支 起 项 篇 幅 台 处 件 户 所 辆 册 批 批次 门 套 座 间 "
           "栋 棵 株 只 艘 架 架次 车次 班次 人日 本 部 种 类 轮 遍 届 份次 户次 个次 例 单 枚 盏 根 把 辆次 艘次 "
           "人天 床 台次 条次 组 队 节 堂 期次 所次 头 对")
for _u in COUNTS.split():
    UNITS.setdefault(_u, (_u, "count"))
UNIT_LIST = sorted(UNITS, key=len, reverse=True)
WEAK = set("本部种类轮遍届组队节单把根枚盏堂床年日周对")
NOT_AFTER: dict[str, str] = {  # unit -> characters that, right after it, show it is part of a word
    "分": "钟别之析配类解散布级管项批期成享担工支队段数值局院会摊档区拨发组秒部论化子流红歧界裂泌身寸外明量母",
    "人": "民员大才力文身格道权工口性", "个": "人体性别案", "家": "庭属长具电乡园政务", "次": "要数序日级生年月之性",
    "宗": "旨教族", "名": "单称义额录誉片", "条": "例件款理线码形幅", "份": "额子", "张": "贴榜挂力扬",
    "场": "所地景馆合面", "期": "间限末初中待望刊货满", "支": "出付持援撑部配取行", "起": "来点步始止草码见到",
    "项": "目下", "幅": "度", "台": "风账阶湾站州山上下后", "处": "理置罚室长级分于在所境", "户": "籍外口",
    "所": "属在有以得需谓长辖", "批": "复准示评", "门": "户槛类诊口前", "座": "谈", "间": "隔接断",
    "元": "素旦宵首", "头": "脑发部像号条目等衔版戴", "天": "然气津地下空", "米": "饭", "倍": "增", "位": "于置次列居数",
}
PRE_QUALIFIERS = sorted(
    "不少于 不低于 不多于 不超过 不高于 不大于 不小于 大于等于 小于等于 大约 将近 接近 约为 超过 高于 低于 多于 少于 "
    "达到 约 近 逾 超 达 ≥ ≤ > < ＞ ＜ 大于 小于".split(), key=len, reverse=True)
POST_QUALIFIERS = ("以上", "以下", "以内", "之内", "左右", "内")
DOWN_WORDS = ("下降", "减少", "降低", "下滑", "回落")
UP_WORDS = ("增长", "增加", "上升", "提高", "提升")


def cn_to_decimal(s: str) -> Decimal:
    """Chinese numeral to Decimal: "一千二百零三点二" -> 1203.2, "二〇二二" -> 2022, "两" -> 2."""
    int_part, _, frac = s.partition("点")
    if not any(c in "十百千万亿" for c in int_part):
        digits = "".join(str(_CN_DIGITS[c]) for c in int_part) or "0"
    else:
        total = section = number = 0
        for c in int_part:
            if c in _CN_DIGITS:
                number = _CN_DIGITS[c]
            elif c in _CN_SMALL:
                section += (number or 1) * _CN_SMALL[c]
                number = 0
            elif c == "万":
                total += (section + number or 1) * 10**4
                section = number = 0
            elif c == "亿":
                total = (total + section + number or 1) * 10**8
                section = number = 0
        digits = str(total + section + number)
    frac_digits = "".join(str(_CN_DIGITS[c]) for c in frac)
    return Decimal(f"{digits}.{frac_digits}" if frac_digits else digits)
