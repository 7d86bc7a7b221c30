"""The editable vocabulary of core/vocabulary.toml (organisation aliases, departments, place rules), with user overrides."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from core.errors import BadInput

VOCABULARY_FILE = Path(__file__).with_name("vocabulary.toml")


@dataclass
class Lexicon:
    """Editable vocabulary: organisation aliases, department abbreviations, place-name rules."""

    aliases: dict[str, list[str]] = field(default_factory=dict)  # alias -> full organisation names
    abbreviations: dict[str, list[str]] = field(default_factory=dict)  # department -> short forms
    place_suffixes: list[str] = field(default_factory=lambda: ["自治区", "省", "市", "区", "县", "旗"])
    departments: list[str] = field(default_factory=lambda: ["委员会", "办公室", "局", "厅", "署"])
    not_places: frozenset[str] = frozenset()  # whole words: 全区, 城区 ...
    not_place_endings: frozenset[str] = frozenset()  # endings: 琶洲地区, 某某片区 ...
    not_after: frozenset[str] = frozenset()
    stop_chars: frozenset[str] = frozenset()
    metrics: dict[str, Any] = field(default_factory=dict)  # the [metrics] section, as read (owned by ingest)


def _merge(lex: Lexicon, data: dict[str, Any], source: Path) -> None:
    orgs = data.get("orgs", {})
    if not isinstance(orgs, dict):
        raise BadInput(f"{source}: [orgs] must be a table of alias = [names]; got {type(orgs).__name__}")
    for key, value in orgs.items():
        if isinstance(value, list):
            lex.aliases.setdefault(key, [])
            lex.aliases[key] += [str(v) for v in value if str(v) not in lex.aliases[key]]
        elif key == "abbreviations" and isinstance(value, dict):
            for long, shorts in value.items():
                lex.abbreviations.setdefault(long, [])
                lex.abbreviations[long] += [s for s in shorts if s not in lex.abbreviations[long]]
        elif key == "places" and isinstance(value, dict):
            lex.place_suffixes = list(value.get("suffixes", lex.place_suffixes))
            lex.departments = list(value.get("departments", lex.departments))
            lex.not_places |= frozenset(value.get("not_places", []))
            lex.not_place_endings |= frozenset(value.get("not_place_endings", []))
            lex.not_after |= frozenset(value.get("not_after", []))
            lex.stop_chars |= frozenset(value.get("stop_chars", ""))
        else:
            raise BadInput(f"{source}: [orgs] entry {key!r} should be a list of organisation names")
    if isinstance(data.get("metrics"), dict):
        lex.metrics.update(data["metrics"])


def load_lexicon(extra: Path | None = None) -> Lexicon:
    """The packaged core/vocabulary.toml, with an optional user TOML of the same layout merged over it.

    Raises:
        BadInput: a file that is missing or not valid TOML.
    """
    lex = Lexicon()
    for path in [VOCABULARY_FILE] + ([Path(extra)] if extra else []):
        try:
            data = tomllib.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError as e:
            raise BadInput(f"alias file {path} does not exist; fix REPORTQA_ALIASES_FILE or create it") from e
        except tomllib.TOMLDecodeError as e:
            raise BadInput(f"alias file {path} is not valid TOML ({e}); see core/vocabulary.toml for the layout") from e
        _merge(lex, data, path)
    return lex
