"""FallbackMiddleware against loopback OpenAI-compatible servers that fail on purpose."""

from __future__ import annotations

import logging
from collections.abc import Iterator

import pytest

from middleware.cache.call_cache import CacheMiddleware
from middleware.cache.stores import MemoryStore
from middleware.observe.log import LoggingMiddleware
from middleware.resilience import CircuitBreaker, FallbackMiddleware
from pipeline import control, generate_text, stream_text, wrap_model
from pipeline.errors import APICallError, InvalidResponseDataError
from pipeline.model import LanguageModel
from pipeline.testing import MockLanguageModel, text_result
from providers.openai import OpenAIChatLanguageModel
from providers.testing import LoopbackServer
from providers.testing.openai import error_reply, stream_chunks, stream_reply, text_reply


@pytest.fixture
def server() -> Iterator[LoopbackServer]:
    with LoopbackServer() as running:
        yield running


def model(server: LoopbackServer, name: str) -> OpenAIChatLanguageModel:
    """A model whose requests go to ``/<name>/v1/chat/completions`` on the loopback server."""
    return OpenAIChatLanguageModel(name, api_key="sk-test-not-a-secret", base_url=server.url(f"/{name}/v1"))


def requests_to(server: LoopbackServer, name: str) -> int:
    return sum(1 for request in server.requests if request.path.startswith(f"/{name}/"))


async def test_a_retryable_failure_goes_to_the_next_model_with_the_same_params(
    server: LoopbackServer,
) -> None:
    server.route("/primary/", error_reply(503, "overloaded"))
    server.route("/secondary/", text_reply("from secondary"))
    chain = wrap_model(model(server, "primary"), [FallbackMiddleware([model(server, "secondary")])])

    result = await generate_text(chain, prompt="Hi", temperature=0.3, max_retries=0)

    assert result.text == "from secondary"
    mark = control.fallback_answer(result.provider_metadata)
    assert mark == {
        "index": 1,
        "provider": "openai.chat",
        "model": "secondary",
        "failed": [
            {"provider": "openai.chat", "model": "primary", "error": "APICallError", "status_code": 503}
        ],
        "skipped": [],
    }
    primary_body, secondary_body = (request.json() for request in server.requests)
    assert primary_body["model"] == "primary" and secondary_body["model"] == "secondary"
    assert {k: v for k, v in primary_body.items() if k != "model"} == {
        k: v for k, v in secondary_body.items() if k != "model"
    }


async def test_the_primary_answering_is_marked_too(server: LoopbackServer) -> None:
    server.route("/primary/", text_reply("from primary"))
    chain = wrap_model(model(server, "primary"), [FallbackMiddleware([model(server, "secondary")])])
    result = await generate_text(chain, prompt="Hi", max_retries=0)
    assert result.text == "from primary"
    assert control.fallback_answer(result.provider_metadata)["index"] == 0  # type: ignore[index]
    assert requests_to(server, "secondary") == 0


async def test_a_non_retryable_error_is_raised_without_falling_back(server: LoopbackServer) -> None:
    server.route("/primary/", error_reply(400, "bad request", error_type="invalid_request_error"))
    server.route("/secondary/", text_reply("unused"))
    chain = wrap_model(model(server, "primary"), [FallbackMiddleware([model(server, "secondary")])])
    with pytest.raises(APICallError) as raised:
        await generate_text(chain, prompt="Hi", max_retries=0)
    assert raised.value.status_code == 400
    assert requests_to(server, "secondary") == 0


async def test_a_chosen_error_type_falls_back() -> None:
    broken = MockLanguageModel(generate=InvalidResponseDataError("no choices"), model_id="broken")
    backup = MockLanguageModel(generate=text_result("backup"), model_id="backup")
    default = wrap_model(broken, [FallbackMiddleware([backup])])
    with pytest.raises(InvalidResponseDataError):
        await generate_text(default, prompt="Hi", max_retries=0)
    chosen = wrap_model(broken, [FallbackMiddleware([backup], on=(InvalidResponseDataError,))])
    assert (await generate_text(chosen, prompt="Hi", max_retries=0)).text == "backup"


