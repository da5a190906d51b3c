"""Golden wire fixtures: each case's request body, response mapping and stream parts, via MockTransport."""

from __future__ import annotations

import pytest

from .golden import (
    call_params,
    fixture_names,
    json_exchange,
    load_fixture,
    part_summaries,
    result_summary,
    sse_exchange,
)

NAMES = fixture_names()
STREAM_NAMES = [name for name in NAMES if "sse_chunks" in load_fixture(name)]


def test_fixture_set_covers_generate_and_stream() -> None:
    assert len(NAMES) >= 15
    assert len(STREAM_NAMES) >= 6


@pytest.mark.parametrize("name", NAMES)
async def test_generate_sends_the_expected_body_and_maps_the_response(name: str) -> None:
    fixture = load_fixture(name)
    exchange = json_exchange(fixture["response"])
    result = await exchange.model(fixture["model_id"]).do_generate(call_params(fixture))
    assert exchange.body == fixture["request_body"]
    assert result.request.body == fixture["request_body"]
    assert [warning.to_json_dict() for warning in result.warnings] == fixture["warnings"]
    assert result_summary(result) == fixture["result"]


@pytest.mark.parametrize("name", STREAM_NAMES)
async def test_stream_sends_the_same_body_and_emits_the_expected_parts(name: str) -> None:
    fixture = load_fixture(name)
    exchange = sse_exchange(fixture["sse_chunks"])
    streamed = await exchange.model(fixture["model_id"]).do_stream(call_params(fixture))
    parts = [part async for part in streamed.stream]
    assert exchange.body == fixture["request_body"]
    assert streamed.request.body == fixture["request_body"]
    assert part_summaries(parts) == fixture["parts"]
