"""A logging middleware outside a real cache reports each call as a cache miss or hit."""

from __future__ import annotations

import logging

import pytest

from middleware.cache.call_cache import CacheMiddleware
from middleware.cache.stores import MemoryStore
from middleware.observe.log import LoggingMiddleware
from pipeline.chain import wrap_model
from pipeline.generate import generate_text, stream_text
from pipeline.testing import MockLanguageModel


async def test_log_records_show_cache_miss_then_hit_for_generate_and_stream(
    caplog: pytest.LogCaptureFixture,
) -> None:
    model = MockLanguageModel()
    observed = wrap_model(model, [LoggingMiddleware(), CacheMiddleware(MemoryStore())])
    with caplog.at_level(logging.INFO, logger="modelpipe.calls"):
        for _ in range(2):
            assert (await generate_text(observed, prompt="Hi")).text == "Hello!"
            assert await stream_text(observed, prompt="Hi").text() == "Hello!"
    fields = [record.modelpipe for record in caplog.records if record.name == "modelpipe.calls"]  # type: ignore[attr-defined]
    assert [(f["call_type"], f["cache"]) for f in fields] == [
        ("generate", "miss"),
        ("stream", "miss"),
        ("generate", "hit"),
        ("stream", "hit"),
    ]
    assert [call.type for call in model.calls] == ["generate", "stream"]
