"""The domain's words, read from core/vocabulary.toml and merged with the user's file: one loader, cached.

Sections: [orgs] aliases and place rules, [metrics] synonyms, [changes], [qualifiers], [units], [questions]. A user
file (``Settings.aliases_file``) of the same layout is merged over the packaged one section by section: a table adds
its keys, a list adds its words, a string adds its characters; a section or key the packaged file does not have is
refused (a typo would otherwise be ignored). The Assistant loads it once and hands it down; code that runs without an
Assistant (ingest, tests) calls ``load_vocabulary()`` for the packaged words.
"""

from __future__ import annotations

import copy
import re
import tomllib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, fields
from functools import lru_cache
from pathlib import Path
from types import MappingProxyType
from typing import Any, TypeVar

from core.errors import BadInput

VOCABULARY_FILE = Path(__file__).with_name("vocabulary.toml")
# tables whose keys are words themselves: a user file may add keys to them
OPEN_TABLES = ("orgs", "orgs.abbreviations", "metrics", "units.measures", "units.not_after")
Words = tuple[str, ...]


@dataclass(frozen=True)
class Changes:
    """[changes]: a change against an earlier period, which way it went, against what."""

    up: Words
    down: Words
    adjusted_up: Words
    adjusted_down: Words
    in_names: Words
    neutral: Words
    rates: Words
    since: Words
    earlier: Words
    start: Words
    before: Words
    metric_names: Words

    @property
    def verbs(self) -> Words:
        """Every word that says a figure changed: up, down or either way."""
        return (*self.up, *self.down, *self.neutral)

    @property
    def alone(self) -> Words:
        """The change words that ask for a change by themselves, without a period word (not ``in_names``)."""
        return tuple(w for w in self.verbs if w not in self.in_names)


@dataclass(frozen=True)
class Qualifiers:
    """[qualifiers]: bounds and approximations written before or after a number."""

    before: Words
    after: Words
    at_least: Words
    at_most: Words
    shown: Words


@dataclass(frozen=True)
class OrgEndings:
    """[orgs.endings]: what ends the name of a body besides a department."""

    issuers: Words
    units: Words
    signers: Words


@dataclass(frozen=True)
class Units:
    """[units]: units of measure and of counted things, magnitudes, and the units a question asks in."""

    magnitudes: tuple[tuple[str, int], ...]
    measures: Mapping[str, tuple[str, str]]  # unit as written -> (base unit, kind)
    counts: Words
    weak: Words
    per: Words
    counted: Words
    asked: Words
    not_after: Mapping[str, str]  # unit -> characters that, right after it, make it part of a word

    @property
    def all(self) -> dict[str, tuple[str, str]]:
        """Every unit as written -> (base unit, kind); a counted thing is its own base unit."""
        out = dict(self.measures)
        for u in self.counts:
            out.setdefault(u, (u, "count"))
        return out


@dataclass(frozen=True)
class Questions:
    """[questions]: the words that ask, and what they ask for (see the comments in the data file)."""

    ask: Words
    ask_marks: str
    number: Words
    numeric: Words
    numeric_endings: Words
    text: Words
    text_weak: Words
    text_weak_endings: Words
    compare: Words
    compare_between: Words
    compare_years: Words
    degree: Words
    higher: Words
    lower: Words
    more: Words
    less: Words
    listing: Words
    below: Words
    above: Words
    missed: Words
    value_words: Words
    target: Words
    actual: Words
    only_target: Words
    only_actual: Words
    done: Words
    in_percent: Words
    percent: Words
    score: Words
    money: Words
    count: Words
    followup_lead: Words
    followup_tail: Words
    followup_end: Words


@dataclass(frozen=True, eq=False)  # hashed by identity: code caches what it builds from one loaded vocabulary
class Vocabulary:
    """Every section of the vocabulary, as loaded. Read-only; load it with ``load_vocabulary``."""

    aliases: Mapping[str, Words]  # alias -> full organisation names
    abbreviations: Mapping[str, Words]  # department -> short forms
    place_suffixes: Words
    departments: Words
    not_places: frozenset[str]  # whole words: 全区, 城区 ...
    not_place_endings: frozenset[str]  # endings: 琶洲地区, 某某片区 ...
    not_after: frozenset[str]
    stop_chars: frozenset[str]
    endings: OrgEndings
    metrics: Mapping[str, Words]  # canonical metric -> synonyms
    changes: Changes
    qualifiers: Qualifiers
    units: Units
    questions: Questions


Lexicon = Vocabulary  # the name app/pipeline.py uses


def alternation(*lists: Iterable[str]) -> str:
    """A regex alternation of the words (no group): escaped, each once, the longest first so it wins."""
    words = dict.fromkeys(w for ws in lists for w in ws if w)
    return "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))


def _fail(source: str, problem: str) -> BadInput:
    return BadInput(f"vocabulary file {source}: {problem}; see core/vocabulary.toml for the layout")


