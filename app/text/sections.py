"""Which standard report section a question asks about (存在的问题, 改进措施, 评价结论 …) and which headings name it."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache


@dataclass(frozen=True)
class Topic:
    """A section every report of the genre tends to have, under one of several names.

    ``ask`` finds the topic in a question's content words; ``heading`` recognises the section's heading.
    ``listing``: the section is a short list (问题, 措施) that is answered as a whole.
    """

    name: str
    ask: re.Pattern[str]
    heading: re.Pattern[str]
    listing: bool


# Genre vocabulary only (how performance reports name their sections), never strings of particular reports.
TOPICS: tuple[Topic, ...] = (
    Topic("problems", re.compile(r"(?:存在的?)?(?:主要)?(?:问题|不足|短板|困难)"),
          re.compile(r"问题|不足|困难|短板"), True),
    Topic("measures", re.compile(r"(?:下一步)?(?:改进|整改|工作)?(?:措施|建议|意见|对策|打算|计划|思路)|下一步|如何改进"),
          re.compile(r"措施|建议|意见|对策|打算|计划|思路|下一步|改进方向"), True),
    Topic("conclusion", re.compile(r"(?:评价|自评|总体|综合)(?:结论|结果|评价)|结论"),
          re.compile(r"结论|(?:评价|自评)结果|总体评价|综合评价"), False),
    Topic("duties", re.compile(r"(?:主要|部门|工作)?(?:职责|职能)"), re.compile(r"职责|职能"), True),
    Topic("targets", re.compile(r"(?:绩效|年度|总体|项目)?目标"), re.compile(r"目标"), False),
    Topic("results", re.compile(r"(?:主要|工作)?(?:成效|成绩|成果|亮点)|主要绩效|完成情况|实施情况"),
          re.compile(r"成效|成绩|成果|亮点|绩效情况|主要绩效|完成情况|实施情况|产出|效益"), False),
    Topic("structure", re.compile(r"机构设置|内设机构|人员(?:情况|编制)?|编制|股室|科室"),
          re.compile(r"机构|人员"), False),
)
BY_NAME = {t.name: t for t in TOPICS}
MARKER = re.compile(r"^[#\s]*(?:第[一二三四五六七八九十百零〇\d]+(?:部分|[章节部篇])|[一二三四五六七八九十百]+[、.．]"
                    r"|[（(][一二三四五六七八九十百\d]+[）)]|\d{1,2}(?:\.\d{1,2})*[.、．)）]?(?!\d))\s*")


@dataclass(frozen=True)
class Asked:
    """The topic a question asks about and the words that name it (``span`` in the question text)."""

    topic: Topic
    cue: str
    span: tuple[int, int]


def asked_topic(text: str) -> Asked | None:
    """The section topic named last in ``text`` (the head of the phrase), e.g. "下一步改进措施" -> measures.

    Args:
        text: a question's content words (organisation, year and question words removed).

    Returns:
        The topic with its cue, or None when the question names no standard section.
    """
    best: Asked | None = None
    for topic in TOPICS:
        for m in topic.ask.finditer(text):
            if best is None or m.end() > best.span[1] or (m.end() == best.span[1] and m.start() < best.span[0]):
                best = Asked(topic, m.group(), (m.start(), m.end()))
    return best


def heading_body(heading: str) -> str:
    """A heading without its markers and markdown: "### （三）存在的问题" -> "存在的问题"."""
    return MARKER.sub("", heading.strip().replace("*", "")).strip()


@lru_cache(maxsize=4096)
def heading_topics(heading: str) -> frozenset[str]:
    """The names of the topics a heading names (empty for other headings)."""
    body = heading_body(heading)
    if not body or len(body) > 30:
        return frozenset()
    return frozenset(t.name for t in TOPICS if t.heading.search(body))


def section_matches(section: str, topic: Topic) -> bool:
    """Whether a chunk's section path ("二、… > （一）…") contains a heading naming ``topic``."""
    return any(topic.name in heading_topics(part) for part in section.split(" > ") if part)
