"""Prompts are files in prompts/: a header declares their variables; rendering checks them."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from core.errors import ReportQAError

PROMPTS_DIR = Path(__file__).resolve().parents[2] / "prompts"


@dataclass(frozen=True)
class Prompt:
    name: str
    variables: tuple[str, ...]
    system: str
    user: str

    def render(self, **values: str) -> list[tuple[str, str]]:
        """(role, text) messages; every declared variable must be given, and no others."""
        if set(values) != set(self.variables):
            raise ReportQAError(f"prompt {self.name}: needs variables {sorted(self.variables)}, "
                                f"got {sorted(values)}")
        from langchain_core.prompts import ChatPromptTemplate

        template = ChatPromptTemplate.from_messages([("system", self.system), ("human", self.user)])
        return [(m.type, str(m.content)) for m in template.format_messages(**values)]


def load_prompt(name: str, folder: Path = PROMPTS_DIR) -> Prompt:
    """Read prompts/<name>.txt: '# variables: a, b' header, then [system] and [user] sections."""
    path = folder / f"{name}.txt"
    if not path.exists():
        raise ReportQAError(f"prompt file {path} is missing")
    text = path.read_text(encoding="utf-8")
    m = re.search(r"^# variables:\s*(.*)$", text, re.M)
    variables = tuple(v.strip() for v in (m.group(1).split(",") if m else []) if v.strip())
    body = "\n".join(line for line in text.splitlines() if not line.startswith("#"))
    parts = re.split(r"^\[(system|user)\]\s*$", body, flags=re.M)
    sections = {parts[i]: parts[i + 1].strip() for i in range(1, len(parts) - 1, 2)}
    if "system" not in sections or "user" not in sections:
        raise ReportQAError(f"prompt file {path} needs a [system] and a [user] section")
    used = set(re.findall(r"{(\w+)}", sections["system"] + sections["user"]))
    if used != set(variables):
        raise ReportQAError(f"prompt file {path}: declares {sorted(variables)} but uses {sorted(used)}")
    return Prompt(name, variables, sections["system"], sections["user"])
