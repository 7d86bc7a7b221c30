"""Numbers with units in Chinese report text: find them, parse them, normalise and compare them."""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from ingest.units import (
    ARABIC_ONLY,
    CN_NOT_AFTER,
    CN_ONE_IDIOM,
    CNA,
    DOWN_WORDS,
    LATIN,
    MAGNITUDES,
    MASTER,
    NOT_AFTER,
    PER,
    POST_QUALIFIERS,
    PRE_QUALIFIERS,
    TRAD,
    UNIT_LIST,
    UNITS,
    UP_WORDS,
    WEAK,
    cn_to_decimal,
)

# Length-preserving: spans found in the translated text index the original text too.
_WIDTH = str.maketrans("０１２３４５６７８９．％－＋−﹪", "0123456789.%-+-%")

_CJK = re.compile(r"[\u4e00-\u9fff]")
_WIDE_THOUSANDS = re.compile(r"(?<![\d.,，])\d{1,3}(?:，\d{3})+(?:\.\d+)?(?![\d，])")
_RATIO_GAP = re.compile(r"\s*[/／]\s*")  # 168.5/10万 — a rate per 100000, not two amounts

__all__ = ["Quantity", "cn_to_decimal", "decimals_of", "find_quantities", "format_value", "from_value", "parse_quantity",
           "round_to", "same_quantity"]


@dataclass(frozen=True)
class Quantity:
    """A number with its unit as written, and the same amount in a base unit.

    ``start``/``end`` span the number and unit (``text``); ``outer_start``/``outer_end`` also cover the
    qualifier ("近", "以上") and a direction word ("下降") when present.
    """

    value: Decimal
    unit: str
    base_value: Decimal
    base_unit: str
    kind: str  # money | percent | points | count | score | duration | area | other
    qualifier: str
    start: int
    end: int
    text: str
    outer_start: int = -1
    outer_end: int = -1
    direction: str = ""  # "up" | "down" | "" (from "-", 下降/减少, 增长/增加 right before the number)
    note: str = ""  # "range" (part of 10-20万元) | "debris" (22.2万170项: unreadable) | ""

    @property
    def scale(self) -> Decimal:
        """base_value / value (10000 for 万元)."""
        return _scale_of(self.unit)


def _split_unit(unit: str) -> tuple[Decimal, str]:
    """("万元") -> (10000, "元"); a unit that is itself a word ("千米") keeps factor 1; "万元/年" -> (10000, "元/年")."""
    num, slash, per = unit.partition("/")
    if num in UNITS or not num:
        return Decimal(1), unit
    for mag, factor in MAGNITUDES:
        if num.startswith(mag) and (num == mag or num[len(mag):] in UNITS):
            return Decimal(factor), num[len(mag):] + slash + per
    return Decimal(1), unit


def _scale_of(unit: str) -> Decimal:
    return _split_unit(unit)[0]


def _match_word(t: str, pos: int, words: tuple[str, ...] | list[str]) -> str:
    for w in words:
        if t.startswith(w, pos):
            return w
    return ""


_UNITS_BY_FIRST: dict[str, list[str]] = {}  # first character -> units, longest first (UNIT_LIST's order)
for _u in UNIT_LIST:
    _UNITS_BY_FIRST.setdefault(_u[0], []).append(_u)


def _unit_at(t: str, pos: int) -> str:
    """The unit starting at pos, or "" (checks word-collision rules)."""
    for u in _UNITS_BY_FIRST.get(t[pos:pos + 1], ()):
        if not t.startswith(u, pos):
            continue
        nxt = t[pos + len(u):pos + len(u) + 1]
        if nxt and nxt in NOT_AFTER.get(u, ""):
            continue
        if u in LATIN and nxt and nxt.isascii() and nxt.isalnum():
            continue  # 5mm, 3min: not metres
        if u in WEAK and nxt and _CJK.match(nxt) and nxt not in "以左内等的余多":
            continue
        return u
    return ""


