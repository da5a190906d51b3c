"""API keys: a call without one is refused before any request, naming the Python argument ``api_key``."""

from __future__ import annotations

import httpx
import pytest

from pipeline.errors import InvalidArgumentError
from pipeline.generate import prepare_call
from pipeline.model import LanguageModel
from providers._credentials import missing_api_key_error
from providers.anthropic.model import AnthropicMessagesModel
from providers.google.model import GoogleLanguageModel
from providers.openai.model import OpenAIChatLanguageModel


def _refuse(request: httpx.Request) -> httpx.Response:
    raise AssertionError(f"no request may be sent without a key, got {request.url}")


@pytest.mark.parametrize(
    ("make", "env_var", "provider_name"),
    [
        (OpenAIChatLanguageModel, "OPENAI_API_KEY", "openai"),
        (AnthropicMessagesModel, "ANTHROPIC_API_KEY", "Anthropic"),
        (GoogleLanguageModel, "GOOGLE_GENERATIVE_AI_API_KEY", "Google Generative AI"),
    ],
)
async def test_every_provider_names_the_api_key_argument_and_its_environment_variable(
    make: type[LanguageModel], env_var: str, provider_name: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name in (env_var, "OPENAI_BASE_URL", "ANTHROPIC_BASE_URL"):
        monkeypatch.delenv(name, raising=False)
    model = make("some-model", transport=httpx.MockTransport(_refuse))  # type: ignore[call-arg]
    with pytest.raises(InvalidArgumentError) as caught:
        await model.do_generate(prepare_call(prompt="Hi"))
    assert caught.value.argument == "api_key"
    assert str(caught.value) == (
        f"Invalid argument for 'api_key': {provider_name} API key is missing. "
        f"Pass the api_key argument or set the {env_var} environment variable."
    )


def test_without_an_environment_variable_only_the_argument_is_named() -> None:
    error = missing_api_key_error("Local", None)
    assert (error.argument, str(error)) == (
        "api_key",
        "Invalid argument for 'api_key': Local API key is missing. Pass the api_key argument.",
    )
