"""GoogleLanguageModel / GoogleProvider over httpx.MockTransport: URLs, headers, keys, metadata, errors."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import httpx
import pytest

from pipeline.errors import APICallError, InvalidArgumentError, InvalidResponseError
from pipeline.model import LanguageModel
from pipeline.params import CallParams
from providers.google import GoogleLanguageModel, GoogleProvider
from providers.google.model import parse_google_error
from providers.testing.google import error_body, response_body, stream_chunks

from .golden import Exchange, json_exchange, sse_exchange

PARAMS = CallParams.model_validate(
    {"prompt": [{"role": "user", "content": [{"type": "text", "text": "Hi"}]}]}
)


@pytest.fixture(autouse=True)
def no_google_env(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("GOOGLE_GENERATIVE_AI_API_KEY", raising=False)
    monkeypatch.delenv("GOOGLE_GENERATIVE_AI_BASE_URL", raising=False)


def test_model_satisfies_the_language_model_protocol() -> None:
    model = GoogleLanguageModel("gemini-2.5-flash")
    assert isinstance(model, LanguageModel)
    assert (model.provider, model.model_id) == ("google.generative-ai", "gemini-2.5-flash")


async def test_generate_posts_to_generate_content_with_the_key_only_in_the_header() -> None:
    exchange = json_exchange(response_body([{"text": "Hello"}]))
    result = await exchange.model("gemini-2.5-flash", api_key="secret-key").do_generate(PARAMS)
    request = exchange.requests[0]
    assert (
        str(request.url)
        == "https://generativelanguage.googleapis.com/v1beta/models/gemini-2.5-flash:generateContent"
    )
    assert request.headers["x-goog-api-key"] == "secret-key"
    assert "secret-key" not in str(request.url)
    assert "authorization" not in request.headers
    assert result.text == "Hello"


async def test_stream_posts_to_stream_generate_content_with_alt_sse() -> None:
    exchange = sse_exchange(stream_chunks(["Hel", "lo"]))
    streamed = await exchange.model("gemini-2.5-flash").do_stream(PARAMS)
    texts = [part.delta for part in [p async for p in streamed.stream] if part.type == "text-delta"]
    assert texts == ["Hel", "lo"]
    assert exchange.requests[0].url.path.endswith("/models/gemini-2.5-flash:streamGenerateContent")
    assert exchange.requests[0].url.params["alt"] == "sse"


async def test_model_ids_with_a_slash_are_used_as_the_path() -> None:
    exchange = json_exchange(response_body([{"text": "ok"}]))
    await exchange.model("tunedModels/my-model").do_generate(PARAMS)
    assert exchange.requests[0].url.path == "/v1beta/tunedModels/my-model:generateContent"


async def test_provider_and_call_headers_are_merged_call_last() -> None:
    exchange = json_exchange(response_body([{"text": "ok"}]))
    model = exchange.model("gemini-2.5-flash", headers={"x-team": "a", "x-trace": "provider"})
    await model.do_generate(PARAMS.model_copy(update={"headers": {"x-trace": "call"}}))
    headers = exchange.requests[0].headers
    assert (headers["x-team"], headers["x-trace"]) == ("a", "call")


async def test_missing_api_key_fails_before_any_request() -> None:
    exchange = json_exchange(response_body([{"text": "ok"}]))
    model = GoogleLanguageModel("gemini-2.5-flash", transport=exchange.transport)
    with pytest.raises(InvalidArgumentError, match="GOOGLE_GENERATIVE_AI_API_KEY"):
        await model.do_generate(PARAMS)
    with pytest.raises(InvalidArgumentError):
        await model.do_stream(PARAMS)
    assert exchange.requests == []


async def test_key_and_base_url_come_from_the_environment_at_call_time(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    exchange = json_exchange(response_body([{"text": "ok"}]))
    model = GoogleLanguageModel("gemini-2.5-flash", transport=exchange.transport)
    monkeypatch.setenv("GOOGLE_GENERATIVE_AI_API_KEY", "env-key")
    monkeypatch.setenv("GOOGLE_GENERATIVE_AI_BASE_URL", "https://proxy.test/gemini/")
    await model.do_generate(PARAMS)
    assert exchange.requests[0].headers["x-goog-api-key"] == "env-key"
    assert (
        str(exchange.requests[0].url) == "https://proxy.test/gemini/models/gemini-2.5-flash:generateContent"
    )


async def test_response_metadata_has_headers_utc_timestamp_body_and_the_called_model() -> None:
    """As in the AI SDK, ``modelVersion`` is not reported as the model id: the called model is."""
    body = response_body([{"text": "ok"}], model_version="gemini-2.5-flash-001", response_id="r-9")
    exchange = Exchange(httpx.Response(200, json=body, headers={"x-request-id": "abc"}))
    before = datetime.now(UTC)
    result = await exchange.model("gemini-2.5-flash").do_generate(PARAMS)
    response = result.response
    assert (response.id, response.model_id, response.body) == ("r-9", "gemini-2.5-flash", body)
    assert response.headers is not None and response.headers["x-request-id"] == "abc"
    assert response.timestamp is not None and response.timestamp >= before
    assert response.timestamp.tzinfo is not None


async def test_model_id_falls_back_to_the_requested_model() -> None:
    exchange = json_exchange(
        {"candidates": [{"content": {"parts": [{"text": "ok"}]}, "finishReason": "STOP"}]}
    )
    result = await exchange.model("gemini-2.5-flash").do_generate(PARAMS)
    assert result.response.model_id == "gemini-2.5-flash"


async def test_http_error_uses_the_gemini_error_message_and_never_the_key() -> None:
    exchange = json_exchange(error_body(400, "API key not valid.", "INVALID_ARGUMENT"), status=400)
    with pytest.raises(APICallError) as caught:
        await exchange.model("gemini-2.5-flash", api_key="secret-key").do_generate(PARAMS)
    error = caught.value
    assert (error.message, error.status_code, error.is_retryable) == ("API key not valid.", 400, False)
    assert error.data == {
        "error": {"code": 400, "message": "API key not valid.", "status": "INVALID_ARGUMENT"}
    }
    assert "secret-key" not in f"{error!r} {error} {error.url} {json.dumps(error.request_body)}"


async def test_error_as_first_stream_event_raises_from_do_stream() -> None:
    exchange = sse_exchange([error_body(503, "The model is overloaded.", "UNAVAILABLE")])
    with pytest.raises(APICallError) as caught:
        await exchange.model("gemini-2.5-flash").do_stream(PARAMS)
    assert (caught.value.status_code, caught.value.is_retryable) == (503, True)
    assert caught.value.message == "The model is overloaded."


async def test_non_object_json_response_is_an_invalid_response() -> None:
    exchange = json_exchange(["not", "an", "object"])
    with pytest.raises(InvalidResponseError, match="Invalid JSON response"):
        await exchange.model("gemini-2.5-flash").do_generate(PARAMS)


def test_repr_never_shows_the_api_key() -> None:
    model = GoogleLanguageModel("gemini-2.5-flash", api_key="secret-key")
    provider = GoogleProvider(api_key="secret-key")
    assert "secret-key" not in repr(model) + repr(provider)


def urls_supported(model: GoogleLanguageModel, media_type: str, url: str) -> bool:
    patterns = [*model.supported_urls.get(media_type, []), *model.supported_urls.get("*", [])]
    return any(pattern.search(url.lower()) for pattern in patterns)


@pytest.mark.parametrize(
    ("model_id", "media_type", "url", "supported"),
    [
        ("gemini-2.0-flash", "image/png", "https://generativelanguage.googleapis.com/v1beta/files/abc", True),
        ("gemini-2.0-flash", "video/mp4", "https://www.youtube.com/watch?v=dQw4w9WgXcQ", True),
        ("gemini-2.0-flash", "video/mp4", "https://youtu.be/dQw4w9WgXcQ", True),
        ("gemini-2.0-flash", "image/png", "https://example.com/a.png", False),
        ("gemini-2.5-flash", "image/png", "https://example.com/a.png", True),
        ("gemini-2.5-flash", "application/pdf", "https://example.com/a.pdf", True),
        ("gemini-2.5-flash", "application/pdf", "http://example.com/a.pdf", False),
        ("gemini-2.5-flash", "audio/mpeg", "https://example.com/a.mp3", False),
        ("gemini-2.0-flash", "image/png", "https://evil.test/v1beta/files/abc", False),
    ],
)
def test_supported_urls(model_id: str, media_type: str, url: str, supported: bool) -> None:
    assert urls_supported(GoogleLanguageModel(model_id), media_type, url) is supported


def test_files_api_pattern_follows_the_base_url() -> None:
    model = GoogleLanguageModel("gemini-2.0-flash", base_url="https://proxy.test/v1beta")
    assert urls_supported(model, "image/png", "https://proxy.test/v1beta/files/x")
    assert not urls_supported(model, "image/png", "https://generativelanguage.googleapis.com/v1beta/files/x")


async def test_provider_models_share_settings_and_client() -> None:
    seen: list[str] = []

    def handle(request: httpx.Request) -> httpx.Response:
        seen.append(request.headers["x-goog-api-key"] + " " + request.url.path)
        return httpx.Response(200, json=response_body([{"text": "ok"}]))

    async with httpx.AsyncClient(transport=httpx.MockTransport(handle)) as client:
        provider = GoogleProvider(api_key="k", base_url="https://g.test/v1", http_client=client)
        await provider("gemini-a").do_generate(PARAMS)
        await provider.chat("gemini-b").do_generate(PARAMS)
    assert seen == ["k /v1/models/gemini-a:generateContent", "k /v1/models/gemini-b:generateContent"]


@pytest.mark.parametrize(
    ("status", "body", "expected"),
    [
        (429, json.dumps(error_body(429, "Quota exceeded", "RESOURCE_EXHAUSTED")), "Quota exceeded"),
        (502, "<html>bad gateway</html>", "Bad Gateway"),
        (599, "", "HTTP 599"),
    ],
)
def test_parse_google_error(status: int, body: str, expected: str) -> None:
    message, data = parse_google_error(status, body)
    assert message == expected
    assert (data is not None) == body.startswith("{")
