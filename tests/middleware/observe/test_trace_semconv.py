"""Cache-token attribute names: the default ones, and the newer ones under OTEL_SEMCONV_STABILITY_OPT_IN."""

from __future__ import annotations

import pytest

from pipeline import wrap_model
from pipeline.result import Usage
from pipeline.testing import MockLanguageModel, text_result

from .test_trace import PARAMS, Tracing

USAGE = Usage.of(
    input_tokens=12, output_tokens=4, cache_read_tokens=8, cache_write_tokens=2, reasoning_tokens=3
)


async def usage_attributes(monkeypatch: pytest.MonkeyPatch, opt_in: str | None) -> dict[str, object]:
    if opt_in is None:
        monkeypatch.delenv("OTEL_SEMCONV_STABILITY_OPT_IN", raising=False)
    else:
        monkeypatch.setenv("OTEL_SEMCONV_STABILITY_OPT_IN", opt_in)
    tracing = Tracing()
    mock = MockLanguageModel(generate=text_result("Hi", usage=USAGE), provider="anthropic.messages")
    await wrap_model(mock, tracing.middleware()).do_generate(PARAMS)
    (span,) = tracing.spans()
    return {key: value for key, value in (span.attributes or {}).items() if key.startswith("gen_ai.usage.")}


@pytest.mark.parametrize("opt_in", [None, "", "http", "database/dup"])
async def test_default_names(monkeypatch: pytest.MonkeyPatch, opt_in: str | None) -> None:
    assert await usage_attributes(monkeypatch, opt_in) == {
        "gen_ai.usage.input_tokens": 12,
        "gen_ai.usage.output_tokens": 4,
        "gen_ai.usage.cache_read.input_tokens": 8,
        "gen_ai.usage.cache_creation.input_tokens": 2,
    }


@pytest.mark.parametrize("opt_in", ["gen_ai_latest_experimental", "http, gen_ai_latest_experimental"])
async def test_latest_experimental_names(monkeypatch: pytest.MonkeyPatch, opt_in: str) -> None:
    assert await usage_attributes(monkeypatch, opt_in) == {
        "gen_ai.usage.input_tokens": 12,
        "gen_ai.usage.output_tokens": 4,
        "gen_ai.usage.cache_read.input_tokens": 8,
        "gen_ai.usage.cache_write.input_tokens": 2,
        "gen_ai.usage.reasoning.output_tokens": 3,
    }
