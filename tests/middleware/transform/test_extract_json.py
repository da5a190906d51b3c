"""ExtractJsonMiddleware: Markdown code fences around JSON text stripped, in generate and stream."""

from __future__ import annotations

import json
from typing import Any

import pytest

from middleware.transform.extract_json import ExtractJsonMiddleware, strip_json_fences
from pipeline.chain import wrap_model
from pipeline.errors import InvalidArgumentError
from pipeline.params import CallParams
from pipeline.result import GenerateResult, ReasoningContent, TextContent
from pipeline.stream import (
    FinishPart,
    ReasoningDeltaPart,
    ReasoningEndPart,
    ReasoningStartPart,
    StreamPart,
    StreamResult,
    TextDeltaPart,
    TextEndPart,
    TextStartPart,
    collect_stream,
)
from pipeline.testing import MockLanguageModel, text_stream_parts

PARAMS = CallParams(prompt=[])
FENCED = '```json\n{"value": "test", "items": [1, 2, 3]}\n```'


async def generated_text(text: str, middleware: ExtractJsonMiddleware | None = None) -> str:
    model = MockLanguageModel(generate=GenerateResult(content=[TextContent(text=text)]))
    result = await wrap_model(model, middleware or ExtractJsonMiddleware()).do_generate(PARAMS)
    return result.text


async def streamed(chunks: list[str], middleware: ExtractJsonMiddleware | None = None) -> list[StreamPart]:
    model = MockLanguageModel(stream=text_stream_parts(chunks))
    result = await wrap_model(model, middleware or ExtractJsonMiddleware()).do_stream(PARAMS)
    return [part async for part in result.stream]


def chunked(text: str, size: int) -> list[str]:
    return [text[i : i + size] for i in range(0, len(text), size)]


# generate


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ('```json\n{"value": "test"}\n```', '{"value": "test"}'),
        ('```\n{"value": "test"}\n```', '{"value": "test"}'),
        ('{"value": "test"}', '{"value": "test"}'),
        ('  \n{"value": "test"}\n  ', '{"value": "test"}'),
        ('```json {"value": "test"}```', '{"value": "test"}'),
        ("```json\n[1, 2]\n```\n\n", "[1, 2]"),
    ],
)
async def test_generate_strips_fences_and_trims(text: str, expected: str) -> None:
    assert await generated_text(text) == expected


async def test_generate_keeps_other_parts_and_the_result() -> None:
    model = MockLanguageModel(
        generate=GenerateResult(
            content=[ReasoningContent(text="```json\nkept\n```"), TextContent(text=FENCED)],
            finish_reason="stop",
        )
    )
    result = await wrap_model(model, ExtractJsonMiddleware()).do_generate(PARAMS)
    assert result.content[0] == ReasoningContent(text="```json\nkept\n```")
    assert json.loads(result.text) == {"value": "test", "items": [1, 2, 3]}
    assert result.finish_reason == "stop"


async def test_generate_uses_a_custom_transform_instead_of_the_default() -> None:
    middleware = ExtractJsonMiddleware(transform=lambda text: text.removeprefix("JSON: "))
    assert await generated_text('JSON: {"a": 1}', middleware) == '{"a": 1}'
    assert await generated_text('```\n{"a": 1}\n```', middleware) == '```\n{"a": 1}\n```'


# stream


@pytest.mark.parametrize(
    "text",
    [
        FENCED,
        '```\n{"value": "test"}\n```',
        '{"value": "a longer unfenced object that streams in pieces"}',
        '```json\n{"value": "test"}\n```\n',
        "``",
        '{"a": 1}',
    ],
)
@pytest.mark.parametrize("size", [1, 2, 3, 7, 1000])
async def test_stream_text_equals_the_generate_text_at_every_chunking(text: str, size: int) -> None:
    parts = await streamed(chunked(text, size))
    assert collect_stream(parts).text == await generated_text(text)


