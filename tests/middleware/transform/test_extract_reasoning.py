"""ExtractReasoningMiddleware: tagged reasoning in text becomes reasoning parts, in generate and stream."""

from __future__ import annotations

from typing import Any

import pytest

from middleware.transform.extract_reasoning import ExtractReasoningMiddleware, partial_tag_start
from pipeline.chain import wrap_model
from pipeline.errors import InvalidArgumentError
from pipeline.params import CallParams
from pipeline.result import Content, GenerateResult, ReasoningContent, TextContent, ToolCallContent, Usage
from pipeline.stream import (
    FinishPart,
    ReasoningDeltaPart,
    ReasoningEndPart,
    ReasoningStartPart,
    StreamPart,
    StreamResult,
    StreamStartPart,
    TextDeltaPart,
    TextEndPart,
    TextStartPart,
    collect_stream,
)
from pipeline.testing import MockLanguageModel, text_stream_parts

PARAMS = CallParams(prompt=[])


async def generated(text: str, **options: Any) -> list[Content]:
    model = MockLanguageModel(generate=GenerateResult(content=[TextContent(text=text)]))
    result = await wrap_model(model, ExtractReasoningMiddleware(**options)).do_generate(PARAMS)
    return list(result.content)


async def streamed(chunks: list[str], **options: Any) -> list[StreamPart]:
    model = MockLanguageModel(stream=text_stream_parts(chunks))
    result = await wrap_model(model, ExtractReasoningMiddleware(**options)).do_stream(PARAMS)
    return [part async for part in result.stream]


def core(parts: list[StreamPart]) -> list[StreamPart]:
    """The parts between response metadata and finish (what the middleware re-cuts)."""
    return [part for part in parts if part.type not in {"stream-start", "response-metadata", "finish"}]


# generate


async def test_generate_splits_a_tagged_span_into_reasoning_before_the_text() -> None:
    content = await generated("<think>analyzing the request</think>Here is the answer")
    assert content == [
        ReasoningContent(text="analyzing the request"),
        TextContent(text="Here is the answer"),
    ]


async def test_generate_tag_only_leaves_an_empty_text_part() -> None:
    content = await generated("<think>analyzing the request\n</think>")
    assert content == [ReasoningContent(text="analyzing the request\n"), TextContent(text="")]


async def test_generate_joins_several_spans_with_the_separator_and_keeps_it_between_text() -> None:
    content = await generated("a<think>one</think>b<think>two</think>c", separator="|")
    assert content == [ReasoningContent(text="one|two"), TextContent(text="a|b|c")]


async def test_generate_multiline_reasoning_and_a_custom_tag() -> None:
    content = await generated("<reason>line 1\nline 2</reason>done", tag_name="reason")
    assert content == [ReasoningContent(text="line 1\nline 2"), TextContent(text="done")]


async def test_generate_without_a_tag_leaves_the_text_unchanged() -> None:
    assert await generated("no reasoning here") == [TextContent(text="no reasoning here")]


async def test_generate_start_with_reasoning_reads_an_unopened_closing_tag_as_the_end_of_reasoning() -> None:
    content = await generated("thinking</think>answer", start_with_reasoning=True)
    assert content == [ReasoningContent(text="thinking"), TextContent(text="answer")]


async def test_generate_an_unopened_closing_tag_stays_text_without_start_with_reasoning() -> None:
    assert await generated("thinking</think>answer") == [TextContent(text="thinking</think>answer")]


async def test_generate_keeps_other_parts_and_the_rest_of_the_result() -> None:
    call = ToolCallContent(tool_call_id="c1", tool_name="weather", input="{}")
    model = MockLanguageModel(
        generate=GenerateResult(
            content=[TextContent(text="<think>r</think>t"), call],
            finish_reason="tool-calls",
            usage=Usage.of(input_tokens=4, output_tokens=5),
        )
    )
    result = await wrap_model(model, ExtractReasoningMiddleware()).do_generate(PARAMS)
    assert result.content == [ReasoningContent(text="r"), TextContent(text="t"), call]
    assert (result.finish_reason, result.usage.total_tokens) == ("tool-calls", 9)


# stream


async def test_stream_recuts_text_into_a_reasoning_block_then_the_text_block() -> None:
    parts = await streamed(["<think>", "analyzing", " the request", "</think>", "Here is the answer"])
    assert core(parts) == [
        ReasoningStartPart(id="reasoning-0"),
        ReasoningDeltaPart(id="reasoning-0", delta="analyzing"),
        ReasoningDeltaPart(id="reasoning-0", delta=" the request"),
        ReasoningEndPart(id="reasoning-0"),
        TextStartPart(id="0"),
        TextDeltaPart(id="0", delta="Here is the answer"),
        TextEndPart(id="0"),
    ]
    assert isinstance(parts[0], StreamStartPart)
    assert isinstance(parts[-1], FinishPart)


async def test_stream_handles_tags_split_across_deltas() -> None:
    parts = await streamed(["<th", "ink>rea", "son</t", "hi", "nk>ans", "wer"])
    assert collect_stream(parts).content == [ReasoningContent(text="reason"), TextContent(text="answer")]
    assert not any(isinstance(part, TextDeltaPart) and "<" in part.delta for part in parts)


async def test_stream_a_partial_tag_that_never_completes_is_text() -> None:
    parts = await streamed(["a <thi", "s is not a tag"])
    assert collect_stream(parts).content == [TextContent(text="a <this is not a tag")]


