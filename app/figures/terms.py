"""The words of a metric phrase and where they are found: normalisation, weighted terms, abbreviations."""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from functools import lru_cache

NORM = re.compile(r"[^\u4e00-\u9fffA-Za-z0-9%]")
STOP = set("的了在对为和与及或是有把被将由从到向其中等之以于所各该这那此")
# words that say what kind of answer is wanted, or carry little meaning; they never decide a match
GENERIC = {
    "金额", "资金", "数额", "费用", "数量", "个数", "次数", "人数", "家数", "总数", "总额", "合计", "共计", "累计",
    "一共", "总共", "情况", "全年", "年度", "本年度", "本年", "项目", "期间", "时期", "过程", "以来", "方面", "工作",
    "相关", "有关", "各类", "各项", "全部", "所有", "官方", "实际", "完成", "实现", "达到", "开展", "进行", "组织",
    "实施", "共有", "获得", "取得", "全区", "全市", "全省", "全县", "数据", "规模", "水平", "多少", "具体", "目前",
    "当年", "今年", "得分", "分数", "评分", "分值", "部门", "整体", "单位", "本级", "案件", "件数", "安排", "比例",
    "比重", "占比", "百分比", "比率", "数值", "数字", "统计", "一下",
}


def norm(text: str) -> str:
    """Text reduced to what matching looks at: CJK, letters, digits."""
    return NORM.sub("", text)


def strip_stop(text: str) -> str:
    """Normalised text without function characters: "发放了宣传资料" -> "发放宣传资料"."""
    return "".join(c for c in norm(text) if c not in STOP)


def core_phrase(phrase: str) -> str:
    """The phrase without trailing generic words: "年初预算安排了资金" -> "年初预算"."""
    out = norm(phrase)
    words = sorted(GENERIC, key=len, reverse=True)
    changed = True
    while changed:
        changed = False
        out = out.rstrip("".join(STOP))
        for w in words:
            if out.endswith(w) and len(out) > len(w) + 1:
                out, changed = out[: -len(w)], True
                break
    return out


@dataclass(frozen=True)
class Term:
    text: str
    weight: float
    key: bool  # must be found near the figure for it to be an answer


@lru_cache(maxsize=1)
def _jieba() -> object:
    import jieba

    jieba.setLogLevel(logging.WARNING)
    return jieba


def terms_of(phrase: str) -> list[Term]:
    """Content terms of a metric phrase, weighted; consecutive single characters are joined ("本年")."""
    jb = _jieba()
    text = norm(phrase)
    words: list[str] = []
    for w in jb.lcut(text):  # type: ignore[attr-defined]
        if len(w) >= 4:
            subs = [s for s in jb.lcut_for_search(w) if s != w and len(s) >= 2]  # type: ignore[attr-defined]
            if subs and set("".join(subs)) >= set(w):
                words.extend(dict.fromkeys(subs))
                continue
        words.append(w)
    for i in range(len(words) - 1):  # "项目" alone is filler ("XX项目执行率"); "项目支出" is a metric
        if words[i] == "项目" and words[i + 1] == "支出":
            words[i:i + 2] = ["项目支出", ""]
    words = [w for w in words if w]
    merged: list[str] = []
    single = ""
    for w in words + [""]:
        if len(w) == 1 and w not in STOP and not w.isdigit():
            single += w
            continue
        if single:  # "大"+"检查" -> "大检查", "本"+"年" -> "本年": a lone character belongs to its neighbour
            if len(single) == 1 and w and w not in STOP:
                w = single + w
            else:
                merged.append(single)
            single = ""
        if w and w not in STOP:
            merged.append(w)
    out = []
    for w in dict.fromkeys(merged):
        key = len(w) >= 2 and w not in GENERIC and not w.isdigit()
        out.append(Term(w, float(min(len(w), 4)) if key else 0.3, key))
    return out


def subsequence(term: str, text: str) -> bool:
    """An abbreviation: the term's characters in order within a short window (安责险 in 安全生产责任险)."""
    if len(term) < 3:
        return False
    start = text.find(term[0])
    while start >= 0:
        pos, ok = start, True
        for ch in term[1:]:
            pos = text.find(ch, pos + 1)
            if pos < 0 or pos - start > 4 * len(term):
                ok = False
                break
        if ok:
            return True
        start = text.find(term[0], start + 1)
    return False


def term_found(term: str, text: str) -> float:
    """1.0 when the term is in the text, 0.8 as an abbreviation, 0.7 for most of a long term's bigrams."""
    if term in text:
        return 1.0
    if subsequence(term, text):
        return 0.8
    if len(term) >= 4:
        grams = [term[i:i + 2] for i in range(len(term) - 1)]
        if sum(g in text for g in grams) / len(grams) >= 0.66:
            return 0.7
    return 0.0