async def test_stream_withholds_text_start_until_the_opening_fence_is_decided() -> None:
    parts = await streamed(["``", "`json", "\n{", '"a": 1}', "\n```"])
    texts = [part for part in parts if part.type.startswith("text")]
    assert texts == [TextStartPart(id="0"), TextDeltaPart(id="0", delta='{"a": 1}'), TextEndPart(id="0")]


async def test_stream_sends_unfenced_text_early_holding_back_only_the_last_characters() -> None:
    parts = await streamed(['{"value": "streamed early"', "}"])
    texts = [part for part in parts if part.type.startswith("text")]
    assert texts == [
        TextStartPart(id="0"),
        TextDeltaPart(id="0", delta='{"value": "str'),
        TextDeltaPart(id="0", delta="e"),
        TextDeltaPart(id="0", delta='amed early"}'),
        TextEndPart(id="0"),
    ]


async def test_stream_with_a_custom_transform_buffers_the_block_and_transforms_it_at_its_end() -> None:
    middleware = ExtractJsonMiddleware(transform=str.upper)
    parts = await streamed(['{"a": ', '"b"}'], middleware)
    texts = [part for part in parts if part.type.startswith("text")]
    assert texts == [TextStartPart(id="0"), TextDeltaPart(id="0", delta='{"A": "B"}'), TextEndPart(id="0")]


async def test_stream_passes_other_parts_through_in_order() -> None:
    reasoning = [
        ReasoningStartPart(id="r"),
        ReasoningDeltaPart(id="r", delta="```json"),
        ReasoningEndPart(id="r"),
    ]
    source = text_stream_parts(["```json\n[1]\n```"])
    model = MockLanguageModel(stream=[*source[:2], *reasoning, *source[2:]])
    result = await wrap_model(model, ExtractJsonMiddleware()).do_stream(PARAMS)
    parts = [part async for part in result.stream]
    assert parts[2:5] == reasoning
    assert isinstance(parts[-1], FinishPart)
    assert collect_stream(parts).text == "[1]"


async def test_stream_closes_the_inner_stream_when_the_reader_stops_early() -> None:
    closed: list[bool] = []

    async def source() -> Any:
        try:
            for part in text_stream_parts(['{"a": "a long enough value"', "}"]):
                yield part
        finally:
            closed.append(True)

    async def stream(_: CallParams) -> StreamResult:
        return StreamResult(stream=source())

    result = await wrap_model(MockLanguageModel(stream=stream), ExtractJsonMiddleware()).do_stream(PARAMS)
    await anext(result.stream)
    await result.stream.aclose()
    assert closed == [True]


def test_strip_json_fences_leaves_inner_backticks() -> None:
    assert strip_json_fences('```json\n{"code": "```"}\n```') == '{"code": "```"}'


def test_transform_must_be_callable() -> None:
    with pytest.raises(InvalidArgumentError, match="transform"):
        ExtractJsonMiddleware(transform="strip")  # type: ignore[arg-type]


async def test_stream_a_block_cut_off_before_its_end_sends_what_it_held_before_finish() -> None:
    source = text_stream_parts(["```json\n", '{"a": 1}'])
    model = MockLanguageModel(stream=[part for part in source if part.type != "text-end"])
    result = await wrap_model(model, ExtractJsonMiddleware()).do_stream(PARAMS)
    parts = [part async for part in result.stream]
    assert [part.type for part in parts][-3:] == ["text-start", "text-delta", "finish"]
    assert collect_stream(parts).text == '{"a": 1}'


@pytest.mark.parametrize("transform", [None, str.upper])
async def test_stream_that_runs_out_without_ending_its_block_sends_what_it_held(transform: Any) -> None:
    source = text_stream_parts(["```json\n", '{"a": 1, "bb": 22}'])
    model = MockLanguageModel(stream=[part for part in source if part.type not in ("text-end", "finish")])
    result = await wrap_model(model, ExtractJsonMiddleware(transform=transform)).do_stream(PARAMS)
    parts = [part async for part in result.stream]
    expected = '{"a": 1, "bb": 22}' if transform is None else '```JSON\n{"A": 1, "BB": 22}'
    assert "".join(part.delta for part in parts if isinstance(part, TextDeltaPart)) == expected
