"""generate_text / stream_text: validation before I/O, normalization, retries, results, stream handling."""

from __future__ import annotations

from collections.abc import AsyncGenerator, Mapping
from typing import Any

import anyio
import pytest

from pipeline.chain import Middleware, TransformContext, wrap_model
from pipeline.download import DownloadedFile, DownloadRequest
from pipeline.errors import (
    APICallError,
    InvalidArgumentError,
    InvalidDataContentError,
    InvalidPromptError,
    ModelStreamError,
    RetryError,
)
from pipeline.generate import generate_text, stream_text
from pipeline.objects import generate_object
from pipeline.params import CallParams
from pipeline.prompt import FilePart, SystemMessage, TextPart, UserMessage
from pipeline.result import GenerateResult, ReasoningContent, TextContent, ToolCallContent, Usage
from pipeline.retry import RetryPolicy
from pipeline.stream import (
    ErrorPart,
    FinishPart,
    ResponseMetadataPart,
    StreamPart,
    StreamResult,
    StreamStartPart,
    TextDeltaPart,
    TextStartPart,
)
from pipeline.testing import MockLanguageModel, text_result, text_stream_parts
from pipeline.tools import tool

PNG = bytes.fromhex("89504e470d0a1a0a") + b"\x00" * 16


def _overloaded() -> APICallError:
    return APICallError("Overloaded", url="http://127.0.0.1/v1", status_code=529, retry_after=0.001)


async def test_generate_text_normalizes_the_prompt_before_the_model_sees_it() -> None:
    model = MockLanguageModel()
    result = await generate_text(
        model,
        system="Be brief.",
        messages=[
            {"role": "user", "content": [{"type": "image", "image": PNG}, {"type": "text", "text": "What?"}]}
        ],
    )
    assert result.text == "Hello!"
    (params,) = model.generate_calls
    system, user = params.prompt
    assert system == SystemMessage(content="Be brief.")
    assert isinstance(user, UserMessage) and isinstance(user.content, list)
    image = user.content[0]
    assert isinstance(image, FilePart)
    assert (image.media_type, image.data) == ("image/png", PNG)


async def test_generate_text_passes_every_setting_to_the_model() -> None:
    model = MockLanguageModel()
    await generate_text(
        model,
        prompt="Hi",
        max_output_tokens=100,
        temperature=0.5,
        top_p=0.9,
        top_k=40,
        presence_penalty=0.1,
        frequency_penalty=0.2,
        stop_sequences=["END"],
        seed=7,
        headers={"x-trace": "1", "x-dropped": None},
        provider_options={"openai": {"reasoningEffort": "low"}},
    )
    (params,) = model.generate_calls
    assert (params.max_output_tokens, params.temperature, params.top_p, params.top_k) == (100, 0.5, 0.9, 40)
    assert (params.presence_penalty, params.frequency_penalty, params.seed) == (0.1, 0.2, 7)
    assert params.stop_sequences == ["END"]
    assert params.headers == {"x-trace": "1"}
    assert params.provider_options == {"openai": {"reasoningEffort": "low"}}
    assert params.prompt == [UserMessage(content=[TextPart(text="Hi")])]


@pytest.mark.parametrize(
    ("setting", "value", "message"),
    [
        ("max_output_tokens", 0, "max_output_tokens must be >= 1"),
        ("max_output_tokens", 1.5, "max_output_tokens must be an integer"),
        ("temperature", "hot", "temperature must be a number"),
        ("seed", 1.2, "seed must be an integer"),
        ("stop_sequences", "END", "stop_sequences must be a list of strings"),
    ],
)
async def test_bad_settings_raise_typed_errors_before_the_model_is_called(
    setting: str, value: object, message: str
) -> None:
    model = MockLanguageModel()
    with pytest.raises(InvalidArgumentError, match=message):
        await generate_text(model, prompt="Hi", **{setting: value})  # type: ignore[arg-type]
    assert model.calls == []


async def test_bad_prompts_raise_before_the_model_is_called() -> None:
    model = MockLanguageModel()
    with pytest.raises(InvalidPromptError):
        await generate_text(model, prompt="Hi", messages=[{"role": "user", "content": "Hi"}])
    with pytest.raises(InvalidPromptError):
        await generate_text(model)
    assert model.calls == []


