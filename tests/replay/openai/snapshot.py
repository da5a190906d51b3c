"""Reads vitest snapshot files (``.snap``) into Python values.

A snapshot file is JavaScript: ``exports[`<test name> 1`] = `<pretty-format text>`;``. The text inside the
template literal has ``\\``, backticks and ``${`` escaped; pretty-format writes objects and arrays with
quoted keys, one member a line ending in ``,``, strings in double quotes without escaping their content,
``undefined``, numbers, booleans, ``null`` and dates (``2025-01-01T00:00:00.000Z``) bare.
"""

from __future__ import annotations

import re
from datetime import datetime
from pathlib import Path
from typing import Any

__all__ = ["UNDEFINED", "load_snapshots", "parse_pretty"]

UNDEFINED = object()
"""JavaScript's ``undefined`` (a member with this value is absent in the AI SDK's object)."""

_EXPORT = re.compile(r"^exports\[`(.*?)`\] = `\n(.*?)\n`;$", re.S | re.M)
_BARE = re.compile(r"[^,\n\]}]+")


def load_snapshots(path: Path) -> dict[str, Any]:
    """Every snapshot of ``path``, by test name (the trailing `` 1`` kept)."""
    text = path.read_text(encoding="utf-8")
    return {name: parse_pretty(_unescape(body)) for name, body in _EXPORT.findall(text)}


def _unescape(text: str) -> str:
    return re.sub(r"\\([\\`$])", r"\1", text)


def parse_pretty(text: str) -> Any:
    """One pretty-format value."""
    return _Parser(text).value(0)[0]


class _Parser:
    def __init__(self, text: str) -> None:
        self.text = text

    def value(self, position: int) -> tuple[Any, int]:
        text = self.text
        while text[position] in " \n":
            position += 1
        char = text[position]
        if text.startswith("Uint8Array [", position) or text.startswith("Array [", position):
            position = text.index("[", position)
            char = "["
        elif text.startswith("Object {", position):
            position = text.index("{", position)
            char = "{"
        if char == "[":
            return self._array(position + 1)
        if char == "{":
            return self._object(position + 1)
        if char == '"':
            return self._string(position + 1)
        match = _BARE.match(text, position)
        assert match is not None, text[position : position + 40]
        return _bare(match.group(0).strip()), match.end()

    def _string(self, position: int) -> tuple[str, int]:
        """A string value ends at the quote that ends its member (``",`` + newline; the last line alone)."""
        text = self.text
        end = text.find('",\n', position)
        if end < 0:
            end = text.rindex('"')
        return text[position:end], end + 1

    def _array(self, position: int) -> tuple[list[Any], int]:
        items: list[Any] = []
        text = self.text
        while True:
            while text[position] in " \n,":
                position += 1
            if text[position] == "]":
                return items, position + 1
            item, position = self.value(position)
            items.append(item)

    def _object(self, position: int) -> tuple[dict[str, Any], int]:
        members: dict[str, Any] = {}
        text = self.text
        while True:
            while text[position] in " \n,":
                position += 1
            if text[position] == "}":
                return members, position + 1
            assert text[position] == '"', text[position : position + 40]
            end = text.index('": ', position)
            key = text[position + 1 : end]
            value, position = self.value(end + 3)
            members[key] = value


def _bare(token: str) -> Any:
    if token == "undefined":
        return UNDEFINED
    if token == "null":
        return None
    if token in ("true", "false"):
        return token == "true"
    if re.fullmatch(r"\d{4}-\d\d-\d\dT[\d:.]+Z", token):
        return datetime.fromisoformat(token.replace("Z", "+00:00"))
    try:
        return int(token)
    except ValueError:
        pass
    try:
        return float(token)
    except ValueError:
        return token