def _skip_space(t: str, pos: int) -> int:
    n = 0
    while pos < len(t) and t[pos] in " \u3000" and n < 2:
        pos += 1
        n += 1
    return pos


def _read_unit(t: str, pos: int, chinese: bool) -> tuple[str, str, int]:
    """Read [余/多] magnitude [余/多] unit after a number. Returns (unit, approx, end)."""
    p = _skip_space(t, pos)
    approx = ""
    if p < len(t) and t[p] in "余多":
        approx, p = t[p], _skip_space(t, p + 1)
    mag, mag_end = "", p
    for m, _ in MAGNITUDES:
        if t.startswith(m, p) and (m != "千" or t.startswith("千元", p)):
            mag, mag_end = m, p + len(m)
            p = _skip_space(t, mag_end)
            break
    if not approx and mag and p < len(t) and t[p] in "余多":
        approx, p = t[p], _skip_space(t, p + 1)
    unit = _unit_at(t, p)
    if chinese and unit in ARABIC_ONLY:
        unit = ""
    if unit:
        end = p + len(unit)
        per = PER.match(t, end)
        if per:  # 200元/人, 5万元/年: a rate, not an amount
            unit, end = f"{unit}/{per.group(1)}", per.end()
        return mag + unit, approx, end
    if mag:
        return mag, approx, mag_end
    return "", "", pos


def _before(t: str, pos: int) -> tuple[str, str, int]:
    """Qualifier and direction word right before pos. Returns (qualifier, direction, new start)."""
    p = pos
    while p > 0 and t[p - 1] in " \u3000":
        p -= 1
    qual = ""
    for q in PRE_QUALIFIERS:
        if t.endswith(q, 0, p):
            qual, p = q, p - len(q)
            break
    q0 = p
    while q0 > 0 and t[q0 - 1] in " \u3000":
        q0 -= 1
    stem = q0 - 1 if q0 > 0 and t[q0 - 1] == "了" else q0
    for words, d in ((DOWN_WORDS, "down"), (UP_WORDS, "up")):
        for w in words:
            if t.endswith(w, 0, stem):
                return qual, d, stem - len(w)
    return qual, "", p


def _make(value: Decimal, unit: str) -> tuple[Decimal, str, str]:
    scale, core = _split_unit(unit)
    num, slash, per = core.partition("/")
    base_unit, kind = UNITS.get(num, ("", "other"))
    if slash and kind == "count" and per == "次":  # 31场/次 is written for 31场次
        base_unit = base_unit + "次" if not base_unit.endswith("次") else base_unit
    elif slash:  # a rate keeps its denominator and is never an amount
        base_unit, kind = f"{base_unit or num}/{per}", "other"
    base = value * scale
    if scale != 1:  # 26266300.00 -> 26266300; keep the stated decimals otherwise
        base = base.normalize()
        if base.as_tuple().exponent > 0:  # type: ignore[operator]
            base = base.quantize(Decimal(1))
    return base, base_unit, kind


def _ascii(text: str) -> str:
    """Half-width digits and signs, simplified characters (萬元 -> 万元, 增長 -> 增长), and a full-width comma read
    as a thousands separator ("2，846.50"); units are read from this view, so they come back simplified.

    Length-preserving, so spans index the original text. The comma counts as a separator only between a
    group of 1-3 digits and groups of exactly three ("3，401.05", "1，056户"), as OCR of PDF tables writes them.
    """
    t = text.translate(_WIDTH).translate(TRAD)
    if "，" in t:
        t = _WIDE_THOUSANDS.sub(lambda m: m.group().replace("，", ","), t)
    return t