async def test_generate_text_retries_retryable_errors_and_rerun_the_chain() -> None:
    transforms: list[int | None] = []

    class CountTransforms(Middleware):
        async def transform_params(self, ctx: TransformContext) -> CallParams:
            options = ctx.params.provider_options or {}
            transforms.append(options.get("modelpipe", {}).get("attempt"))
            return ctx.params

    model = MockLanguageModel(generate=[_overloaded(), _overloaded(), text_result("third time")])
    result = await generate_text(wrap_model(model, CountTransforms()), prompt="Hi")

    assert result.text == "third time"
    assert transforms == [None, 2, 3]
    assert len(model.generate_calls) == 3


async def test_generate_text_reports_every_attempt_when_retries_run_out() -> None:
    model = MockLanguageModel(generate=_overloaded())
    with pytest.raises(RetryError) as raised:
        await generate_text(model, prompt="Hi", max_retries=1)
    assert len(raised.value.errors) == 2
    assert all(isinstance(error, APICallError) for error in raised.value.errors)


async def test_generate_text_timeout_bounds_the_whole_call() -> None:
    async def slow(params: CallParams) -> GenerateResult:
        await anyio.sleep(5)
        return text_result("late")

    with pytest.raises(TimeoutError):
        await generate_text(MockLanguageModel(generate=slow), prompt="Hi", timeout=0.05)


@pytest.mark.parametrize("timeout", [float("nan"), 0, -1.0])
async def test_a_timeout_that_is_not_a_positive_number_is_an_invalid_argument(timeout: float) -> None:
    """Bug: NaN passed the check (NaN <= 0 is false) and anyio raised ValueError."""
    with pytest.raises(InvalidArgumentError, match="timeout"):
        await generate_text(MockLanguageModel(), prompt="Hi", timeout=timeout)
    with pytest.raises(InvalidArgumentError, match="timeout"):
        stream_text(MockLanguageModel(), prompt="Hi", timeout=timeout)


async def test_generate_text_without_timeout_is_cancelled_by_the_callers_scope() -> None:
    started = anyio.Event()

    async def slow(params: CallParams) -> GenerateResult:
        started.set()
        await anyio.sleep(5)
        return text_result("late")

    with anyio.move_on_after(0.05) as scope:
        await generate_text(MockLanguageModel(generate=slow), prompt="Hi")
    assert started.is_set()
    assert scope.cancelled_caught


async def test_result_exposes_text_reasoning_tool_calls_usage_and_metadata() -> None:
    model = MockLanguageModel(
        generate=GenerateResult(
            content=[
                ReasoningContent(text="thinking"),
                TextContent(text="Hello "),
                TextContent(text="world"),
                ToolCallContent(tool_call_id="c1", tool_name="weather", input='{"city":"Paris"}'),
            ],
            finish_reason="tool-calls",
            raw_finish_reason="tool_calls",
            usage=Usage.of(input_tokens=10, output_tokens=5, cache_read_tokens=4, reasoning_tokens=2),
        )
    )
    result = await generate_text(model, prompt="Hi")
    assert result.text == "Hello world"
    assert result.reasoning_text == "thinking"
    assert [call.tool_name for call in result.tool_calls] == ["weather"]
    assert (result.finish_reason, result.raw_finish_reason) == ("tool-calls", "tool_calls")
    assert result.usage.total_tokens == 15
    assert result.usage.input_token_details.cache_read_tokens == 4
    assert result.usage.output_token_details.reasoning_tokens == 2


async def test_stream_text_yields_text_deltas_and_a_final_result() -> None:
    finished: list[str] = []
    result = stream_text(
        MockLanguageModel(), prompt="Hi", on_finish=lambda final: finished.append(final.text)
    )
    chunks = [chunk async for chunk in result.text_stream]
    assert chunks == ["Hel", "lo", "!"]
    final = await result.result()
    assert final.text == "Hello!"
    assert final.finish_reason == "stop"
    assert finished == ["Hello!"]


