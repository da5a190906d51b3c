"""Test doubles shipped with the library, so users can test their own middleware offline."""

from __future__ import annotations

from collections.abc import AsyncGenerator, Awaitable, Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from .model import CallType, EndpointIdentity, SupportedUrls
from .params import CallParams
from .result import FinishReason, GenerateResult, ResponseMetadata, TextContent, Usage
from .stream import (
    FinishPart,
    ResponseMetadataPart,
    StreamPart,
    StreamResult,
    StreamStartPart,
    TextDeltaPart,
    TextEndPart,
    TextStartPart,
)

__all__ = ["MockLanguageModel", "RecordedCall", "text_result", "text_stream_parts"]

GenerateScript = GenerateResult | BaseException | Callable[[CallParams], Awaitable[GenerateResult]]
StreamScript = Sequence[StreamPart] | BaseException | Callable[[CallParams], Awaitable[StreamResult]]


@dataclass(frozen=True)
class RecordedCall:
    """One call the mock received: ``"generate"`` or ``"stream"`` and its params."""

    type: str
    params: CallParams


def text_result(
    text: str,
    *,
    finish_reason: FinishReason = "stop",
    usage: Usage | None = None,
    model_id: str = "mock-model",
) -> GenerateResult:
    """A simple generate result holding one text part."""
    return GenerateResult(
        content=[TextContent(text=text)],
        finish_reason=finish_reason,
        raw_finish_reason=finish_reason,
        usage=usage or Usage.of(input_tokens=3, output_tokens=len(text.split()) or 1),
        response=ResponseMetadata(id="mock-response", model_id=model_id),
    )


def text_stream_parts(
    chunks: Iterable[str],
    *,
    finish_reason: FinishReason = "stop",
    usage: Usage | None = None,
) -> list[StreamPart]:
    """The parts of a stream that sends ``chunks`` as text deltas, then finishes."""
    deltas: list[StreamPart] = [TextDeltaPart(id="0", delta=chunk) for chunk in chunks]
    return [
        StreamStartPart(),
        ResponseMetadataPart(id="mock-response", model_id="mock-model"),
        TextStartPart(id="0"),
        *deltas,
        TextEndPart(id="0"),
        FinishPart(
            finish_reason=finish_reason,
            raw_finish_reason=finish_reason,
            usage=usage or Usage.of(input_tokens=3, output_tokens=len(deltas)),
        ),
    ]


@dataclass
class MockLanguageModel:
    """A scripted :class:`~pipeline.model.LanguageModel` that records every call.

    ``generate`` / ``stream`` are each one script or a list of scripts used in turn (the last one
    repeats). A script is a result (or list of stream parts), an exception to raise, or an async
    function of the params. ``calls`` records every call in order. ``identity`` is its
    ``endpoint_identity`` (default: the provider id, no base URL, no credentials).
    """

    generate: GenerateScript | list[GenerateScript] = field(default_factory=lambda: text_result("Hello!"))
    stream: StreamScript | list[StreamScript] = field(
        default_factory=lambda: text_stream_parts(["Hel", "lo", "!"])
    )
    provider: str = "mock"
    model_id: str = "mock-model"
    supported_urls: SupportedUrls = field(default_factory=dict)
    identity: EndpointIdentity | None = None
    calls: list[RecordedCall] = field(default_factory=list, repr=False)

    @property
    def endpoint_identity(self) -> EndpointIdentity:
        return self.identity or EndpointIdentity(self.provider, None, None)

    async def resolve_params(self, type: CallType, params: CallParams) -> CallParams:
        return params

    @property
    def generate_calls(self) -> list[CallParams]:
        return [call.params for call in self.calls if call.type == "generate"]

    @property
    def stream_calls(self) -> list[CallParams]:
        return [call.params for call in self.calls if call.type == "stream"]

    async def do_generate(self, params: CallParams) -> GenerateResult:
        index = len(self.generate_calls)
        self.calls.append(RecordedCall("generate", params))
        script = _pick(self.generate, index)
        if isinstance(script, BaseException):
            raise script
        if isinstance(script, GenerateResult):
            return script
        result: GenerateResult = await script(params)
        return result

    async def do_stream(self, params: CallParams) -> StreamResult:
        index = len(self.stream_calls)
        self.calls.append(RecordedCall("stream", params))
        script: Any = _pick(self.stream, index)
        if isinstance(script, BaseException):
            raise script
        if callable(script):
            result: StreamResult = await script(params)
            return result
        return StreamResult(stream=_replay(list(script)))


def _pick(scripts: Any, index: int) -> Any:
    if isinstance(scripts, list) and scripts and not _is_part_list(scripts):
        return scripts[min(index, len(scripts) - 1)]
    return scripts


def _is_part_list(value: list[Any]) -> bool:
    """A list of stream parts (possibly with an exception to raise mid-stream), not a list of scripts."""
    return any(hasattr(item, "type") for item in value)


async def _replay(parts: list[StreamPart]) -> AsyncGenerator[StreamPart, None]:
    for part in parts:
        if isinstance(part, BaseException):
            raise part
        yield part