async def test_every_model_failing_raises_the_last_error_with_notes(server: LoopbackServer) -> None:
    server.route("/primary/", error_reply(503, "down"))
    server.route("/secondary/", error_reply(502, "also down"))
    server.route("/tertiary/", error_reply(429, "slow down", headers={"retry-after": "0"}))
    chain = wrap_model(
        model(server, "primary"),
        [FallbackMiddleware([model(server, "secondary"), model(server, "tertiary")])],
    )
    with pytest.raises(APICallError) as raised:
        await generate_text(chain, prompt="Hi", max_retries=0)
    assert raised.value.status_code == 429 and raised.value.is_retryable
    notes = raised.value.__notes__
    assert len(notes) == 2
    assert "openai.chat/primary" in notes[0] and "openai.chat/secondary" in notes[1]


async def test_retries_run_per_model_before_falling_back(server: LoopbackServer) -> None:
    server.route("/primary/", error_reply(503, "down"))
    server.route("/secondary/", text_reply("ok"))
    from pipeline.retry import RetryPolicy

    retries = RetryPolicy(max_retries=2, initial_delay=0, max_delay=0)
    chain = wrap_model(
        model(server, "primary"), [FallbackMiddleware([model(server, "secondary")], retries=retries)]
    )
    result = await generate_text(chain, prompt="Hi", max_retries=0)
    assert result.text == "ok"
    assert requests_to(server, "primary") == 3
    assert control.fallback_answer(result.provider_metadata)["failed"][0]["error"] == "RetryError"  # type: ignore[index]


async def test_a_stream_falls_back_before_its_first_content_part(server: LoopbackServer) -> None:
    server.route("/primary/", stream_reply(stream_chunks(["never"]), cut_after=1))  # role chunk, then cut
    server.route("/secondary/", stream_reply(stream_chunks(["Hel", "lo"])))
    chain = wrap_model(model(server, "primary"), [FallbackMiddleware([model(server, "secondary")])])
    async with stream_text(chain, prompt="Hi", max_retries=0) as result:
        text = "".join([piece async for piece in result.text_stream])
        metadata = await result.provider_metadata
    assert text == "Hello"
    mark = control.fallback_answer(metadata)
    assert mark is not None and mark["model"] == "secondary"
    assert mark["failed"][0]["error"] == "IncompleteStreamError"


async def test_a_stream_that_fails_after_content_does_not_fall_back(server: LoopbackServer) -> None:
    server.route("/primary/", stream_reply(stream_chunks(["Hel", "lo", "there"]), cut_after=3))
    server.route("/secondary/", stream_reply(stream_chunks(["unused"])))
    chain = wrap_model(model(server, "primary"), [FallbackMiddleware([model(server, "secondary")])])
    seen: list[str] = []
    with pytest.raises(APICallError):
        async with stream_text(chain, prompt="Hi", max_retries=0) as result:
            async for piece in result.text_stream:
                seen.append(piece)
    assert seen == ["Hel", "lo"]
    assert requests_to(server, "secondary") == 0


async def test_the_circuit_breaker_skips_a_failing_model_for_its_cooldown(server: LoopbackServer) -> None:
    now = [0.0]
    server.route("/primary/", error_reply(503, "down"))
    server.route("/secondary/", text_reply("ok"))
    breaker = CircuitBreaker(threshold=2, cooldown=30, clock=lambda: now[0])
    chain = wrap_model(
        model(server, "primary"), [FallbackMiddleware([model(server, "secondary")], breaker=breaker)]
    )
    for _ in range(2):
        await generate_text(chain, prompt="Hi", max_retries=0)
    assert requests_to(server, "primary") == 2

    result = await generate_text(chain, prompt="Hi", max_retries=0)
    assert requests_to(server, "primary") == 2  # open: skipped
    assert control.fallback_answer(result.provider_metadata)["skipped"] == [  # type: ignore[index]
        {"provider": "openai.chat", "model": "primary"}
    ]

    now[0] = 31.0
    server.route("/primary/", text_reply("recovered"))
    assert (await generate_text(chain, prompt="Hi", max_retries=0)).text == "recovered"  # the trial call
    assert not breaker.is_open("openai.chat/primary")


