"""A terminal skips a provider tool it does not own, with the AI SDK's ``unsupported`` warning."""

from __future__ import annotations

import pytest

from pipeline.generate import prepare_call
from pipeline.params import ProviderTool
from providers.anthropic.request import build_request as build_anthropic_request
from providers.google.request_body import build_request as build_google_request
from providers.openai.options import OpenAIChatOptions
from providers.openai.request import build_chat_body

SEARCH = ProviderTool(id="acme.web_search", name="web_search", args={"max_uses": 2})


@pytest.mark.parametrize(
    "build",
    [
        lambda params: build_chat_body("gpt-4o", params, OpenAIChatOptions())[1],
        lambda params: build_anthropic_request("claude-sonnet-4-5", params, stream=False).warnings,
        lambda params: build_google_request("gemini-2.5-flash", params).warnings,
    ],
    ids=["openai-chat", "anthropic", "google"],
)
def test_a_terminal_skips_a_provider_tool_it_does_not_own_with_a_warning(build: object) -> None:
    params = prepare_call(prompt="hi", tools=[SEARCH])

    warnings = build(params)  # type: ignore[operator]

    assert [(w.type, w.feature) for w in warnings] == [
        ("unsupported", "provider-defined tool acme.web_search")
    ]
