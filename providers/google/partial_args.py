"""Streamed ``partialArgs`` of a Gemini function call -> JSON text deltas and the final arguments (pure).

Vertex AI's ``streamFunctionCallArguments`` sends a call's arguments as leaf values addressed by JSON
paths (``$.recipe.ingredients[0].name``), strings possibly split over several pieces. The accumulator
keeps the arguments built so far and the JSON text already emitted, so the deltas it returns join to
exactly the compact JSON of the final arguments (the text :meth:`PartialArgsAccumulator.finish` closes).
"""

from __future__ import annotations

import itertools
import json
import re
from dataclasses import dataclass
from typing import Any

from .wire import PartialArg

__all__ = ["PartialArgsAccumulator"]

Segment = str | int
_INDEX = re.compile(r"\[(\d+)\]")


@dataclass
class _Open:
    """An open container in the emitted text: its key or index, kind and number of children written."""

    segment: Segment
    is_array: bool
    children: int = 0


class PartialArgsAccumulator:
    """One streamed function call's arguments (one instance per call)."""

    def __init__(self) -> None:
        self._args: dict[str, Any] = {}
        self._text = ""
        self._stack: list[_Open] = []
        self._string_open = False

    def feed(self, partial_args: list[PartialArg]) -> str:
        """The JSON text these pieces add (may be empty)."""
        delta = ""
        for arg in partial_args:
            raw_path = re.sub(r"^\$\.", "", arg.jsonPath)
            if not raw_path:
                continue
            segments = _parse_path(raw_path)
            existing = _get(self._args, segments)
            if arg.stringValue is not None and existing is not _MISSING:
                _set(self._args, segments, str(existing) + arg.stringValue)
                delta += _json(arg.stringValue)[1:-1]
                continue
            resolved = _value(arg)
            if resolved is _MISSING:
                continue
            _set(self._args, segments, resolved)
            delta += self._navigate(segments, arg, _json(resolved))
        self._text += delta
        return delta

    def finish(self) -> tuple[str, str]:
        """``(final JSON text, closing delta)``: the delta completes the text emitted so far."""
        final = _json(self._args)
        return final, final[len(self._text) :]

    def _navigate(self, segments: list[Segment], arg: PartialArg, value_json: str) -> str:
        fragment = ""
        if self._string_open:
            fragment += '"'
            self._string_open = False
        if not self._stack:
            self._stack.append(_Open("", is_array=False))
            fragment += "{"
        containers, leaf = segments[:-1], segments[-1]
        common = 0
        for depth in range(min(len(self._stack) - 1, len(containers))):
            if self._stack[depth + 1].segment != containers[depth]:
                break
            common += 1
        while len(self._stack) > common + 1:
            fragment += "]" if self._stack.pop().is_array else "}"
        for index in range(len(self._stack) - 1, len(containers)):
            parent = self._stack[-1]
            fragment += "," if parent.children else ""
            parent.children += 1
            segment = containers[index]
            if isinstance(segment, str):
                fragment += _json(segment) + ":"
            child = containers[index + 1] if index + 1 < len(containers) else leaf
            is_array = isinstance(child, int)
            fragment += "[" if is_array else "{"
            self._stack.append(_Open(segment, is_array=is_array))
        container = self._stack[-1]
        fragment += "," if container.children else ""
        container.children += 1
        if isinstance(leaf, str):
            fragment += _json(leaf) + ":"
        if arg.stringValue is not None and arg.willContinue:
            fragment += value_json[:-1]
            self._string_open = True
        else:
            fragment += value_json
        return fragment


class _Missing:
    pass


_MISSING: Any = _Missing()


def _parse_path(raw_path: str) -> list[Segment]:
    """``recipe.ingredients[0].name`` -> ``["recipe", "ingredients", 0, "name"]``."""
    segments: list[Segment] = []
    for part in raw_path.split("."):
        bracket = part.find("[")
        if bracket == -1:
            segments.append(part)
            continue
        if bracket > 0:
            segments.append(part[:bracket])
        segments.extend(int(match) for match in _INDEX.findall(part))
    return segments


def _get(container: Any, segments: list[Segment]) -> Any:
    current = container
    for segment in segments:
        in_dict = isinstance(current, dict) and isinstance(segment, str) and segment in current
        in_list = isinstance(current, list) and isinstance(segment, int) and segment < len(current)
        if not (in_dict or in_list):
            return _MISSING
        current = current[segment]
    return current


def _set(container: Any, segments: list[Segment], value: Any) -> None:
    current = container
    for segment, following in itertools.pairwise(segments):
        child = _get(current, [segment])
        if child is _MISSING or child is None:
            child = [] if isinstance(following, int) else {}
            _put(current, segment, child)
        current = child
    _put(current, segments[-1], value)


def _put(container: Any, segment: Segment, value: Any) -> None:
    if isinstance(container, list) and isinstance(segment, int):
        container.extend([None] * (segment + 1 - len(container)))
        container[segment] = value
    elif isinstance(container, dict):
        container[str(segment)] = value


def _value(arg: PartialArg) -> Any:
    """The first typed value a piece carries; ``nullValue`` present means JSON null."""
    for value in (arg.stringValue, arg.numberValue, arg.boolValue):
        if value is not None:
            return value
    return None if "nullValue" in arg.model_fields_set else _MISSING


def _json(value: Any) -> str:
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False)