async def test_stream_text_validates_input_when_called_not_when_read() -> None:
    model = MockLanguageModel()
    with pytest.raises(InvalidPromptError):
        stream_text(model, messages=[])
    with pytest.raises(InvalidArgumentError):
        stream_text(model, prompt="Hi", temperature="warm")  # type: ignore[arg-type]
    assert model.calls == []


async def test_stream_text_retries_failures_before_content_but_never_after() -> None:
    async def fails_before_content(params: CallParams) -> StreamResult:
        async def parts() -> AsyncGenerator[StreamPart, None]:
            yield StreamStartPart()
            yield ResponseMetadataPart(id="r1")
            raise _overloaded()

        return StreamResult(stream=parts())

    model = MockLanguageModel(stream=[fails_before_content, text_stream_parts(["ok"])])
    result = stream_text(model, prompt="Hi")
    parts = [part async for part in result.full_stream]
    assert [part.type for part in parts].count("stream-start") == 1
    assert (await result.result()).text == "ok"
    assert len(model.stream_calls) == 2

    after_content = [*text_stream_parts(["partial"])[:4], _overloaded()]
    model = MockLanguageModel(stream=[after_content, text_stream_parts(["never"])])
    result = stream_text(model, prompt="Hi")
    seen: list[str] = []
    with pytest.raises(APICallError):
        async for chunk in result.text_stream:
            seen.append(chunk)
    assert seen == ["partial"]
    assert len(model.stream_calls) == 1
    with pytest.raises(APICallError):
        await result.result()


async def test_error_parts_are_in_the_full_stream_and_raised_by_the_text_stream() -> None:
    parts: list[StreamPart] = [
        StreamStartPart(),
        TextStartPart(id="0"),
        TextDeltaPart(id="0", delta="a"),
        ErrorPart(error="upstream broke"),
        FinishPart(finish_reason="error"),
    ]
    full = [part.type async for part in stream_text(MockLanguageModel(stream=parts), prompt="Hi").full_stream]
    assert "error" in full and full[-1] == "finish"

    text_result_handle = stream_text(MockLanguageModel(stream=parts), prompt="Hi")
    with pytest.raises(ModelStreamError, match="upstream broke"):
        async for _ in text_result_handle.text_stream:
            pass


async def test_leaving_a_stream_early_closes_the_model_stream() -> None:
    closed = anyio.Event()

    async def endless(params: CallParams) -> StreamResult:
        async def parts() -> AsyncGenerator[StreamPart, None]:
            try:
                yield TextStartPart(id="0")
                while True:
                    yield TextDeltaPart(id="0", delta="x")
                    await anyio.sleep(0)
            finally:
                closed.set()

        return StreamResult(stream=parts())

    async with stream_text(MockLanguageModel(stream=endless), prompt="Hi") as result:
        async for _ in result.text_stream:
            break
    with anyio.fail_after(1):
        await closed.wait()


@pytest.mark.parametrize("leave", ["break", "aclose"])
async def test_leaving_a_stream_after_its_opening_parts_closes_the_model_stream_once(leave: str) -> None:
    """Past its first content part the reader reads the model's stream itself; leaving then still closes
    that stream, once, whether the reader breaks out or the result is closed from outside."""
    closings: list[str] = []

    async def endless(params: CallParams) -> StreamResult:
        async def parts() -> AsyncGenerator[StreamPart, None]:
            try:
                yield StreamStartPart()
                yield TextStartPart(id="0")
                for index in range(1000):
                    yield TextDeltaPart(id="0", delta=str(index))
            finally:
                closings.append("closed")

        return StreamResult(stream=parts())

    result = stream_text(MockLanguageModel(stream=endless), prompt="Hi")
    reader = result.text_stream
    received = [await anext(reader) for _ in range(5)]
    assert received == ["0", "1", "2", "3", "4"]
    if leave == "break":
        await reader.aclose()
    await result.aclose()
    assert closings == ["closed"]


