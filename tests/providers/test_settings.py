"""ConnectionSettings: argument, then environment, then default; client choice; what providers share."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import Any

import httpx
import pytest

from pipeline.embed import EmbedParams
from pipeline.errors import APICallError, InvalidArgumentError
from pipeline.params import CallParams
from pipeline.redact import redact_text
from providers._http import HttpClient, shared_http
from providers._settings import ConnectionSettings
from providers.anthropic import AnthropicProvider
from providers.google import GoogleProvider
from providers.openai import OpenAIProvider

ENV = "MODELPIPE_TEST_SETTINGS_VALUE"


@pytest.fixture(autouse=True)
def no_test_env(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(ENV, raising=False)


def _echo_transport(seen: list[httpx.Request]) -> httpx.MockTransport:
    def handle(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(200, json={"ok": True})

    return httpx.MockTransport(handle)


def test_no_client_arguments_mean_the_shared_pooled_client() -> None:
    settings = ConnectionSettings.from_arguments()
    assert settings.http is None
    assert settings.http_or_shared() is shared_http()


def test_an_explicit_http_client_is_used_as_given() -> None:
    http = HttpClient()
    settings = ConnectionSettings.from_arguments(http=http)
    assert settings.http is http
    assert settings.http_or_shared() is http


@pytest.mark.parametrize(
    ("chosen", "named"),
    [
        (
            {"http": HttpClient(), "transport": httpx.MockTransport(lambda _: httpx.Response(200))},
            "transport",
        ),
        ({"http": HttpClient(), "http_client": httpx.AsyncClient()}, "http_client"),
        (
            {
                "http_client": httpx.AsyncClient(),
                "transport": httpx.MockTransport(lambda _: httpx.Response(200)),
            },
            "transport",
        ),
    ],
    ids=["http+transport", "http+http_client", "http_client+transport"],
)
def test_more_than_one_way_to_choose_the_client_is_rejected(chosen: dict[str, Any], named: str) -> None:
    """Before, ``http`` silently won over the others."""
    with pytest.raises(InvalidArgumentError, match="pass one of http=, http_client= or transport=") as caught:
        ConnectionSettings.from_arguments(**chosen)
    assert caught.value.argument == named


async def test_an_injected_httpx_client_is_used_for_every_call() -> None:
    async with httpx.AsyncClient() as injected:
        settings = ConnectionSettings.from_arguments(http_client=injected)
        assert settings.http is not None
        assert settings.http_or_shared().client() is injected


async def test_a_transport_gets_a_dedicated_client_that_posts_through_it() -> None:
    seen: list[httpx.Request] = []
    settings = ConnectionSettings.from_arguments(transport=_echo_transport(seen))
    assert settings.http_or_shared() is not shared_http()
    response = await settings.http_or_shared().client().post("http://127.0.0.1/x", json={})
    assert response.json() == {"ok": True}
    assert [str(request.url) for request in seen] == ["http://127.0.0.1/x"]


def test_headers_are_a_read_only_copy() -> None:
    given = {"X-Trace": "1"}
    settings = ConnectionSettings.from_arguments(headers=given)
    given["X-Trace"] = "2"
    assert dict(settings.headers) == {"X-Trace": "1"}
    with pytest.raises(TypeError):
        settings.headers["X-Trace"] = "3"  # type: ignore[index]
    assert dict(ConnectionSettings.from_arguments().headers) == {}


def test_settings_are_frozen() -> None:
    settings = ConnectionSettings.from_arguments(base_url="http://a")
    with pytest.raises(dataclasses.FrozenInstanceError):
        settings.base_url = "http://b"  # type: ignore[misc]


@pytest.mark.parametrize(
    ("argument", "environment", "expected"),
    [
        ("http://arg/v1/", "http://env/v1", "http://arg/v1"),
        (None, "http://env/v1/", "http://env/v1"),
        (None, None, "https://default/v1"),
        (None, "", "https://default/v1"),
        ("", None, "https://default/v1"),
    ],
)
def test_base_url_is_argument_then_environment_then_default_without_a_final_slash(
    monkeypatch: pytest.MonkeyPatch, argument: str | None, environment: str | None, expected: str
) -> None:
    if environment is not None:
        monkeypatch.setenv(ENV, environment)
    settings = ConnectionSettings.from_arguments(base_url=argument)
    assert settings.base_url_or(ENV, "https://default/v1/") == expected


def test_base_url_environment_is_read_at_call_time(monkeypatch: pytest.MonkeyPatch) -> None:
    settings = ConnectionSettings.from_arguments()
    assert settings.base_url_or(ENV, "https://default") == "https://default"
    monkeypatch.setenv(ENV, "http://late")
    assert settings.base_url_or(ENV, "https://default") == "http://late"


def test_base_url_without_an_environment_variable_uses_the_default(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(ENV, "http://ignored")
    assert ConnectionSettings.from_arguments().base_url_or(None, "https://default/") == "https://default"


def test_api_key_is_the_argument_then_the_environment_read_at_call_time(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv(ENV, "env-key-0123456789")
    assert ConnectionSettings.from_arguments(api_key="arg-key-0123456789").api_key_or_env(ENV) == (
        "arg-key-0123456789"
    )
    settings = ConnectionSettings.from_arguments()
    assert settings.api_key_or_env(ENV) == "env-key-0123456789"
    monkeypatch.setenv(ENV, "later-key-0123456789")
    assert settings.api_key_or_env(ENV) == "later-key-0123456789"
    monkeypatch.delenv(ENV)
    assert settings.api_key_or_env(ENV) is None
    assert settings.api_key_or_env(None) is None


def test_a_resolved_key_is_registered_for_redaction() -> None:
    key = "settings-test-key-5f2a9c"
    assert ConnectionSettings.from_arguments(api_key=key).api_key_or_env(None) == key
    assert key not in redact_text(f"Bearer {key}")


def test_repr_shows_neither_the_key_nor_header_values() -> None:
    settings = ConnectionSettings.from_arguments(
        api_key="repr-key-abcdef", base_url="http://host/v1", headers={"Authorization": "Bearer hdr-secret"}
    )
    text = repr(settings)
    assert "http://host/v1" in text
    assert "repr-key-abcdef" not in text
    assert "hdr-secret" not in text


def test_as_arguments_round_trips_the_settings() -> None:
    http = HttpClient()
    settings = ConnectionSettings.from_arguments(
        api_key="k" * 10, base_url="http://b", headers={"x-a": "1"}, http=http
    )
    arguments = settings.as_arguments()
    assert arguments == {"api_key": "k" * 10, "base_url": "http://b", "headers": {"x-a": "1"}, "http": http}
    assert ConnectionSettings.from_arguments(**arguments) == settings


PARAMS = CallParams.model_validate(
    {"prompt": [{"role": "user", "content": [{"type": "text", "text": "Hi"}]}]}
)
KEY = "provider-key-0123456789"


async def _call(model: Any) -> None:
    if hasattr(model, "do_embed"):
        await model.do_embed(EmbedParams(values=["a"]))
    else:
        await model.do_generate(PARAMS)


@pytest.mark.parametrize(
    ("make_provider", "model_names", "key_header"),
    [
        (OpenAIProvider, ("chat", "embedding"), ("authorization", f"Bearer {KEY}")),
        (AnthropicProvider, ("messages", "chat"), ("x-api-key", KEY)),
        (GoogleProvider, ("chat", "embedding"), ("x-goog-api-key", KEY)),
    ],
    ids=["openai", "anthropic", "google"],
)
async def test_models_from_one_provider_call_through_its_settings(
    make_provider: Callable[..., Any], model_names: tuple[str, ...], key_header: tuple[str, str]
) -> None:
    seen: list[httpx.Request] = []

    def refuse(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(400, json={"error": {"message": "no"}})

    provider = make_provider(
        api_key=KEY,
        base_url="http://127.0.0.1:9/v1/",
        headers={"X-Extra": "1"},
        transport=httpx.MockTransport(refuse),
    )
    models = [getattr(provider, name)("some-model") for name in model_names]
    for model in models:
        assert model.base_url == "http://127.0.0.1:9/v1"
        assert KEY not in repr(model)
        with pytest.raises(APICallError):
            await _call(model)
    assert KEY not in repr(provider)
    assert len(seen) == len(models)
    for request in seen:
        assert str(request.url).startswith("http://127.0.0.1:9/v1/")
        assert request.headers[key_header[0]] == key_header[1]
        assert request.headers["x-extra"] == "1"