def find_quantities(text: str) -> list[Quantity]:
    """Every number with its unit in text, in order; dates, list markers, ordinals and codes are left out.

    Bare Arabic numbers (no unit) come back with unit "" and kind "other"; Chinese numerals only count
    when a unit follows them ("两支", "三宗"). Numbers that cannot be read safely are kept but marked
    (``note`` "range", "debris" or "ratio": "168.5/10万" is a rate per 100000, not two amounts).
    """
    t = _ascii(text)
    out: list[Quantity] = []
    consumed = 0
    for m in MASTER.finditer(t):
        if m.start() < consumed or m.group("skip") is not None:
            continue
        read = _read_number(m, t)
        if read is None:
            continue
        value, unit, approx, num_start, end = read
        qual, direction, ostart = _before(t, num_start)
        if num_start > 1 and t[num_start - 1] in "-+" and not re.match(r"[0-9A-Za-z.)）]", t[num_start - 2]) or \
                num_start == 1 and t[0] in "-+":
            direction, num_start = ("down" if t[num_start - 1] == "-" else "up"), num_start - 1
            ostart = min(ostart, num_start)
        if direction == "down":
            value = -value
        base, base_unit, kind = _make(value, unit)
        post = _match_word(t, _skip_space(t, end), POST_QUALIFIERS)
        if post == "内" and kind != "duration":
            post = ""
        oend = _skip_space(t, end) + len(post) if post else end
        strong = qual if qual not in ("达", "达到") else ""
        out.append(Quantity(value, unit, base, base_unit, kind, strong or approx or post or qual, num_start, end,
                            text[num_start:end], ostart, oend, direction, ""))
        consumed = oend
    return _mark_ranges_and_debris(t, out)


def _read_number(m: re.Match[str], t: str) -> tuple[Decimal, str, str, int, int] | None:
    """(value, unit, approx word, start, end) for one match of the master pattern, or None to skip it."""
    if m.group("pct") is not None:
        raw = m.group("pct")
        value = cn_to_decimal(raw) if raw[0] in CNA else Decimal(raw.replace(",", ""))
        return value, "%", "", m.start(), m.end()
    chinese = m.group("cn") is not None
    raw = m.group("cn") or m.group("ar")
    num_start, num_end = m.start(), m.end()
    if chinese:
        if num_start and t[num_start - 1] in CN_NOT_AFTER:
            return None  # 第一, 统一, 进一步 ...
        if raw[-1] in "万亿" and len(raw) > 1 and "点" not in raw:
            raw, num_end = raw[:-1], num_end - 1  # 三万元: 万 is the magnitude of the unit
        if raw == "一" and CN_ONE_IDIOM.match(t, num_end):
            return None
        value = cn_to_decimal(raw)
    else:
        value = Decimal(raw.replace(",", ""))
    unit, approx, end = _read_unit(t, num_end, chinese)
    if chinese and not unit:
        return None
    return value, unit, approx, num_start, end


def _mark_ranges_and_debris(t: str, qs: list[Quantity]) -> list[Quantity]:
    out = list(qs)
    for i in range(len(out) - 1):
        a, b = out[i], out[i + 1]
        gap = t[a.end:b.start].strip()
        if _RATIO_GAP.fullmatch(t[a.end:b.start]):
            out[i] = _with_note(a, "ratio")  # 200/10万, 168.5/10万: neither number is an amount
            out[i + 1] = _with_note(b, "ratio")
        elif gap in ("-", "~", "～", "—", "至", "到", "–") and (not a.unit or a.base_unit == b.base_unit):
            out[i] = _with_note(a, "range")
            out[i + 1] = _with_note(b, "range")
        elif a.unit and not a.base_unit and a.kind == "other" and b.start - a.end <= 1 and b.unit and b.unit != a.unit:
            out[i] = _with_note(a, "debris")  # 22.2万170项: a magnitude glued to another number (45万45万: two cells)
            out[i + 1] = _with_note(b, "debris")
        elif not a.unit and re.fullmatch(r"[.．]?\s+", t[a.end:b.start]) and (t[a.end:a.end + 1] in ".．" or (
                b.unit != "%" and re.fullmatch(r"\d{3}(?:\.\d+)?", b.text[:len(b.text) - len(b.unit)].strip())
                and not _in_number_row(t, out, i))):
            out[i] = _with_note(a, "debris")  # "98. 15%", "2 626.63万元": one number broken by OCR spaces
            out[i + 1] = _with_note(b, "debris")
    return out