@pytest.mark.parametrize("reader", ["text_stream", "full_stream"])
async def test_leaving_the_context_closes_the_reader_it_handed_out(reader: str) -> None:
    """Nothing is left for the garbage collector to close later (outside any task or scope)."""
    model = MockLanguageModel(stream=text_stream_parts(["a", "b", "c"]))
    async with stream_text(model, prompt="Hi") as result:
        handed_out = getattr(result, reader)
        async for _ in handed_out:
            break
        assert handed_out.ag_frame is not None  # suspended, still open
    assert handed_out.ag_frame is None  # closed by the context's exit
    await result.aclose()  # closing again is harmless


async def test_a_stream_that_ends_before_any_content_passes_its_parts_on_and_closes() -> None:
    closed = anyio.Event()

    async def no_content(params: CallParams) -> StreamResult:
        async def parts() -> AsyncGenerator[StreamPart, None]:
            try:
                yield StreamStartPart()
                yield ResponseMetadataPart(id="r1")
            finally:
                closed.set()

        return StreamResult(stream=parts())

    result = stream_text(MockLanguageModel(stream=no_content), prompt="Hi")
    assert [part.type async for part in result.full_stream] == ["stream-start", "response-metadata"]
    final = await result.result()
    assert (final.text, final.finish_reason, final.response.id) == ("", "other", "r1")
    assert closed.is_set()


async def test_closing_a_stream_before_reading_never_calls_the_model() -> None:
    model = MockLanguageModel()
    result = stream_text(model, prompt="Hi")
    assert [chunk async for chunk in result.text_stream] == ["Hel", "lo", "!"]
    unread = stream_text(model, prompt="Hi")
    await unread.aclose()
    assert len(model.stream_calls) == 1


async def test_an_error_while_opening_the_stream_is_raised_by_the_stream_and_the_result() -> None:
    async def refuses(params: CallParams) -> StreamResult:
        raise APICallError("Bad request", url="http://127.0.0.1/v1", status_code=400, is_retryable=False)

    result = stream_text(MockLanguageModel(stream=refuses), prompt="Hi")
    with pytest.raises(APICallError, match="Bad request") as raised:
        async for _ in result.text_stream:
            pass
    with pytest.raises(APICallError) as again:
        await result.result()
    assert again.value is raised.value


async def test_stream_can_only_be_read_once() -> None:
    result = stream_text(MockLanguageModel(), prompt="Hi")
    assert await result.text() == "Hello!"
    with pytest.raises(RuntimeError, match="only be read once"):
        async for _ in result.text_stream:
            pass


async def test_stream_timeout_applies_to_the_whole_stream() -> None:
    async def stalls(params: CallParams) -> StreamResult:
        async def parts() -> AsyncGenerator[StreamPart, None]:
            yield TextStartPart(id="0")
            yield TextDeltaPart(id="0", delta="a")
            await anyio.sleep(5)

        return StreamResult(stream=parts())

    result = stream_text(MockLanguageModel(stream=stalls), prompt="Hi", timeout=0.1)
    with pytest.raises(TimeoutError):
        await result.result()


def test_generate_and_stream_work_under_trio() -> None:
    import sniffio

    async def main() -> tuple[str, str]:
        assert sniffio.current_async_library() == "trio"
        generated = await generate_text(MockLanguageModel(), prompt="Hi")
        streamed = await stream_text(MockLanguageModel(), prompt="Hi").text()
        return generated.text, streamed

    assert anyio.run(main, backend="trio") == ("Hello!", "Hello!")


async def test_reading_again_after_a_failed_open_ends_the_stream() -> None:
    async def refuses(params: CallParams) -> StreamResult:
        raise APICallError("Bad request", url="http://127.0.0.1/v1", status_code=400, is_retryable=False)

    result = stream_text(MockLanguageModel(stream=refuses), prompt="Hi")
    source = result.full_stream
    with pytest.raises(APICallError):
        await anext(source)
    with pytest.raises(StopAsyncIteration):
        await anext(source)


class _CountingDownloader:
    """A download function that answers every URL with PNG bytes and counts its calls."""

    def __init__(self) -> None:
        self.calls = 0

    async def __call__(self, requests: list[DownloadRequest]) -> list[DownloadedFile | None]:
        self.calls += 1
        return [DownloadedFile(data=PNG, media_type="image/png") for _ in requests]


