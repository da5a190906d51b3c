"""Read the AI SDK's vitest snapshots (``__snapshots__/*.snap``) into Python values.

A ``.snap`` file is JavaScript: ``exports[`name`] = `value`;`` with the value in pretty-format (objects
as ``{`` / ``"key": value,`` / ``}``, strings quoted but not escaped, ``undefined`` for absent values).
:func:`load_snapshots` returns each value parsed (``undefined`` members left out), keyed by test name;
:func:`parse_pretty` parses one pretty-format text (also what inline snapshots hold).
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

__all__ = ["UNDEFINED", "load_snapshots", "parse_pretty"]

_EXPORT = re.compile(r"^exports\[`((?:[^`\\]|\\.)*)`\] = `((?:[^`\\]|\\.)*)`;$", re.MULTILINE | re.DOTALL)
_OPENER = re.compile(r"(?:[A-Za-z_$][\w$.]* )?([\[{])")
_KEY = re.compile(r'"((?:[^"\\]|\\.)*)": ')
_NUMBER = re.compile(r"-?\d+(?:\.\d+)?(?:e[+-]?\d+)?")


class _Undefined:
    def __repr__(self) -> str:
        return "undefined"


UNDEFINED: Any = _Undefined()
"""A JavaScript ``undefined`` inside an array (members that are ``undefined`` are dropped)."""


def load_snapshots(path: Path) -> dict[str, Any]:
    """Every snapshot of a ``.snap`` file, parsed, by test name (``"doGenerate > text > ... 1"``)."""
    text = path.read_text()
    return {
        _unescape(match.group(1)): parse_pretty(_unescape(match.group(2)).strip("\n"))
        for match in _EXPORT.finditer(text)
    }


def parse_pretty(text: str) -> Any:
    """One pretty-format value."""
    parser = _Parser(text)
    value = parser.value(0, top=True)
    return value


def _unescape(text: str) -> str:
    """Undo the template-literal escaping vitest applies (backslash, backtick, ``${``)."""
    return re.sub(r"\\([\\`$])", r"\1", text)


class _Parser:
    def __init__(self, text: str) -> None:
        self.text = text
        self.at = 0

    def value(self, indent: int, *, top: bool = False) -> Any:
        text = self.text
        if text.startswith('"', self.at):
            return self._string(indent, top)
        opener = _OPENER.match(text, self.at)
        if opener is not None and (opener.end() == len(text) or text[opener.end()] in "\n]}"):
            self.at = opener.end()
            return self._container(opener.group(1), indent)
        end = text.find("\n", self.at)
        end = len(text) if end == -1 else end
        token = text[self.at : end]
        if token.endswith(","):
            token = token[:-1]
        self.at += len(token)
        return _scalar(token)

    def _container(self, opener: str, indent: int) -> Any:
        closer = "]" if opener == "[" else "}"
        text = self.text
        items: list[Any] = []
        members: dict[str, Any] = {}
        if text.startswith(closer, self.at):
            self.at += 1
            return items if opener == "[" else members
        while True:
            if text[self.at] != "\n":
                raise ValueError(f"expected a new line at {self.at}: {text[self.at : self.at + 40]!r}")
            self.at += 1
            start = self.at
            while text[self.at] == " ":
                self.at += 1
            depth = self.at - start
            if depth == indent and text[self.at] == closer:
                self.at += 1
                return items if opener == "[" else members
            if opener == "{":
                key = _KEY.match(text, self.at)
                if key is None:
                    raise ValueError(f"expected a key at {self.at}: {text[self.at : self.at + 40]!r}")
                self.at = key.end()
                value = self.value(depth)
                if value is not UNDEFINED:
                    members[key.group(1)] = value
            else:
                items.append(self.value(depth))
            if text.startswith(",", self.at):
                self.at += 1

    def _string(self, indent: int, top: bool) -> str:
        """A quoted, unescaped string: it ends at the quote after which the layout resumes."""
        text = self.text
        search = self.at + 1
        while True:
            quote = text.find('"', search)
            if quote == -1:
                raise ValueError(f"unterminated string at {self.at}")
            rest = quote + 1
            if top and rest == len(text):
                break
            if text.startswith(",\n", rest) and self._layout_resumes(rest + 2, indent):
                break
            search = quote + 1
        value = text[self.at + 1 : quote]
        self.at = quote + 1
        return value

    def _layout_resumes(self, line_start: int, indent: int) -> bool:
        text = self.text
        position = line_start
        while position < len(text) and text[position] == " ":
            position += 1
        depth = position - line_start
        if position >= len(text):
            return False
        if depth == indent:
            return True
        return depth == indent - 2 and text[position] in "]}"


def _scalar(token: str) -> Any:
    match token:
        case "undefined":
            return UNDEFINED
        case "null":
            return None
        case "true":
            return True
        case "false":
            return False
    if _NUMBER.fullmatch(token):
        number = float(token)
        return int(number) if number.is_integer() and "." not in token and "e" not in token else number
    return token
