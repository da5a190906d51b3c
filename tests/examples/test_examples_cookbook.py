"""The cookbook recipes as examples: each runs offline (loopback servers, real MCP servers started from
the examples' own server script, a throwaway redis-server) and says what it did."""

from __future__ import annotations

import importlib.util
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType

import pytest

from pipeline import ContentOutput, MediaItem, TextItem, cosine_similarity
from tests.middleware.cache.redis_server import running_redis_server

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
OFFLINE_NOTICE = "(no OPENAI_API_KEY: answering from a loopback OpenAI-compatible server)"


def load(name: str) -> ModuleType:
    spec = importlib.util.spec_from_file_location(f"example_{name}", EXAMPLES / f"{name}.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # pydantic resolves the example's annotations through sys.modules
    spec.loader.exec_module(module)
    return module


@pytest.fixture(autouse=True)
def offline(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("OPENAI_API_KEY", "DEEPSEEK_API_KEY", "REDIS_URL", "MCP_SERVER_URL"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.syspath_prepend(str(EXAMPLES))  # rag.py and knowledge_base_agent.py import vector_index


def lines(capsys: pytest.CaptureFixture[str], notice: str = OFFLINE_NOTICE) -> list[str]:
    out = capsys.readouterr().out.splitlines()
    assert out[0] == notice
    return out[1:]


@pytest.fixture(scope="module")
def mcp_http_url() -> Iterator[str]:
    """examples/mcp_server.py over Streamable HTTP on a free loopback port."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = int(probe.getsockname()[1])
    process = subprocess.Popen(
        [sys.executable, str(EXAMPLES / "mcp_server.py"), "--http", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        for _ in range(200):
            assert process.poll() is None, "the example MCP server exited"
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
                break
            except OSError:
                time.sleep(0.05)
        yield f"http://127.0.0.1:{port}/mcp"
    finally:
        process.terminate()
        process.wait(timeout=10)


@pytest.mark.parametrize("over", ["stdio", "http"])
async def test_mcp_tools(
    over: str, mcp_http_url: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    if over == "http":
        monkeypatch.setenv("MCP_SERVER_URL", mcp_http_url)
    result = await load("mcp_tools").main()
    assert lines(capsys) == [
        "server tools: get_weather, weather_chart, book_table",
        "tool result: get_weather -> text",
        "tool result: weather_chart -> text + media",
        "answer: It is 72°F and sunny in Brooklyn; the chart shows a warm afternoon.",
    ]
    chart = result.steps[1].content[-1].output
    assert isinstance(chart, ContentOutput)
    assert chart.value[0] == TextItem(text="Temperatures in Brooklyn today")
    assert isinstance(chart.value[1], MediaItem) and chart.value[1].media_type == "image/png"


async def test_mcp_elicitation(capsys: pytest.CaptureFixture[str]) -> None:
    result = await load("mcp_elicitation").main()
    assert lines(capsys) == [
        "server asks: Book a table at Chez Max? (fields: confirm, seats)",
        "(not a terminal: accepting for 2)",
        "tool said: Booked a table for 2 at Chez Max.",
        "answer: Done: your table at Chez Max is booked.",
    ]
    assert result.steps[0].tool_calls[0].tool_name == "book_table"


async def test_rag_in_memory(capsys: pytest.CaptureFixture[str]) -> None:
    result = await load("rag").main()
    assert lines(capsys) == [
        "retrieved (0.82): Opened items can be returned within 14 days for store credit.",
        "retrieved (0.41): Unopened items can be returned within 30 days for a full refund.",
        "answer: Opened items: within 14 days, for store credit.",
    ]
    system = result.request.body["messages"][0]["content"]
    assert "Opened items can be returned within 14 days" in system
    assert "Shipping" not in system  # only the two nearest chunks were sent


async def test_rag_and_knowledge_base_agent_on_redis(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    with running_redis_server() as redis_server:
        monkeypatch.setenv("REDIS_URL", f"redis://127.0.0.1:{redis_server.port}/0")
        await load("rag").main()
        assert (
            lines(capsys)[0]
            == "retrieved (0.82): Opened items can be returned within 14 days for store credit."
        )
        results = await load("knowledge_base_agent").main()
    assert results[1].steps[0].content[-1].result == ["Orders over 50 euros ship free."]


async def test_knowledge_base_agent(capsys: pytest.CaptureFixture[str]) -> None:
    stored, answered = await load("knowledge_base_agent").main()
    assert stored.steps[0].content[-1].result == "Resource added."
    assert answered.steps[0].content[-1].result == ["Orders over 50 euros ship free."]
    assert lines(capsys)[-3:] == [
        "user: Is shipping free?",
        '  tools: get_information({"question": "Is shipping free?"})',
        "  answer: Yes: shipping is free on orders over 50 euros.",
    ]


async def test_call_tools_with_image_prompt(capsys: pytest.CaptureFixture[str]) -> None:
    result = await load("call_tools_with_image_prompt").main()
    user = result.steps[0].request.body["messages"][0]["content"]
    assert user[1]["type"] == "image_url" and user[1]["image_url"]["url"].startswith("data:image/png;base64,")
    assert lines(capsys) == [
        "food log: [{'name': 'margherita pizza', 'calories': 800}]",
        "answer: I logged a margherita pizza, about 800 kcal.",
    ]


async def test_generate_object_reasoning_model(capsys: pytest.CaptureFixture[str]) -> None:
    result = await load("generate_object_reasoning_model").main()
    assert result.object.name == "Lasagna"
    assert result.reasoning_text == "A classic lasagna needs pasta, sauce and cheese; keep it to two steps."
    notice = "(no DEEPSEEK_API_KEY: answering from a loopback OpenAI-compatible server)"
    assert lines(capsys, notice)[0].startswith("reasoning: A classic lasagna")


async def test_stream_object_image_prompt(capsys: pytest.CaptureFixture[str]) -> None:
    partials, people = await load("stream_object_image_prompt").main()
    assert len(people.people) == 2 and len(partials) > 2
    assert lines(capsys)[-2:] == [
        "- a woman with short hair, wearing a red jacket",
        "- a man with glasses, wearing a blue shirt",
    ]


async def test_record_token_usage_stream_object(capsys: pytest.CaptureFixture[str]) -> None:
    usage = await load("record_token_usage_stream_object").main()
    assert (usage.input_tokens, usage.output_tokens, usage.total_tokens) == (42, 17, 59)
    assert lines(capsys)[-1] == "usage: 42 input + 17 output = 59 tokens"


async def test_record_final_object_stream_object(capsys: pytest.CaptureFixture[str]) -> None:
    valid, invalid = await load("record_final_object_stream_object").main()
    assert valid.object.ingredients == ["leek"] and valid.error is None
    assert invalid.object is None and invalid.error is not None and invalid.text == '{"name": "Soup"}'
    assert lines(capsys) == [
        'final object: {"name":"Soup","ingredients":["leek"]}',
        "no object: NoObjectGeneratedError: No object generated: response did not match schema. "
        "1 validation error for Recipe",
    ]


async def test_intercept_requests(capsys: pytest.CaptureFixture[str]) -> None:
    result = await load("intercept_requests").main()
    out = lines(capsys)
    assert out[0].startswith("POST http://127.0.0.1:") and out[0].endswith("/v1/chat/completions")
    assert "authorization" in out[1] and "loopback" not in out[1]
    assert (
        out[2] == '  body: {"model": "gpt-4o-mini", "messages": [{"role": "user", "content": "Say hello."}]}'
    )
    assert out[3] == "sent 75 request bytes"
    assert result.text == "Hello from the loopback server."


async def test_stream_text_chat_prompt(capsys: pytest.CaptureFixture[str]) -> None:
    text = await load("stream_text_chat_prompt").main()
    assert text == "The Jardin du Luxembourg, when the chestnut trees bloom."
    assert lines(capsys) == [text]


async def test_stream_text_image_prompt(capsys: pytest.CaptureFixture[str]) -> None:
    assert await load("stream_text_image_prompt").main() == "A single pixel, in a soft grey."
    assert lines(capsys) == ["A single pixel, in a soft grey."]


def test_cosine_similarity() -> None:
    from pipeline import InvalidArgumentError

    assert cosine_similarity([1, 2, 3], [1, 2, 3]) == pytest.approx(1.0)
    assert cosine_similarity([1, 0], [0, 1]) == 0.0
    assert cosine_similarity([1, 0], [-2, 0]) == pytest.approx(-1.0)
    assert cosine_similarity([0, 0], [1, 1]) == 0.0
    assert cosine_similarity([], []) == 0.0
    with pytest.raises(InvalidArgumentError, match="same length"):
        cosine_similarity([1, 2], [1, 2, 3])


async def test_generate_text_chat_prompt(capsys: pytest.CaptureFixture[str]) -> None:
    result = await load("generate_text_chat_prompt").main()
    assert [message["role"] for message in result.request.body["messages"]] == [
        "system",
        "user",
        "assistant",
        "user",
    ]
    assert lines(capsys) == ["Try Curry 36 in Kreuzberg, or Konnopke's Imbiss in Prenzlauer Berg."]
