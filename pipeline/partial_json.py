"""JSON out of model text: strip Markdown code fences, and parse the JSON prefix of a growing stream.

``fix_json`` closes a truncated JSON text at its last safe point: open strings and containers are
closed, a half-written key (with its pending value) is dropped, a partial ``true`` / ``false`` /
``null`` is completed and a number is cut to its longest valid prefix. All functions are pure.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any, Literal

__all__ = ["ParseState", "PartialParse", "fix_json", "parse_partial_json", "strip_code_fences"]

ParseState = Literal["undefined-input", "successful-parse", "repaired-parse", "failed-parse"]

_OPENING_FENCE = re.compile(r"\A\s*```[\w-]*[ \t]*\n?")
_CLOSING_FENCE = re.compile(r"\n?```\s*\Z")
_NUMBER = re.compile(r"-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?")
_NUMBER_CHARS = frozenset("0123456789+-.eE")
_LITERALS = {"t": "true", "f": "false", "n": "null"}
_WHITESPACE = frozenset(" \t\r\n")


@dataclass(frozen=True, slots=True)
class PartialParse:
    """The value parsed from a (possibly truncated) JSON text, and how it was obtained."""

    value: Any
    state: ParseState


def strip_code_fences(text: str) -> str:
    """The text inside a leading Markdown code fence (```json ... ```), or the text itself.

    A fence that has opened but not yet closed (a stream in progress) is stripped too.
    """
    opening = _OPENING_FENCE.match(text)
    if opening is None:
        return text
    return _CLOSING_FENCE.sub("", text[opening.end() :])


def parse_partial_json(text: str | None) -> PartialParse:
    """Parse ``text`` as JSON, else as the repaired prefix of a JSON document (see :func:`fix_json`)."""
    if text is None or not text.strip():
        return PartialParse(None, "undefined-input")
    try:
        return PartialParse(json.loads(text), "successful-parse")
    except json.JSONDecodeError:
        pass
    fixed = fix_json(text)
    if fixed is None:
        return PartialParse(None, "failed-parse")
    try:
        return PartialParse(json.loads(fixed), "repaired-parse")
    except json.JSONDecodeError:  # pragma: no cover - fix_json only returns parseable text
        return PartialParse(None, "failed-parse")


@dataclass(slots=True)
class _Frame:
    """One open container: ``"{"`` or ``"["`` and what it expects next."""

    kind: str
    expect: Literal["first", "key", "colon", "value", "after"]


def fix_json(text: str) -> str | None:
    """The longest safe truncation of ``text`` completed into valid JSON, or ``None`` if there is none.

    Scanning stops at the first character that cannot continue a JSON document.
    """
    scanner = _Scanner(text)
    scanner.run()
    if scanner.cut is None:
        return None
    end, tail = scanner.cut
    return text[:end] + tail


class _Scanner:
    """A single pass over the text, remembering the last point where it can be cut and closed."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.stack: list[_Frame] = []
        self.cut: tuple[int, str] | None = None
        self.done = False

    def closers(self) -> str:
        return "".join("}" if frame.kind == "{" else "]" for frame in reversed(self.stack))

    def mark(self, end: int, suffix: str = "") -> None:
        """Remember that ``text[:end] + suffix`` plus the open containers' closers is valid JSON."""
        self.cut = (end, suffix + self.closers())

    def run(self) -> None:
        index = 0
        text = self.text
        while index < len(text) and not self.done:
            char = text[index]
            if char in _WHITESPACE:
                index += 1
                continue
            frame = self.stack[-1] if self.stack else None
            if frame is None:
                index = self.value(index) if self.cut is None else len(text)
            elif frame.expect in ("first", "key"):
                if char == "}" and frame.kind == "{" and frame.expect == "first":
                    index = self.close(index)
                elif char == '"' and frame.kind == "{":
                    index = self.string(index, is_key=True)
                elif frame.kind == "[" and char == "]" and frame.expect == "first":
                    index = self.close(index)
                elif frame.kind == "[":
                    index = self.value(index)
                else:
                    return
            elif frame.expect == "colon":
                if char != ":":
                    return
                frame.expect = "value"
                index += 1
            elif frame.expect == "value":
                index = self.value(index)
            elif char == ",":
                frame.expect = "key" if frame.kind == "{" else "value"
                index += 1
            elif char == ("}" if frame.kind == "{" else "]"):
                index = self.close(index)
            else:
                return

    def value(self, index: int) -> int:
        """Scan the value starting at ``index``; returns the index after it."""
        char = self.text[index]
        if char in "{[":
            self.stack.append(_Frame(char, "first"))
            self.mark(index + 1)
            return index + 1
        if char == '"':
            return self.string(index, is_key=False)
        if char in _LITERALS:
            return self.literal(index, _LITERALS[char])
        if char == "-" or char.isdigit():
            return self.number(index)
        self.done = True
        return index

    def string(self, start: int, *, is_key: bool) -> int:
        text = self.text
        index = start + 1
        if not is_key:
            self.mark(index, '"')
        while index < len(text):
            char = text[index]
            if char == '"':
                self.completed(index + 1, is_key=is_key)
                return index + 1
            if char == "\\":
                escape = _escape_length(text, index)
                if escape is None:
                    self.done = True
                    return index
                index += escape
            elif char < " ":
                self.done = True
                return index
            else:
                index += 1
            if not is_key and index <= len(text):
                self.mark(index, '"')
        self.done = True
        return index

    def literal(self, start: int, word: str) -> int:
        text = self.text
        index = start
        while index < len(text) and index - start < len(word):
            if text[index] != word[index - start]:
                self.done = True
                return index
            index += 1
            if index - start < len(word):
                self.mark(index, word[index - start :])
        if index - start < len(word):
            self.done = True
            return index
        self.completed(index, is_key=False)
        return index

    def number(self, start: int) -> int:
        text = self.text
        index = start
        while index < len(text) and text[index] in _NUMBER_CHARS:
            index += 1
        match = _NUMBER.match(text, start, index)
        if match is None:
            self.done = True
            return index
        if match.end() < index and index < len(text):
            self.done = True  # an invalid number in the middle of the text
            return index
        if index == len(text):
            self.mark(match.end())  # the number may go on: cut it to its valid prefix
            self.done = True
            return index
        self.completed(index, is_key=False)
        return index

    def completed(self, end: int, *, is_key: bool) -> None:
        """A key or a value ended at ``end``."""
        frame = self.stack[-1] if self.stack else None
        if is_key:
            assert frame is not None
            frame.expect = "colon"
            return
        if frame is not None:
            frame.expect = "after"
        self.mark(end)

    def close(self, index: int) -> int:
        self.stack.pop()
        self.completed(index + 1, is_key=False)
        return index + 1


def _escape_length(text: str, index: int) -> int | None:
    """Length of the escape sequence at ``index`` (a backslash); ``None`` if it is invalid.

    A sequence cut off by the end of the text counts as running to the end (nothing is marked inside it).
    """
    if index + 1 >= len(text):
        return len(text) - index + 1
    kind = text[index + 1]
    if kind in '"\\/bfnrt':
        return 2
    if kind != "u":
        return None
    digits = text[index + 2 : index + 6]
    if not all(c in "0123456789abcdefABCDEF" for c in digits):
        return None
    if len(digits) < 4:
        return len(text) - index + 1
    return 6
