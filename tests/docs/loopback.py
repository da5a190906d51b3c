"""Loopback servers that answer any call the documentation's snippets make, for every provider.

A snippet written for a real provider (``AnthropicProvider()``, ``"openai/gpt-4o"``) runs as written:
each provider's key and base URL environment variables point at a server on 127.0.0.1 that speaks
that provider's wire protocol and answers every request (text, streamed text or embeddings).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import ExitStack, contextmanager

import pytest

from providers.openai.model import OPENAI, OpenAIConnection
from providers.testing import LoopbackServer, RecordedRequest, Reply
from providers.testing import anthropic as fake_anthropic
from providers.testing import google as fake_google
from providers.testing import openai as fake_openai
from providers.testing import openai_responses as fake_responses
from providers.testing.embeddings import google_embedding_responder, openai_embedding_responder

ANSWER = "Lantern Day: everyone hangs a paper lantern."
CHUNKS = ["Lantern ", "Day: ", "everyone ", "hangs ", "a ", "paper ", "lantern."]

_openai_embeddings = openai_embedding_responder()
_google_embeddings = google_embedding_responder()


def _openai(request: RecordedRequest) -> Reply:
    if request.path.endswith("/embeddings"):
        return _openai_embeddings(request)
    if request.path.endswith("/responses"):  # OpenAIProvider()(...) and "openai/..." use the Responses API
        if request.json().get("stream"):
            return fake_responses.stream_reply(fake_responses.stream_events(CHUNKS))
        return fake_responses.text_reply(ANSWER)
    if request.json().get("stream"):
        return fake_openai.stream_reply(fake_openai.stream_chunks(CHUNKS))
    return fake_openai.text_reply(ANSWER)


def _anthropic(request: RecordedRequest) -> Reply:
    if request.json().get("stream"):
        return fake_anthropic.stream_reply(CHUNKS)
    return fake_anthropic.text_reply(ANSWER)


def _google(request: RecordedRequest) -> Reply:
    if "embedcontent" in request.path.lower():
        return _google_embeddings(request)
    if "streamGenerateContent" in request.path:
        return fake_google.stream_reply(CHUNKS)
    return fake_google.text_reply(ANSWER)


# environment variable prefix, the path the provider's base URL ends with, the responder
_PROVIDERS = (
    ("OPENAI", "/v1", _openai),
    ("ANTHROPIC", "/v1", _anthropic),
    ("GOOGLE_GENERATIVE_AI", "/v1beta", _google),
    ("OLLAMA", "/v1", _openai),
)


@contextmanager
def loopback_providers(monkeypatch: pytest.MonkeyPatch) -> Iterator[dict[str, LoopbackServer]]:
    """Start one answering server per provider and point that provider's environment at it.

    The OpenAI server stands in for OpenAI's own endpoint, so the model passes image URLs to it as it
    would to OpenAI (which fetches them itself) instead of downloading them.
    """
    at_default_url = OpenAIConnection.at_default_url
    monkeypatch.setattr(
        OpenAIConnection,
        "at_default_url",
        lambda self, base_url: self.endpoint is OPENAI or at_default_url(self, base_url),
    )
    with ExitStack() as stack:
        servers: dict[str, LoopbackServer] = {}
        for prefix, base_path, responder in _PROVIDERS:
            server = stack.enter_context(LoopbackServer())
            server.default_reply = responder
            monkeypatch.setenv(f"{prefix}_API_KEY", "loopback-key")
            monkeypatch.setenv(f"{prefix}_BASE_URL", server.base_url + base_path)
            servers[prefix.lower()] = server
        yield servers