def _in_number_row(t: str, qs: list[Quantity], i: int) -> bool:
    """qs[i] and qs[i + 1] stand in a row of three or more numbers parted by blanks ("10 10 100 98.62"): the
    cells of a table row, not one number broken by an OCR space."""
    before = i > 0 and bool(re.fullmatch(r"[ \t]+", t[qs[i - 1].end:qs[i].start]))
    after = i + 2 < len(qs) and bool(re.fullmatch(r"[ \t]+", t[qs[i + 1].end:qs[i + 2].start]))
    return before or after


def _with_note(q: Quantity, note: str) -> Quantity:
    return replace(q, note=note)


def parse_quantity(text: str) -> Quantity | None:
    """The main quantity of a short answer ("98.15%", "2,626.63万元", "百分之九十八点一五"): the first one with a unit."""
    qs = [q for q in find_quantities(text) if q.note not in ("debris", "ratio")]
    if not qs:
        try:
            value = Decimal(text.strip().translate(_WIDTH).replace(",", ""))
        except InvalidOperation:
            return None
        return Quantity(value, "", value, "", "other", "", 0, len(text), text, 0, len(text))
    with_unit = [q for q in qs if q.unit]
    return (with_unit or qs)[0]


def from_value(value: float | int | str | Decimal, unit: str | None) -> Quantity:
    """A Quantity from a gold-style (value, unit) pair, e.g. (437000, "家次") or (2626.63, "万元")."""
    dec = _to_decimal(value)
    unit = (unit or "").strip()
    base, base_unit, kind = _make(dec, unit)
    if unit and not base_unit and _scale_of(unit) == 1:
        base_unit, kind = unit, "other"
    s = f"{format_value(dec, unit)}"
    return Quantity(dec, unit, base, base_unit, kind, "", 0, len(s), s, 0, len(s),
                    "down" if dec < 0 else "")


def _to_decimal(value: float | int | str | Decimal) -> Decimal:
    if isinstance(value, Decimal):
        return value
    if isinstance(value, float):
        return Decimal(str(int(value))) if value.is_integer() else Decimal(repr(value))
    return Decimal(str(value).replace(",", ""))


def decimals_of(text_or_value: str | float | int | Decimal | Quantity) -> int:
    """Decimals as stated: "98.10%" -> 2, "98.1%" -> 1, 98.15 -> 2, Decimal("2626.630") -> 3."""
    if isinstance(text_or_value, Quantity):
        dec = text_or_value.value
    elif isinstance(text_or_value, str):
        q = parse_quantity(text_or_value)
        if q is None:
            return 0
        dec = q.value
    else:
        dec = _to_decimal(text_or_value)
    exp = dec.as_tuple().exponent
    return -exp if isinstance(exp, int) and exp < 0 else 0


def round_to(value: Decimal, decimals: int) -> Decimal:
    """Round half up to the given decimals."""
    return value.quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)


def same_quantity(a: Quantity, b: Quantity, decimals: int | None = None) -> bool:
    """Whether a states the same amount as b (the reference), compared in b's unit to b's stated decimals.

    Different kinds or base units never match. A direction only matters when both state one
    ("下降3.5%" vs "3.5%" match; "下降3.5%" vs "增长3.5%" do not).
    """
    if a.kind != b.kind or a.base_unit != b.base_unit:
        return False
    if a.direction and b.direction and a.direction != b.direction:
        return False
    av, bv = a.base_value, b.base_value
    if not (a.direction and b.direction):
        av, bv = abs(av), abs(bv)
    scale = b.scale
    d = decimals_of(b) if decimals is None else decimals
    return round_to(av / scale, d) == round_to(bv / scale, d)


def format_value(value: Decimal, unit: str) -> str:
    """Plain rendering without exponent: (Decimal("2626.63"), "万元") -> "2626.63万元"."""
    s = format(value, "f")
    if s.startswith("-") and value == 0:
        s = s[1:]
    return f"{s}{unit}"
