"""Helpers for the golden wire fixtures in ``fixtures/``: load a case, run it through MockTransport.

A fixture holds ``model_id``, ``params`` (CallParams JSON with ``{"$bytes": hex}`` / ``{"$url": ...}``
markers for binary data and URLs), the expected ``request_body`` and ``warnings``, the ``response``
JSON with the expected ``result``, and optionally ``sse_chunks`` with the expected stream ``parts``.
"""

from __future__ import annotations

import itertools
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx

from pipeline.params import CallParams
from pipeline.result import GenerateResult
from pipeline.stream import StreamPart
from providers.google import GoogleLanguageModel

FIXTURES = Path(__file__).parent / "fixtures"


def fixture_names() -> list[str]:
    return sorted(path.stem for path in FIXTURES.glob("*.json"))


def load_fixture(name: str) -> dict[str, Any]:
    fixture: dict[str, Any] = json.loads((FIXTURES / f"{name}.json").read_text())
    return fixture


def decode_markers(value: Any) -> Any:
    """Replace ``{"$bytes": hex}`` with bytes and ``{"$url": text}`` with ``httpx.URL``."""
    if isinstance(value, dict):
        if set(value) == {"$bytes"}:
            return bytes.fromhex(value["$bytes"])
        if set(value) == {"$url"}:
            return httpx.URL(value["$url"])
        return {key: decode_markers(item) for key, item in value.items()}
    if isinstance(value, list):
        return [decode_markers(item) for item in value]
    return value


def call_params(fixture: dict[str, Any]) -> CallParams:
    return CallParams.model_validate(decode_markers(fixture["params"]))


def counting_ids() -> Callable[[], str]:
    counter = itertools.count()
    return lambda: f"id-{next(counter)}"


def sse_bytes(chunks: list[Any]) -> bytes:
    return b"".join(f"data: {json.dumps(chunk)}\r\n\r\n".encode() for chunk in chunks)


class Exchange:
    """A MockTransport that records the requests and answers with a scripted response."""

    def __init__(self, response: httpx.Response) -> None:
        self.response = response
        self.requests: list[httpx.Request] = []
        self.transport = httpx.MockTransport(self._handle)

    def _handle(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        return self.response

    @property
    def body(self) -> Any:
        return json.loads(self.requests[-1].content)

    def model(self, model_id: str, **settings: Any) -> GoogleLanguageModel:
        settings.setdefault("api_key", "test-key")
        return GoogleLanguageModel(model_id, transport=self.transport, generate_id=counting_ids(), **settings)


def json_exchange(body: Any, status: int = 200, headers: dict[str, str] | None = None) -> Exchange:
    return Exchange(httpx.Response(status, json=body, headers=headers))


def sse_exchange(chunks: list[Any]) -> Exchange:
    return Exchange(
        httpx.Response(200, content=sse_bytes(chunks), headers={"content-type": "text/event-stream"})
    )


def result_summary(result: GenerateResult) -> dict[str, Any]:
    """The parts of a result a fixture pins (no timestamps, headers or echoed bodies)."""
    data = result.to_json_dict()
    return {
        "content": data["content"],
        "finishReason": data["finishReason"],
        "rawFinishReason": data.get("rawFinishReason"),
        "usage": data["usage"],
        "providerMetadata": data.get("providerMetadata"),
        "response": {key: data["response"].get(key) for key in ("id", "modelId")},
    }


def part_summaries(parts: list[StreamPart]) -> list[dict[str, Any]]:
    """Stream parts as JSON, without the (clock-dependent) response timestamp."""
    summaries = []
    for part in parts:
        data = part.to_json_dict()
        if data["type"] == "response-metadata":
            data.pop("timestamp", None)
        summaries.append(data)
    return summaries
