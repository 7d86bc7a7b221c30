"""What a question asks, read as evidence for the scorer: years, the kind of quantity, change, target, terms.

Nothing here decides an answer: every cue becomes a feature that the fitted model weighs.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache

from ingest.units import simplified

YEAR = re.compile(r"(?<!\d)((?:19|20)\d{2})(?:\s*年|(?=[—\-－~至到]\s*(?:19|20)\d{2}))")
# the quantity a question asks for, most specific first: (pattern, quantity kind, unit word)
ASKED = (
    (re.compile(r"多少亿元|几亿元|多少亿|亿元"), "money", "亿元"),
    (re.compile(r"多少万元|几万元|多少万|万元"), "money", "万元"),
    (re.compile(r"多少元|几元"), "money", "元"),
    (re.compile(r"(?:预算|计划|目标|预期|任务)数?的(?:多少|百分之几|几成)|百分之|百分点|多少%|率是多少|率为多少|率多少|率是|率有多|比例|比重|占比|增幅|降幅|增速|比率|百分比|"
                r"完成率|执行率|到位率|满意度|覆盖率|合格率|达标率|通过率|几成"), "percent", "%"),
    (re.compile(r"得分|几分|多少分|评分|分值|满分"), "score", "分"),
    # the kinds above are asked in so many words; those below are guesses from what is named
    (re.compile(r"多少个|几个|多少家|几家|多少项|几项|多少人|几人|多少名|多少户|多少宗|几宗|多少条|多少次|多少场|"
                r"多少批|多少辆|多少所|多少座|多少套|多少件|多少台|多少只|几级|多少级|多少天|几天|多少年|几年"), "count", ""),
    (re.compile(r"多长|多少米|多少公里|长度|面积|多少平方|多少亩|多少吨"), "other", ""),
    (re.compile(r"多少钱|资金|金额|预算|支出|收入|经费|拨款|投资|资产|债务|费用|结转|结余|总额|规模"), "money", ""),
)
SAID = 5  # ASKED rows before this one name the kind outright
CHANGE = re.compile(r"增长|增加|减少|下降|上升|提高|降低|增幅|降幅|增速|同比|环比|比上年|较上年|比去年|较去年|"
                    r"增收|减收|增减|变化|回落|缩减|扩大|多了|少了|下滑")
NOT_CHANGE = re.compile(r"增值税|增加值|新增债|增量|减税|减免|下降幅度为零")
TARGET = re.compile(r"目标|计划|预期|指标值|年初|预计|拟|任务数")
ACTUAL = re.compile(r"实际|完成值|完成数|执行数|决算|实现|达到|完成了")
ASK_WORDS = re.compile(
    r"是多少|为多少|有多少|多少|是几|几个|几|是什么|什么|哪些|哪个|哪一|哪天|哪次|何时|什么时候|怎么样|如何|"
    r"请问|吗|呢|了|的|是|有|为|？|\?|。|，|,|、|:|：|“|”|\"|\s")
TEXT_ASK = re.compile(r"什么时候|哪天|何时|哪一天|哪次|哪个机构|哪个单位|哪些|是什么|什么项目|谁|做了什么|主要|介绍|"
                      r"内容|问题|原因|措施|建议|结论|情况如何|怎样|为什么|用在|用于|依据|名称|叫什么|在哪|哪里|"
                      r"是否|有没有|等级|档次|评价结果|评级")
NUMBER_ASK = re.compile(r"多少|几|百分之|比例|比重|占比|率|数额|金额|得分|分值|多长|多大|多高|规模")


@lru_cache(maxsize=65536)
def normalize(text: str) -> str:
    """NFKC (full-width punctuation to ASCII), simplified characters, no spaces, lower case."""
    return re.sub(r"\s+", "", simplified(unicodedata.normalize("NFKC", text))).lower()


@lru_cache(maxsize=65536)
def bigrams(text: str) -> frozenset[str]:
    """Character bigrams of the CJK/alphanumeric runs of ``text``."""
    out: set[str] = set()
    for run in re.findall(r"[\u4e00-\u9fffA-Za-z0-9]+", text):
        if len(run) == 1:
            out.add(run)
        out.update(run[i:i + 2] for i in range(len(run) - 1))
    return frozenset(out)


@dataclass
class Cues:
    """A question read as evidence."""

    question: str
    text: str  # normalised question
    years: list[int] = field(default_factory=list)
    kind: str = ""  # quantity kind asked: money | percent | score | count | other | ""
    unit: str = ""  # unit word asked: 亿元 | 万元 | 元 | % | 分 | ""
    said_kind: str = ""  # the kind when the question says it in so many words (万元, 比例, 得分…), else ""
    change: bool = False
    target: bool = False
    actual: bool = False
    numeric: bool = False  # asks for a number
    textual: bool = False  # asks for words (a date, a name, a reason)
    terms: str = ""  # the question without its years and question words
    grams: frozenset[str] = frozenset()


def read(question: str) -> Cues:
    """The cues of one question."""
    t = normalize(question)
    years = [int(y) for y in YEAR.findall(t)]
    hits = [(i, k, u) for i, (pat, k, u) in enumerate(ASKED) if pat.search(t)]  # most specific first
    kind, unit = hits[0][1:] if hits else ("", "")
    said = {k for i, k, _ in hits if i < SAID}  # "执行率这一项得了几分" says two: neither counts
    said_kind = said.pop() if len(said) == 1 else ""
    plain = NOT_CHANGE.sub("", t)
    terms = ASK_WORDS.sub(" ", YEAR.sub(" ", re.sub(r"(?:19|20)\d{2}\s*年度", " ", t)))  # "2024年度…": not "度…"
    terms = re.sub(r"(?:19|20)\d{2}年?度?", " ", terms)
    return Cues(question=question, text=t, years=years, kind=kind, unit=unit, said_kind=said_kind,
                change=bool(CHANGE.search(plain)),
                target=bool(TARGET.search(t)), actual=bool(ACTUAL.search(t)), numeric=bool(NUMBER_ASK.search(t)),
                textual=bool(TEXT_ASK.search(t)), terms=terms, grams=bigrams(terms))


def asks_figure(c: Cues) -> bool:
    """Whether a question asks for a figure: it says so (多少, 几, 比例…), or it names a kind of quantity
    (资金, 收入…) without asking for words (什么, 哪些, 如何…)."""
    return c.numeric or (bool(c.kind) and not c.textual)
