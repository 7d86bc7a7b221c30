"""Organisation names in questions: aliases derived from the catalog, longest match, unknown places."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from core.vocabulary import Vocabulary

__all__ = ["OrgResolver", "split_org"]

CJK = re.compile(r"[\u4e00-\u9fff]")
LEADING_WORDS = ("我想知道", "想知道", "告诉我", "请问", "查询", "关于", "有关", "那么", "一下", "请", "问", "查",
                 "在", "对", "和", "与", "及", "跟", "同", "比", "较", "的", "那", "其", "是")


@dataclass(frozen=True)
class OrgName:
    """An organisation name split into its region chain and department."""

    full: str
    regions: tuple[str, ...]
    dept: str


def split_org(name: str, suffixes: Sequence[str]) -> OrgName:
    """"广州市海珠区应急管理局" -> regions ("广州市", "海珠区"), department "应急管理局"."""
    alt = "|".join(sorted(map(re.escape, suffixes), key=len, reverse=True))
    pattern = re.compile(rf"[\u4e00-\u9fff]{{2,}}?(?:{alt})")
    regions: list[str] = []
    rest = name
    while m := pattern.match(rest):
        if len(rest) - m.end() < 2 and regions:  # keep a department of at least two characters
            break
        regions.append(m.group())
        rest = rest[m.end():]
    return OrgName(name, tuple(regions), rest)


def dept_variants(dept: str, lex: Vocabulary) -> list[str]:
    """The department as written plus its short forms (应急管理局 -> 应急局 ...)."""
    if not dept:
        return []
    out = [dept, *lex.abbreviations.get(dept, [])]
    if dept.endswith("管理局") and len(dept) > 4:
        out.append(dept[:-3] + "局")
    return list(dict.fromkeys(out))


@dataclass(frozen=True)
class Alias:
    text: str
    orgs: frozenset[str]
    region_only: bool  # "海珠区": names a region; a department written after it must agree


@dataclass
class OrgMatch:
    start: int
    end: int
    text: str
    orgs: list[str]


@dataclass
class Resolution:
    matches: list[OrgMatch] = field(default_factory=list)
    unknown: str | None = None
    unknown_span: tuple[int, int] | None = None
    ambiguous: list[str] = field(default_factory=list)


class OrgResolver:
    """Finds the catalog's organisations in a question; flags organisations and places it does not know."""

    def __init__(self, org_names: list[str], lex: Vocabulary) -> None:
        self.lex = lex
        table: dict[str, tuple[set[str], bool]] = {}

        def add(alias: str, org: str, region_only: bool) -> None:
            if len(alias) < 2:
                return
            orgs, was_region = table.get(alias, (set(), region_only))
            orgs.add(org)
            table[alias] = (orgs, was_region and region_only)

        self.depts: dict[str, list[str]] = {}
        for org in dict.fromkeys(n for n in org_names if n):
            on = split_org(org, lex.place_suffixes)
            variants = dept_variants(on.dept, lex)
            self.depts[org] = variants
            add(org, org, False)
            for k in range(len(on.regions)):
                chain = "".join(on.regions[k:])
                stems = [chain]
                last = on.regions[-1]
                stem = last[:-1] if not last.endswith("自治区") else last[:-3]
                if len(stem) >= 2 and k == len(on.regions) - 1:
                    stems.append(stem)
                for s in stems:
                    for v in variants:
                        add(s + v, org, False)
                    add(s, org, bool(variants))  # a region alone: a department written after it must agree
        for alias, orgs in lex.aliases.items():
            for org in orgs:
                add(alias, org, False)
        self.aliases = sorted((Alias(a, frozenset(o), r) for a, (o, r) in table.items()),
                              key=lambda a: len(a.text), reverse=True)
        known = {v for vs in self.depts.values() for v in vs}
        known |= {d for long, shorts in lex.abbreviations.items() for d in (long, *shorts)}
        self.known_depts = sorted(known, key=len, reverse=True)
        dalt = "|".join(map(re.escape, sorted(lex.departments, key=len, reverse=True)))
        self.generic_dept = re.compile(rf"[\u4e00-\u9fff]{{2,8}}?(?:{dalt})") if dalt else None

    # -- helpers ---------------------------------------------------------------------------------------
    def _dept_at(self, q: str, i: int) -> str | None:
        """A department name starting at q[i] (known forms first, then the generic pattern)."""
        for d in self.known_depts:
            if q.startswith(d, i):
                return d
        if self.generic_dept and (m := self.generic_dept.match(q, i)):
            if not any(c in self.lex.stop_chars for c in m.group()):
                return m.group()
        return None

    def _known_dept_at(self, q: str, i: int) -> str | None:
        """A department of the lexicon or the catalog (not the generic pattern) starting at q[i]."""
        return next((d for d in self.known_depts if q.startswith(d, i)), None)

    def _strip_leading(self, run: str) -> str:
        changed = True
        while changed and run:
            changed = False
            for w in LEADING_WORDS:
                if run.startswith(w) and len(run) > len(w):
                    run, changed = run[len(w):], True
        return run

    def _is_place(self, place: str) -> bool:
        if place in self.lex.not_places or any(c in self.lex.stop_chars for c in place[:-1]):
            return False
        return not any(place.endswith(w) for w in self.lex.not_place_endings)

    # -- the resolution --------------------------------------------------------------------------------
    def resolve(self, q: str, masked: list[tuple[int, int]] | None = None) -> Resolution:
        """Known organisations (longest alias first), then unknown places/organisations, in question order."""
        taken = [False] * len(q)
        for s, e in masked or []:
            for i in range(s, e):
                taken[i] = True
        res = Resolution()
        for a in self.aliases:
            start = q.find(a.text)
            while start >= 0:
                end = start + len(a.text)
                if not any(taken[start:end]):
                    for i in range(start, end):
                        taken[i] = True
                    m = OrgMatch(start, end, a.text, sorted(a.orgs))
                    if not a.region_only or self._check_department(q, m, res):
                        res.matches.append(m)
                start = q.find(a.text, end)
        res.matches.sort(key=lambda m: m.start)
        if res.unknown is None:
            self._find_unknown(q, taken, res)
        if res.unknown is None and not res.matches:
            self._find_department(q, taken, res)
        amb = [m for m in res.matches if len(m.orgs) > 1]
        if amb:
            res.ambiguous = amb[0].orgs
        return res

    def _check_department(self, q: str, m: OrgMatch, res: Resolution) -> bool:
        """A department written after a region must be one of the region's; False when it names another."""
        dept = self._dept_at(q, m.end)
        if dept is None:
            return True
        fitting = [o for o in m.orgs if dept in self.depts.get(o, [])]
        if fitting:
            m.orgs, m.end, m.text = fitting, m.end + len(dept), m.text + dept
            return True
        if res.unknown is None:
            res.unknown, res.unknown_span = m.text + dept, (m.start, m.end + len(dept))
        return False

    def _find_department(self, q: str, taken: list[bool], res: Resolution) -> None:
        """A department named without a known region: "中山司法局", "市司法局", "教育局", "区民政局".

        The department must belong to an organisation of the catalog, and what stands before it must be a
        region of that organisation: another place ("澄海民政局") or another department is an organisation
        no report covers. "区民政局" / "市卫健委" (the level only) name the one catalog organisation of
        that level and department, if there is exactly one.
        """
        i = 0
        while i < len(q):
            dept = None if taken[i] else self._known_dept_at(q, i)
            if dept is None or any(taken[i:i + len(dept)]):
                i += 1
                continue
            start = i
            while start > 0 and not taken[start - 1] and CJK.match(q[start - 1]) and i - start < 4:
                start -= 1
            stem = self._strip_leading(q[start:i]) if start < i else ""
            if any(c in self.lex.stop_chars for c in stem[:-1]) or stem in self.lex.not_places:
                stem = ""  # "全市各级应急管理部门": no organisation is named
            start = i - len(stem)
            owners = [o for o, variants in self.depts.items() if dept in variants]
            level = stem in self.lex.place_suffixes
            if level:
                owners = [o for o in owners if (r := split_org(o, self.lex.place_suffixes).regions)
                          and r[-1].endswith(stem)]
            if (stem and not level) or not owners:
                res.unknown, res.unknown_span = stem + dept, (start, i + len(dept))
                return
            if len(owners) == 1:
                res.matches.append(OrgMatch(start, i + len(dept), stem + dept, owners))
            return

    def _find_unknown(self, q: str, taken: list[bool], res: Resolution) -> None:
        suffixes = sorted(self.lex.place_suffixes, key=len, reverse=True)
        boundary = 0
        i = 0
        while i < len(q):
            if taken[i] or not CJK.match(q[i]):
                boundary = i + 1
                i += 1
                continue
            suf = next((s for s in suffixes if q.startswith(s, i)), None)
            if suf is None or q[i:i + 2] in self.lex.not_after and not self._known_dept_at(q, i + len(suf)):
                i += 1  # "市民", "市场" are words; "汕头市民政局" is 汕头市 + 民政局
                continue
            run = self._strip_leading(q[boundary:i])
            end = i + len(suf)
            dept = self._dept_at(q, end) if end < len(q) and not taken[end] else None
            stem = run if len(run) <= 4 else (run[-2:] if dept else "")
            place = stem + suf
            if len(stem) >= 2 and self._is_place(place):
                boundary = end
                follows_known = end < len(q) and taken[end] and any(mm.start == end for mm in res.matches)
                if follows_known:  # "广东省广州市应急管理局": a prefix of a known organisation
                    i = end
                    continue
                name = place + (dept or "")
                start = i - len(stem)
                prev = next((mm for mm in res.matches if mm.end == start), None)
                if prev is not None:  # "广州市天河区…": the known region is part of the unknown name
                    res.matches.remove(prev)
                    name, start = prev.text + name, prev.start
                res.unknown, res.unknown_span = name, (start, end + len(dept or ""))
                return
            i += 1