async def test_stream_a_partial_tag_at_the_end_of_the_block_is_published() -> None:
    parts = await streamed(["answer <thi"])
    assert collect_stream(parts).content == [TextContent(text="answer <thi")]


async def test_stream_several_tags_are_separate_blocks_joined_by_the_separator() -> None:
    parts = await streamed(["a<think>one</think>b<think>two</think>c"], separator="|")
    assert core(parts) == [
        TextStartPart(id="0"),
        TextDeltaPart(id="0", delta="a"),
        ReasoningStartPart(id="reasoning-0"),
        ReasoningDeltaPart(id="reasoning-0", delta="one"),
        ReasoningEndPart(id="reasoning-0"),
        TextDeltaPart(id="0", delta="|b"),
        ReasoningStartPart(id="reasoning-1"),
        ReasoningDeltaPart(id="reasoning-1", delta="|two"),
        ReasoningEndPart(id="reasoning-1"),
        TextDeltaPart(id="0", delta="|c"),
        TextEndPart(id="0"),
    ]


async def test_stream_an_empty_tag_pair_gives_a_started_and_ended_reasoning_block() -> None:
    parts = await streamed(["<think></think>", "answer"])
    assert core(parts) == [
        ReasoningStartPart(id="reasoning-0"),
        ReasoningEndPart(id="reasoning-0"),
        TextStartPart(id="0"),
        TextDeltaPart(id="0", delta="answer"),
        TextEndPart(id="0"),
    ]


async def test_stream_reasoning_only_ends_with_an_empty_text_block_after_the_reasoning() -> None:
    parts = await streamed(["<think>", "ana", "lyzing the request\n", "</think>"])
    assert core(parts) == [
        ReasoningStartPart(id="reasoning-0"),
        ReasoningDeltaPart(id="reasoning-0", delta="ana"),
        ReasoningDeltaPart(id="reasoning-0", delta="lyzing the request\n"),
        ReasoningEndPart(id="reasoning-0"),
        TextStartPart(id="0"),
        TextEndPart(id="0"),
    ]
    assert collect_stream(parts).content == await generated("<think>analyzing the request\n</think>")


async def test_stream_start_with_reasoning_treats_the_text_as_opened() -> None:
    parts = await streamed(["thinking", "</think>", "answer"], start_with_reasoning=True)
    assert collect_stream(parts).content == [ReasoningContent(text="thinking"), TextContent(text="answer")]


async def test_stream_an_unopened_closing_tag_stays_text_without_start_with_reasoning() -> None:
    parts = await streamed(["thinking</think>answer"])
    assert collect_stream(parts).content == [TextContent(text="thinking</think>answer")]


async def test_stream_unclosed_reasoning_is_ended_with_the_block() -> None:
    parts = await streamed(["<think>never closed"])
    assert core(parts) == [
        ReasoningStartPart(id="reasoning-0"),
        ReasoningDeltaPart(id="reasoning-0", delta="never closed"),
        ReasoningEndPart(id="reasoning-0"),
        TextStartPart(id="0"),
        TextEndPart(id="0"),
    ]


@pytest.mark.parametrize(
    "text",
    [
        "<think>analyzing the request</think>Here is the answer",
        "before<think>middle</think>after",
        "a<think>one</think>b<think>two</think>c",
        "plain text only",
    ],
)
async def test_stream_text_matches_generate_at_every_chunking(text: str) -> None:
    expected = GenerateResult(content=await generated(text))
    for size in (1, 2, 3, 5, len(text)):
        chunks = [text[i : i + size] for i in range(0, len(text), size)]
        collected = collect_stream(await streamed(chunks))
        assert collected.text == expected.text, size


async def test_stream_closes_the_inner_stream_when_the_reader_stops_early() -> None:
    closed: list[bool] = []

    async def source() -> Any:
        try:
            for part in text_stream_parts(["<think>a", "b</think>c"]):
                yield part
        finally:
            closed.append(True)

    async def stream(_: CallParams) -> StreamResult:
        return StreamResult(stream=source())

    wrapped = wrap_model(MockLanguageModel(stream=stream), ExtractReasoningMiddleware())
    result = await wrapped.do_stream(PARAMS)
    await anext(result.stream)
    await result.stream.aclose()
    assert closed == [True]


# helpers and arguments


@pytest.mark.parametrize(
    ("text", "expected"),
    [("ab<think>", 2), ("ab<th", 2), ("ab<", 2), ("abc", None), ("", None), ("<think>x<think>", 0)],
)
def test_partial_tag_start(text: str, expected: int | None) -> None:
    assert partial_tag_start(text, "<think>") == expected


def test_partial_tag_start_takes_the_longest_prefix_at_the_end() -> None:
    assert partial_tag_start("xaba", "abab") == 1


@pytest.mark.parametrize("tag_name", ["", None, 3])
def test_tag_name_must_be_a_non_empty_string(tag_name: Any) -> None:
    with pytest.raises(InvalidArgumentError, match="tag_name"):
        ExtractReasoningMiddleware(tag_name=tag_name)


async def test_stream_a_block_cut_off_before_its_end_is_flushed_before_finish() -> None:
    source = text_stream_parts(["<think>abc"])
    model = MockLanguageModel(stream=[part for part in source if part.type != "text-end"])
    result = await wrap_model(model, ExtractReasoningMiddleware()).do_stream(PARAMS)
    parts = [part async for part in result.stream]
    assert [part.type for part in parts] == [
        "stream-start",
        "response-metadata",
        "reasoning-start",
        "reasoning-delta",
        "reasoning-end",
        "finish",
    ]
