"""The Python code blocks of Markdown files, and what each must print.

A block is a fenced block whose info string is ``python`` or ``py``. Its ``# >`` lines are the output
it must print, in order (``# > text`` stands for the line ``text``; ``ruff format`` writes the marker
this way); a block without them may print anything. Blocks are compiled under the Markdown file's
name with their own line numbers, so a failing snippet's traceback points at the line of the page.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

FENCE = re.compile(r"^(?P<indent>[ \t]*)(?P<fence>`{3,}|~{3,})[ \t]*(?P<info>[^\n`]*)$")
PYTHON = {"python", "py"}
OUTPUT = re.compile(r"^# ?>(?: |$)")


@dataclass(frozen=True)
class Snippet:
    """One Python block: its file, the line of its first code line (1-based), and its source."""

    path: Path
    line: int
    source: str

    @property
    def expected_output(self) -> str | None:
        """The ``# >`` lines as the text the block must print, or ``None`` when it has none."""
        lines = [
            OUTPUT.sub("", line.strip()) for line in self.source.splitlines() if OUTPUT.match(line.strip())
        ]
        return "\n".join(lines) + "\n" if lines else None

    def compiled(self) -> object:
        """The code object, compiled so that its line numbers are the Markdown file's."""
        return compile("\n" * (self.line - 1) + self.source, str(self.path), "exec", dont_inherit=True)

    def __str__(self) -> str:
        return f"{self.path.name}:{self.line}"


def snippets(path: Path) -> list[Snippet]:
    """The Python blocks of one Markdown file, in order."""
    found: list[Snippet] = []
    lines = path.read_text(encoding="utf-8").splitlines()
    index = 0
    while index < len(lines):
        opening = FENCE.match(lines[index])
        index += 1
        if opening is None:
            continue
        fence, indent = opening["fence"], opening["indent"]
        start, body = index, []
        while index < len(lines) and not lines[index].strip().startswith(fence):
            body.append(lines[index].removeprefix(indent))
            index += 1
        index += 1  # the closing fence
        language = opening["info"].split()[0].lower() if opening["info"].strip() else ""
        if language in PYTHON:
            found.append(Snippet(path, start + 1, "\n".join(body) + "\n"))
    return found