def _merge(base: dict[str, Any], over: dict[str, Any], where: str, source: str) -> None:
    """Merge ``over`` into ``base``: tables key by key, lists word by word, strings character by character."""
    for key, value in over.items():
        here = f"{where}.{key}" if where else key
        if key not in base:
            if where not in OPEN_TABLES:
                raise _fail(source, f"[{where or key}] has no entry {key!r}" if where else f"unknown section [{key}]")
            base[key] = copy.deepcopy(value)
        elif where == "units.measures":
            base[key] = value  # a unit's [base unit, kind] is replaced, not extended
        elif isinstance(base[key], dict) and isinstance(value, dict):
            _merge(base[key], value, here, source)
        elif isinstance(base[key], list) and isinstance(value, list):
            base[key] += [v for v in value if v not in base[key]]
        elif isinstance(base[key], str) and isinstance(value, str):
            base[key] += "".join(c for c in dict.fromkeys(value) if c not in base[key])
        else:
            raise _fail(source, f"{here} should be a {type(base[key]).__name__}, got {type(value).__name__}")


def _words(data: dict[str, Any], key: str, where: str) -> Words:
    value = data.get(key, [])
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise _fail(where, f"{key} must be a list of words, got {value!r:.60}")
    return tuple(value)


S = TypeVar("S")


def _section(cls: type[S], data: dict[str, Any], where: str) -> S:
    """A section of plain word lists (strings for fields typed str)."""
    values: dict[str, Any] = {}
    for f in fields(cls):  # type: ignore[arg-type]
        if f.type == "str":
            values[f.name] = str(data.get(f.name, ""))
        else:
            values[f.name] = _words(data, f.name, f"[{where}]")
    return cls(**values)


def _table_of_words(data: Any, where: str) -> Mapping[str, Words]:
    if not isinstance(data, dict):
        raise _fail(where, f"[{where}] must be a table of name = [words]")
    return MappingProxyType({str(k): _words(data, k, f"[{where}]") for k in data})


def _units(data: dict[str, Any]) -> Units:
    try:
        magnitudes = tuple((str(m), int(f)) for m, f in data.get("magnitudes", []))
        measures = {str(u): (str(b), str(k)) for u, (b, k) in data.get("measures", {}).items()}
    except (TypeError, ValueError) as e:
        raise _fail("[units]", f"magnitudes are [name, factor] pairs and measures unit = [base unit, kind] ({e})") from e
    return Units(magnitudes, MappingProxyType(measures), _words(data, "counts", "[units]"),
                 _words(data, "weak", "[units]"), _words(data, "per", "[units]"), _words(data, "counted", "[units]"),
                 _words(data, "asked", "[units]"),
                 MappingProxyType({str(k): str(v) for k, v in data.get("not_after", {}).items()}))


def _build(data: dict[str, Any]) -> Vocabulary:
    orgs = data.get("orgs", {})
    places, abbreviations = orgs.get("places", {}), orgs.get("abbreviations", {})
    aliases = {k: v for k, v in orgs.items() if k not in ("places", "abbreviations", "endings")}
    bad = [k for k, v in aliases.items() if not isinstance(v, list)]
    if bad:
        raise _fail("[orgs]", f"entry {bad[0]!r} should be a list of organisation names")
    return Vocabulary(
        aliases=_table_of_words(aliases, "orgs"), abbreviations=_table_of_words(abbreviations, "orgs.abbreviations"),
        place_suffixes=_words(places, "suffixes", "[orgs.places]"),
        departments=_words(places, "departments", "[orgs.places]"),
        not_places=frozenset(_words(places, "not_places", "[orgs.places]")),
        not_place_endings=frozenset(_words(places, "not_place_endings", "[orgs.places]")),
        not_after=frozenset(_words(places, "not_after", "[orgs.places]")),
        stop_chars=frozenset(str(places.get("stop_chars", ""))),
        endings=_section(OrgEndings, orgs.get("endings", {}), "orgs.endings"),
        metrics=_table_of_words(data.get("metrics", {}), "metrics"),
        changes=_section(Changes, data.get("changes", {}), "changes"),
        qualifiers=_section(Qualifiers, data.get("qualifiers", {}), "qualifiers"),
        units=_units(data.get("units", {})),
        questions=_section(Questions, data.get("questions", {}), "questions"),
    )


def _read(path: Path) -> dict[str, Any]:
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError as e:
        raise BadInput(f"alias file {path} does not exist; fix REPORTQA_ALIASES_FILE or create it") from e
    except tomllib.TOMLDecodeError as e:
        raise BadInput(f"alias file {path} is not valid TOML ({e}); see core/vocabulary.toml for the layout") from e


@lru_cache(maxsize=16)
def _load(user: tuple[str, int, int] | None) -> Vocabulary:
    data = _read(VOCABULARY_FILE)
    if user is not None:
        _merge(data, _read(Path(user[0])), "", user[0])
    return _build(data)


def load_vocabulary(extra: Path | str | None = None) -> Vocabulary:
    """The packaged vocabulary, with the user's file (``Settings.aliases_file``) merged over it when given.

    Loaded once per file version (an edited user file is read again). Raises:
        BadInput: a user file that is missing, not valid TOML, or names a section or key the vocabulary lacks.
    """
    if not extra:
        return _load(None)
    path = Path(extra)
    try:
        st = path.stat()
    except FileNotFoundError as e:
        raise BadInput(f"alias file {path} does not exist; fix REPORTQA_ALIASES_FILE or create it") from e
    return _load((str(path.resolve()), st.st_mtime_ns, st.st_size))


load_lexicon = load_vocabulary  # the name app/pipeline.py uses
