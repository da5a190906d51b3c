"""Golden wire fixtures: per case, the exact request body sent and the result or parts produced."""

import json
from pathlib import Path
from typing import Any

import httpx
import pytest

from pipeline.normalize import normalize_prompt
from pipeline.params import CallParams
from providers.openai import OpenAIProvider

FIXTURES = sorted((Path(__file__).parent / "fixtures").glob("*.json"))


def _without_generated_ids(items: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [{**item, "id": "<generated>"} if item.get("type") == "source" else item for item in items]


@pytest.mark.parametrize("path", FIXTURES, ids=[path.stem for path in FIXTURES])
async def test_fixture(path: Path) -> None:
    fixture = json.loads(path.read_text())
    sent: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        sent.append(request)
        if "sse" in fixture:
            text = "".join(f"data: {payload}\n\n" for payload in fixture["sse"])
            return httpx.Response(200, headers={"content-type": "text/event-stream"}, content=text.encode())
        return httpx.Response(200, json=fixture["response"])

    model = OpenAIProvider(api_key="sk-fixture", transport=httpx.MockTransport(handler)).chat(
        fixture["model_id"]
    )
    params = CallParams.model_validate(fixture["call"])
    params = params.model_copy(update={"prompt": normalize_prompt(params.prompt)})

    if "sse" in fixture:
        result = await model.do_stream(params)
        parts = [part.to_json_dict() async for part in result.stream]
        assert _without_generated_ids(parts) == fixture["parts"]
        assert result.request.body == fixture["request_body"]
    else:
        generated = (await model.do_generate(params)).to_json_dict()
        assert generated.pop("request") == {"body": fixture["request_body"]}
        generated["response"].pop("headers")
        generated["content"] = _without_generated_ids(generated["content"])
        assert generated == fixture["result"]
    assert json.loads(sent[0].content) == fixture["request_body"]


def test_fixtures_cover_generate_and_stream() -> None:
    names = {path.stem for path in FIXTURES}
    assert any(name.startswith("generate_") for name in names)
    assert any(name.startswith("stream_") for name in names)
