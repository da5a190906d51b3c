"""Provider terminals (OpenAI and OpenAI-compatible servers, Anthropic, Google Gemini).

Importing this package registers their model strings: ``"openai/gpt-4o"``,
``"anthropic/claude-sonnet-4-5"``, ``"google/gemini-2.5-flash"``, ``"ollama/llama3.2"``, ...
"""

from . import anthropic, compatible, google, openai

__all__ = ["anthropic", "compatible", "google", "openai"]

for _provider in (openai, compatible, anthropic, google):
    _provider.register()