async def test_logging_inside_sees_each_attempt_and_outside_sees_who_answered(
    server: LoopbackServer, caplog: pytest.LogCaptureFixture
) -> None:
    server.route("/primary/", error_reply(503, "down"))
    server.route("/secondary/", text_reply("ok"))
    inner, outer = logging.getLogger("test.inner"), logging.getLogger("test.outer")
    chain = wrap_model(
        model(server, "primary"),
        [
            LoggingMiddleware(logger=outer),
            FallbackMiddleware([model(server, "secondary")]),
            LoggingMiddleware(logger=inner),
        ],
    )
    with caplog.at_level(logging.INFO):
        await generate_text(chain, prompt="Hi", max_retries=0)
    attempts = [record.modelpipe for record in caplog.records if record.name == "test.inner"]  # type: ignore[attr-defined]
    assert [(fields["model"], fields["outcome"], fields["status_code"]) for fields in attempts] == [
        ("primary", "error", 503),
        ("secondary", "ok", None),
    ]
    (final,) = [record.modelpipe for record in caplog.records if record.name == "test.outer"]  # type: ignore[attr-defined]
    assert final["outcome"] == "ok" and final["fallback"] == "openai.chat/secondary"


async def test_a_cache_in_front_keys_on_the_request_not_on_who_answered(server: LoopbackServer) -> None:
    server.route("/primary/", error_reply(503, "down"))
    server.route("/secondary/", text_reply("from secondary"))
    primary: LanguageModel = model(server, "primary")
    chain = wrap_model(
        primary,
        [CacheMiddleware(MemoryStore()), FallbackMiddleware([model(server, "secondary")], use_breaker=False)],
    )
    first = await generate_text(chain, prompt="Hi", max_retries=0)
    assert control.cache_status(first.provider_metadata) == "miss"
    assert len(server.requests) == 2

    server.route("/primary/", text_reply("from primary"))  # the primary recovers: same request, same key
    second = await generate_text(chain, prompt="Hi", max_retries=0)
    assert second.text == "from secondary"
    assert control.cache_status(second.provider_metadata) == "hit"
    assert len(server.requests) == 2

    third = await generate_text(chain, prompt="Something else", max_retries=0)
    assert third.text == "from primary" and control.cache_status(third.provider_metadata) == "miss"


async def test_the_last_error_keeps_its_own_cause() -> None:
    cause = ConnectionResetError("peer reset")
    last = APICallError("connection lost", url="http://backup", is_retryable=True)
    last.__cause__ = cause
    primary = MockLanguageModel(generate=APICallError("down", url="http://x", status_code=503), model_id="a")
    backup = MockLanguageModel(generate=last, model_id="b")
    with pytest.raises(APICallError) as raised:
        await generate_text(wrap_model(primary, [FallbackMiddleware([backup])]), prompt="Hi", max_retries=0)
    assert raised.value is last and raised.value.__cause__ is cause


async def test_an_error_part_before_content_falls_back_and_one_not_chosen_passes_through() -> None:
    from pipeline.stream import ErrorPart, StreamStartPart
    from pipeline.testing import text_stream_parts

    overloaded = APICallError("overloaded", url="http://x", status_code=529, is_retryable=True)
    primary = MockLanguageModel(stream=[StreamStartPart(), ErrorPart(error=overloaded)], model_id="a")
    backup = MockLanguageModel(stream=text_stream_parts(["fine"]), model_id="b")
    async with stream_text(
        wrap_model(primary, [FallbackMiddleware([backup])]), prompt="Hi", max_retries=0
    ) as s:
        assert await s.text == "fine"
    assert len(backup.calls) == 1

    refused = {"error": {"type": "invalid_request_error", "message": "bad"}}
    primary = MockLanguageModel(stream=[StreamStartPart(), ErrorPart(error=refused)], model_id="a")
    backup = MockLanguageModel(stream=text_stream_parts(["unused"]), model_id="b")
    async with stream_text(
        wrap_model(primary, [FallbackMiddleware([backup])]), prompt="Hi", max_retries=0
    ) as s:
        errors = [part.error async for part in s.full_stream if part.type == "error"]
    assert errors == [refused]  # the error part reaches the reader as it would without the fallback layer
    assert backup.calls == []