def _three_step_prompt() -> list[Mapping[str, Any]]:
    image = {"type": "image", "image": "https://example.com/cat.png"}
    return [{"role": "user", "content": [image, {"type": "text", "text": "Look twice."}]}]


def _tool_call(call_id: str) -> ToolCallContent:
    return ToolCallContent(tool_call_id=call_id, tool_name="look", input="{}")


def _streamed_tool_call(call_id: str) -> list[StreamPart]:
    return [StreamStartPart(), _tool_call(call_id), FinishPart(finish_reason="tool-calls")]


@tool
def look() -> str:
    """Looks again."""
    return "seen"


async def test_stream_text_with_tools_downloads_the_attachments_once_per_call_like_generate_text() -> None:
    generate_model = MockLanguageModel(
        generate=[
            GenerateResult(content=[_tool_call("a")], finish_reason="tool-calls"),
            GenerateResult(content=[_tool_call("b")], finish_reason="tool-calls"),
            text_result("Done."),
        ]
    )
    stream_model = MockLanguageModel(
        stream=[_streamed_tool_call("a"), _streamed_tool_call("b"), text_stream_parts(["Done."])]
    )
    generated, streamed = _CountingDownloader(), _CountingDownloader()
    prompt = _three_step_prompt()
    await generate_text(generate_model, messages=prompt, tools=[look], max_steps=3, download=generated)
    streaming = stream_text(stream_model, messages=prompt, tools=[look], max_steps=3, download=streamed)
    assert await streaming.text() == "Done."
    assert len(stream_model.stream_calls) == len(generate_model.generate_calls) == 3
    assert (generated.calls, streamed.calls) == (1, 1)
    for params in stream_model.stream_calls:
        image = params.prompt[0].content[0]
        assert isinstance(image, FilePart) and image.data == PNG


async def test_a_retry_policy_can_be_given_as_max_retries() -> None:
    model = MockLanguageModel(generate=[_overloaded(), _overloaded(), text_result("late")])
    policy = RetryPolicy(max_retries=1, initial_delay=0.0)
    with pytest.raises(RetryError) as raised:
        await generate_text(model, prompt="Hi", max_retries=policy)
    assert raised.value.reason == "maxRetriesExceeded"
    assert len(model.generate_calls) == 2
    streamed = MockLanguageModel(stream=[_overloaded(), text_stream_parts(["ok"])])
    assert await stream_text(streamed, prompt="Hi", max_retries=policy).text() == "ok"


_BAD_IMAGE = [
    {"role": "user", "content": [{"type": "text", "text": "see"}, {"type": "image", "image": "%%%"}]}
]


@pytest.mark.parametrize(
    ("call", "path"),
    [
        ({"messages": _BAD_IMAGE}, "messages[0].content[1].image"),
        ({"system": "Be brief.", "messages": _BAD_IMAGE}, "messages[0].content[1].image"),
        ({"system": "Be brief.", "prompt": _BAD_IMAGE}, "prompt[0].content[1].image"),
    ],
)
async def test_bad_data_is_reported_where_the_caller_wrote_it(call: dict[str, Any], path: str) -> None:
    model = MockLanguageModel()
    with pytest.raises(InvalidDataContentError) as caught:
        await generate_text(model, **call)
    assert caught.value.path == path
    assert model.calls == []


async def test_instructions_reach_the_model_as_the_system_prompt_and_system_messages_stay_allowed() -> None:
    model = MockLanguageModel()
    await generate_text(
        model,
        instructions="Be brief.",
        messages=[{"role": "system", "content": "Answer in French."}, {"role": "user", "content": "Hi"}],
    )
    assert model.generate_calls[0].prompt[:2] == [
        SystemMessage(content="Be brief."),
        SystemMessage(content="Answer in French."),
    ]


async def test_system_and_instructions_that_differ_are_refused_before_any_call() -> None:
    model = MockLanguageModel()
    with pytest.raises(InvalidArgumentError, match="another name for system"):
        stream_text(model, system="Be brief.", instructions="Be verbose.", prompt="Hi")
    with pytest.raises(InvalidArgumentError, match="another name for system"):
        await generate_object(model, schema={"type": "object"}, system="a", instructions="b", prompt="Hi")
    assert model.calls == []
