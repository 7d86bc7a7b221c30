"""Matching primitives for scoring: text normalisation, figure agreement, comparison winners."""

from __future__ import annotations

import re
import unicodedata
from decimal import Decimal

from core.textmatch import TEXT_F1, char_f1, norm_text  # noqa: F401  (re-exported for eval.score)
from ingest.numbers import (
    Quantity,
    decimals_of,
    find_quantities,
    format_value,
    from_value,
    round_to,
    same_quantity,
)

LOWER_BOUND = frozenset("不少于 不低于 不小于 大于等于 至少 超过 超 逾 多于 高于 大于 以上 ≥ > ＞".split())
UPPER_BOUND = frozenset("不多于 不超过 不高于 不大于 小于等于 不足 少于 低于 小于 以下 以内 之内 ≤ < ＜".split())


# --- text normalisation ---------------------------------------------------------------------------

def norm_span(text: str) -> str:
    """NFKC with all whitespace removed: how evidence spans are compared."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text or ""))


# --- figures --------------------------------------------------------------------------------------

def _is_date(q: Quantity) -> bool:
    """Years and days of month the number parser lets through ("2020、2022年" leaves a bare 2020)."""
    integral = q.value == q.value.to_integral_value()
    if q.unit in ("年", "年度", "") and integral and 1900 <= q.value <= 2100:
        return True
    return q.unit in ("月", "日", "号") and integral and 1 <= q.value <= 31


def figures(text: str, question: str = "") -> list[Quantity]:
    """The figures stated in ``text``: quantities that are not dates and not echoed from ``question``."""
    echoed = find_quantities(question) if question else []
    return [q for q in find_quantities(text or "")
            if not _is_date(q) and not any(e.value == q.value and e.unit == q.unit for e in echoed)]


def quantity_of(value: Decimal | None, unit: str | None) -> Quantity | None:
    """The quantity for a structured value and unit (``Decimal("2626.63")``, ``"万元"``)."""
    return None if value is None else from_value(value, unit)


def _qualifier_class(q: Quantity) -> str:
    if q.qualifier in LOWER_BOUND:
        return "lower"
    if q.qualifier in UPPER_BOUND:
        return "upper"
    return "approx" if q.qualifier else ""


def _bare(q: Quantity) -> bool:
    return not q.unit and not q.base_unit


def agree(expected: Quantity, got: Quantity, decimals: int) -> tuple[bool, str]:
    """Whether ``got`` states ``expected`` to ``decimals`` places of the expected unit.

    Compared in base units (``same_quantity``): "26266300元" agrees with "2626.63万元"; "98.1%"
    does not agree with "98.15%" at 2 decimals. Another kind or base unit (percent vs 百分点,
    元 vs 人) never agrees, nor do contradicting bounds ("不少于60条" vs "不超过60条"). A bare
    number is compared with the expected number as written, except for money, percentages and
    points, where a figure without its unit is wrong.

    Returns:
        (agrees, reason when it does not).
    """
    if _bare(got) and not _bare(expected):
        if expected.kind in ("money", "percent", "points"):
            return False, f"no unit given for a {expected.kind} figure"
        ok = round_to(abs(got.value), decimals) == round_to(abs(expected.value), decimals)
        return ok, "" if ok else f"value differs at {decimals} decimal(s)"
    if (got.kind, got.base_unit) != (expected.kind, expected.base_unit):
        return False, (f"unit differs: expected {expected.base_unit or 'none'} ({expected.kind}), "
                       f"got {got.base_unit or 'none'} ({got.kind})")
    if not same_quantity(got, expected, decimals):
        return False, f"value differs at {decimals} decimal(s) of {expected.unit or 'the number'}"
    if {_qualifier_class(expected), _qualifier_class(got)} >= {"upper", "lower"}:
        return False, f"qualifier contradicts: expected {expected.qualifier}, got {got.qualifier}"
    return True, ""


def supports(source: Quantity, fig: Quantity) -> bool:
    """Whether ``source`` (a figure in evidence) backs ``fig`` (a stated figure) at ``fig``'s precision.

    A bare number on either side (a table cell whose unit is in the header) backs by value alone.
    """
    d = decimals_of(fig)
    if _bare(source) or _bare(fig):
        return round_to(abs(source.value), d) == round_to(abs(fig.value), d)
    return agree(fig, source, d)[0]


def show(q: Quantity) -> str:
    post = q.qualifier in ("以上", "以下", "以内", "之内", "左右", "内")
    text = q.text or format_value(q.value, q.unit)
    return f"{text}{q.qualifier}" if post else f"{q.qualifier}{text}"


# --- comparison answers ------------------------------------------------------------------------------

_ABOVE = r"高于|多于|大于|超过|优于|领先"
_BELOW = r"低于|少于|小于|不及|不如"
_UP = r"更高|更多|更大|较高|较多|较大|最高|最多|最大"
_DOWN = r"更低|更少|更小|较低|较少|较小|最低|最少|最小"
_COMPARATIVE = "|".join([_UP, _DOWN, _ABOVE, _BELOW])
_ASKS_LOW = re.compile(r"(?:更|最|较)(?:低|少|小)|(?:低|少|小)于|哪.{0,4}(?:低|少|小)")
_LEAD_END = re.compile(r"[\d(),.:;!?。、\s比]|" + _COMPARATIVE)
_SENTENCE = re.compile(r"[;。!?]")
_ASKING = re.compile(r"谁|哪|是否|多少|吗|相比|比较")
_CONNECTOR = re.compile(r"和|与|跟|同|及|还是|、|,|vs|VS")
_YEAR = re.compile(r"\d{4}年度?")


def subject(text: str) -> str:
    """The subject an answer starts with: "广州市应急管理局（99.23%，高于…）" -> "广州市应急管理局"."""
    t = norm_span(text)
    t = re.sub(r"^(答案?[:是为]?|是|为)", "", t)
    m = _LEAD_END.search(t)
    head = t[: m.start()] if m else t
    return re.sub(r"的.*$", "", head)


def _entities(question: str) -> list[str]:
    """The names a comparison question compares: "A和B，谁…更高" -> [A, B] (years removed)."""
    out = []
    for part in _CONNECTOR.split(norm_span(question)):
        part = _YEAR.sub("", _ASKING.split(part)[0])
        part = re.sub(r"的.*$", "", part)
        if len(part) >= 2 and part not in out:
            out.append(part)
    return out


def _lcs(a: str, b: str) -> tuple[int, int]:
    """Length of the longest common substring of a and b, and where it ends in b."""
    best, end = 0, 0
    prev = [0] * (len(b) + 1)
    for ch in a:
        cur = [0] * (len(b) + 1)
        for j, bj in enumerate(b, start=1):
            if ch == bj:
                cur[j] = prev[j - 1] + 1
                if cur[j] > best or (cur[j] == best and j > end):
                    best, end = cur[j], j
        prev = cur
    return best, end


def _distinctive(names: list[str]) -> list[str]:
    """Each name without the prefix and suffix all names share ("海珠区应急管理局" -> "海珠区")."""
    if len(names) < 2:
        return names
    pre = len(_common_prefix(names))
    suf = len(_common_prefix([n[::-1] for n in names]))
    return [n[pre: len(n) - suf] or n for n in names]


def _common_prefix(names: list[str]) -> str:
    first, last = min(names), max(names)
    i = 0
    while i < min(len(first), len(last)) and first[i] == last[i]:
        i += 1
    return first[:i]


def _claimed(keys: list[str], clause: str) -> int | None:
    """Which key a clause names: of exact mentions the one ending last (the specific one in
    "广州市海珠区"), else the single best partial match of 2+ characters; None when none."""
    ends = [(clause.rfind(k) + len(k), i) for i, k in enumerate(keys) if k and k in clause]
    if ends:
        return max(ends)[1]
    scores = [_lcs(k, clause)[0] for k in keys]
    best = max(scores)
    if best >= min(2, min(len(k) for k in keys)) and scores.count(best) == 1:
        return scores.index(best)
    return None


def named_winner(winner: str, question: str, text: str) -> bool:
    """Whether ``text`` names ``winner`` (rather than another entity of the question) as the answer.

    The first comparison word that settles it decides: "A更高", "A高于B" and (for a question
    asking who is higher) "B低于A" all name A. Without one, the entity the answer starts with; then
    the entity it mentions first.
    """
    winner = norm_span(winner)
    entities = _entities(question)
    overlap = [_lcs(e, winner)[0] for e in entities]
    if entities and max(overlap) >= min(2, len(winner)):  # the question's name for the winner
        entities.pop(overlap.index(max(overlap)))
    keys = _distinctive([winner] + [e for e in entities if e != winner])
    body = norm_span(text)
    asks_high = not _ASKS_LOW.search(norm_span(question))
    for m in re.finditer(_COMPARATIVE, body):
        word = m.group()
        upward = re.fullmatch(f"{_UP}|{_ABOVE}", word) is not None
        binary = re.fullmatch(f"{_ABOVE}|{_BELOW}", word) is not None
        before = _SENTENCE.split(body[: m.start()])[-1].split("比")[0]
        after = _SENTENCE.split(body[m.end():])[0]
        clause = after if binary and upward != asks_high else before
        idx = _claimed(keys, clause)
        if idx is None:
            continue
        if not binary and upward != asks_high:  # "B更低" for who is higher
            if len(keys) != 2:
                continue
            idx = 1 - idx
        return idx == 0
    idx = _claimed(keys, subject(body))
    if idx is not None:
        return idx == 0
    found = [(body.find(k), i) for i, k in enumerate(keys) if k in body]
    if found:
        return min(found)[1] == 0
    return char_f1(subject(body), winner) >= TEXT_F1
