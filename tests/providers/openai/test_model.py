import json
from typing import Any

import httpx
import pytest

from pipeline.errors import APICallError, InvalidArgumentError, InvalidResponseError
from pipeline.model import LanguageModel
from pipeline.params import CallParams
from providers.openai import OpenAIChatLanguageModel, OpenAIProvider
from providers.testing.openai import completion_body, stream_chunks

PARAMS = CallParams.model_validate(
    {"prompt": [{"role": "user", "content": [{"type": "text", "text": "Hi"}]}]}
)


class Recorder:
    def __init__(self, reply: httpx.Response | None = None) -> None:
        self.requests: list[httpx.Request] = []
        self.reply = reply or httpx.Response(200, json=completion_body("Hello!"))

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        return self.reply

    @property
    def transport(self) -> httpx.MockTransport:
        return httpx.MockTransport(self)


def model_with(recorder: Recorder, **settings: Any) -> OpenAIChatLanguageModel:
    return OpenAIProvider(transport=recorder.transport, **settings).chat("gpt-4o-mini")


def test_model_satisfies_the_protocol_and_names_itself() -> None:
    model = OpenAIProvider(api_key="k").chat("gpt-4o")
    assert isinstance(model, LanguageModel)
    assert (model.provider, model.model_id) == ("openai.chat", "gpt-4o")
    patterns = model.supported_urls["image/*"]
    assert patterns[0].search("https://example.com/cat.png")
    assert not patterns[0].search("ftp://example.com/cat.png")


async def test_generate_posts_to_chat_completions_with_bearer_key() -> None:
    recorder = Recorder()
    result = await model_with(recorder, api_key="sk-test").do_generate(PARAMS)
    request = recorder.requests[0]
    assert str(request.url) == "https://api.openai.com/v1/chat/completions"
    assert request.headers["authorization"] == "Bearer sk-test"
    assert json.loads(request.content) == {
        "model": "gpt-4o-mini",
        "messages": [{"role": "user", "content": "Hi"}],
    }
    assert result.text == "Hello!"
    assert result.request.body == json.loads(request.content)
    assert (
        result.response.headers is not None and result.response.headers["content-type"] == "application/json"
    )


async def test_key_and_base_url_are_read_from_the_environment_at_call_time(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    recorder = Recorder()
    model = model_with(recorder)
    monkeypatch.setenv("OPENAI_API_KEY", "sk-env")
    monkeypatch.setenv("OPENAI_BASE_URL", "https://proxy.test/v1/")
    await model.do_generate(PARAMS)
    assert recorder.requests[0].headers["authorization"] == "Bearer sk-env"
    assert str(recorder.requests[0].url) == "https://proxy.test/v1/chat/completions"


async def test_missing_key_for_openai_fails_before_any_request(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("OPENAI_API_KEY", raising=False)
    monkeypatch.delenv("OPENAI_BASE_URL", raising=False)
    recorder = Recorder()
    with pytest.raises(InvalidArgumentError, match="OPENAI_API_KEY"):
        await model_with(recorder).do_generate(PARAMS)
    with pytest.raises(InvalidArgumentError):
        await model_with(recorder).do_stream(PARAMS)
    assert recorder.requests == []


async def test_other_base_url_works_without_a_key(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("OPENAI_API_KEY", raising=False)
    recorder = Recorder()
    await model_with(recorder, base_url="http://127.0.0.1:9/v1").do_generate(PARAMS)
    assert "authorization" not in recorder.requests[0].headers


async def test_call_headers_override_provider_headers() -> None:
    recorder = Recorder()
    model = model_with(
        recorder, api_key="k", headers={"X-Team": "a", "X-Keep": "1"}, organization="org", project="p"
    )
    await model.do_generate(PARAMS.model_copy(update={"headers": {"x-team": "b"}}))
    headers = recorder.requests[0].headers
    assert (headers["x-team"], headers["x-keep"]) == ("b", "1")
    assert (headers["openai-organization"], headers["openai-project"]) == ("org", "p")


async def test_api_key_never_appears_in_repr_or_errors() -> None:
    secret = "sk-very-secret"
    recorder = Recorder(httpx.Response(401, json={"error": {"message": "Incorrect API key", "type": "auth"}}))
    model = model_with(recorder, api_key=secret)
    assert secret not in repr(model)
    assert secret not in repr(OpenAIProvider(api_key=secret))
    with pytest.raises(APICallError) as caught:
        await model.do_generate(PARAMS)
    error = caught.value
    assert error.status_code == 401
    assert secret not in str(error) and secret not in repr(error)
    assert secret not in json.dumps(vars(error), default=str)


async def test_response_that_is_not_a_chat_completion_raises_invalid_response() -> None:
    recorder = Recorder(httpx.Response(200, json={"object": "list", "data": []}))
    with pytest.raises(InvalidResponseError) as caught:
        await model_with(recorder, api_key="k").do_generate(PARAMS)
    assert caught.value.is_retryable is False


async def test_stream_result_carries_request_body_and_headers() -> None:
    text = "".join(f"data: {payload}\n\n" for payload in stream_chunks(["a", "b"]))
    recorder = Recorder(
        httpx.Response(
            200, headers={"content-type": "text/event-stream", "x-request-id": "r"}, content=text.encode()
        )
    )
    result = await model_with(recorder, api_key="k").do_stream(PARAMS)
    parts = [part async for part in result.stream]
    assert result.request.body["stream"] is True
    assert result.response.headers is not None and result.response.headers["x-request-id"] == "r"
    assert "".join(part.delta for part in parts if part.type == "text-delta") == "ab"


async def test_raw_chunks_are_streamed_when_asked() -> None:
    text = "".join(f"data: {payload}\n\n" for payload in stream_chunks(["a"]))
    recorder = Recorder(
        httpx.Response(200, headers={"content-type": "text/event-stream"}, content=text.encode())
    )
    result = await model_with(recorder, api_key="k").do_stream(
        PARAMS.model_copy(update={"include_raw_chunks": True})
    )
    parts = [part async for part in result.stream]
    assert sum(part.type == "raw" for part in parts) == len(stream_chunks(["a"])) - 1


async def test_invalid_provider_options_raise_before_the_request() -> None:
    recorder = Recorder()
    params = PARAMS.model_copy(update={"provider_options": {"openai": {"serviceTier": "gold"}}})
    with pytest.raises(InvalidArgumentError, match="invalid openai provider options"):
        await model_with(recorder, api_key="k").do_generate(params)
    assert recorder.requests == []
