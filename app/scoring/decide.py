"""From scored candidates to an answer: the winner with its citation, both sides when two disagree, or a
refusal whose reason says what was missing."""

from __future__ import annotations

from app.routes import Route
from app.scoring.candidates import Candidate
from app.scoring.model import ScorerModel
from app.scoring.route import Ranked
from core.answer import Answer, Citation, refusal
from ingest.numbers import format_value

TIE = 0.85  # a rival with a different figure at this share of the winner's probability makes a tie


def citation(c: Candidate) -> Citation:
    """The sentence stating the figure, exactly as the report has it."""
    text = c.doc.text
    s = text.find(c.sentence, max(0, c.quantity.start - len(c.sentence)))
    s = s if s >= 0 else c.quantity.start
    e = s + len(c.sentence) if s != c.quantity.start else c.quantity.end
    return Citation(c.doc.name, c.chunk.section, text[s:e], s, e, c.chunk.id,
                    context=text[c.chunk.start:c.chunk.end])


def display(c: Candidate) -> str:
    q = c.quantity
    qual = q.qualifier if q.qualifier in ("近", "约", "超过", "不少于", "逾", "以上", "不低于") else ""
    shown = format_value(abs(q.value), q.unit)
    if q.qualifier in ("以上",):
        return f"{shown}{qual}"
    return f"{qual}{shown}"


def where(c: Candidate) -> str:
    bits = [f"{c.doc.year}年" if c.doc.year else "", c.doc.org or c.doc.title or c.doc.name]
    return "".join(b for b in bits if b)


def answer(question: str, model: ScorerModel, ranked: Ranked[Candidate]) -> Answer:
    """The answer for a figure question, or a refusal with its reason."""
    if ranked.top is None:
        return refusal(question, "检索不到与问题相关的报告内容", route=Route.SCORED)
    by_figure = answers(ranked.cands)
    (top, p_top), *others = by_figure
    if p_top < model.threshold:
        return refusal(question, why_not(ranked, model), route=Route.SCORED)
    rivals = [c for c, p in others[:3] if p >= TIE * p_top and p >= model.threshold]
    if rivals:
        return _tie(question, top, rivals[0])
    q = top.quantity
    cite = citation(top)
    clause = quoted(top)
    text = f"{display(top)}（{where(top)}：“{clause}”）" if clause in cite.text else f"{display(top)}（{where(top)}）"
    if q.direction == "down" and "下降" not in clause and "减少" not in clause:
        text = f"下降{text}"
    return Answer(question=question, answer=text, route=Route.SCORED, citations=[cite],
                  value=abs(q.value), unit=q.unit or None, normalized_value=abs(q.base_value),
                  normalized_unit=q.base_unit or None, org=top.doc.org or None, year=top.doc.year,
                  metric=(top.figure.metric if top.figure else clause)[:40])


def quoted(c: Candidate) -> str:
    """The clause of a candidate as the answer quotes it: a clause cut at its length limit inside a number (a
    flattened table: "…2312222质量指标…", "…部门预算编码230001…") leaves that number out instead of quoting a stray
    part of it."""
    text, clause, digits = c.doc.text, c.clause, "0123456789.,"
    start = c.quantity.start - len(c.left)  # where the clause begins in the document
    end = start + len(clause)
    lead, tail = 0, len(clause)
    if start > 0 and text[start - 1].isdigit():
        lead = len(c.left) - len(c.left.lstrip(digits))
    if end < len(text) and text[end].isdigit():
        tail = max(len(clause.rstrip(digits)), c.quantity.end - start)
    return clause[lead:tail].strip(" ,，;；")


def figure_key(c: Candidate) -> tuple[float, str]:
    """What makes two candidates the same answer: the same amount in the same base unit (1000万元 = 0.1亿元)."""
    return float(abs(c.quantity.base_value)), c.quantity.base_unit


def answers(cands: list[Candidate]) -> list[tuple[Candidate, float]]:
    """The distinct figures among ranked candidates, each with its best-scored candidate and the summed
    probability of every candidate stating it (see ``model.best_answer``), most probable first."""
    best: dict[tuple[float, str], Candidate] = {}
    total: dict[tuple[float, str], float] = {}
    for c in cands:
        k = figure_key(c)
        best.setdefault(k, c)
        total[k] = total.get(k, 0.0) + c.score
    return sorted(((best[k], total[k]) for k in best), key=lambda cp: -cp[1])


def _tie(question: str, a: Candidate, b: Candidate) -> Answer:
    """Two figures fit equally well and disagree: show both with their sources and ask which is meant."""
    reason = (f"有两个同样符合问题的数字：{display(a)}（{where(a)}：“{quoted(a)}”）与 {display(b)}"
              f"（{where(b)}：“{quoted(b)}”），请写明是哪一个")
    ans = refusal(question, reason, route=Route.SCORED)
    ans.citations = [citation(a), citation(b)]
    return ans


def why_not(ranked: Ranked[Candidate], model: ScorerModel) -> str:
    """The reason for a refusal, from what the best candidate lacked."""
    top, cues = ranked.top, ranked.cues
    assert top is not None
    f = top.features
    asked = cues.terms.strip() or cues.question
    if cues.years and f.get("year_in_doc", 0) == 0 and not any(c.features.get("year_eq") for c in ranked.cands):
        years = "、".join(f"{y}年" for y in cues.years)
        return f"检索到的报告都不是{years}的，也没有提到{years}；最接近的是{where(top)}的报告（年度不符）"
    if f.get("g_union", 0) < 0.6:
        return f"报告中没有找到“{asked}”对应的数字；最接近的内容在{where(top)}的报告（{_place(top)}），说的不是这个"
    return (f"报告中没有足够明确的数字回答“{asked}”；最接近的内容在{where(top)}的报告（{_place(top)}），"
            "但它与问题的吻合程度不足以作答（`reportqa explain` 可看各候选的得分）")


def _place(c: Candidate) -> str:
    """Where a candidate stands, without its numbers (a refusal states no figure)."""
    return c.chunk.section or c.doc.name
