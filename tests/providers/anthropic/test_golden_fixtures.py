"""Golden wire fixtures: per case the call params, the exact request body and beta header, the response
JSON or SSE payloads, and the expected result or stream parts (fixtures/*.json)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import httpx
import pytest

from pipeline.params import CallParams
from providers.anthropic import AnthropicProvider

FIXTURES = sorted((Path(__file__).parent / "fixtures").glob("*.json"))


def _decode(value: Any) -> Any:
    if isinstance(value, dict):
        if "$bytes" in value:
            return bytes.fromhex(value["$bytes"])
        if "$url" in value:
            return httpx.URL(value["$url"])
        return {key: _decode(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_decode(item) for item in value]
    return value


def test_the_fixtures_cover_generate_and_stream() -> None:
    calls = {json.loads(path.read_text())["call"] for path in FIXTURES}
    assert calls == {"generate", "stream"}
    assert len(FIXTURES) >= 12


@pytest.mark.parametrize("path", FIXTURES, ids=[path.stem for path in FIXTURES])
async def test_golden_fixture(path: Path) -> None:
    fixture = json.loads(path.read_text())
    requests: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        requests.append(request)
        if fixture["call"] == "generate":
            return httpx.Response(200, json=fixture["response"])
        body = "".join(f"data: {payload}\n\n" for payload in fixture["sse"])
        return httpx.Response(200, content=body.encode(), headers={"content-type": "text/event-stream"})

    model = AnthropicProvider(api_key="test-key", transport=httpx.MockTransport(handler))(fixture["model_id"])
    params = CallParams.model_validate(_decode(fixture["params"]))
    if fixture["call"] == "generate":
        result = await model.do_generate(params)
        actual = result.to_json_dict()
        assert {key: actual.get(key) for key in fixture["expect"]} == fixture["expect"]
    else:
        stream = await model.do_stream(params)
        parts = [part.to_json_dict() async for part in stream.stream]
        assert parts == fixture["expect"]["parts"]
    assert json.loads(requests[0].content) == fixture["request_body"]
    assert requests[0].headers.get("anthropic-beta") == fixture["anthropic_beta"]
