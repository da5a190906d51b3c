"""The tool, structured-output and embedding examples run offline against the loopback server."""

from __future__ import annotations

import importlib.util
import os
import re
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import pytest

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
    monkeypatch.delenv("OPENAI_API_KEY", raising=False)


def output_lines(capsys: pytest.CaptureFixture[str]) -> list[str]:
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == OFFLINE_NOTICE
    return lines[1:]


async def test_call_tools(capsys: pytest.CaptureFixture[str]) -> None:
    result = await load("call_tools").main()
    assert [call.tool_name for call in result.tool_calls] == ["weather"]
    assert result.tool_results[0].result == {"location": "San Francisco", "temperature": 72}
    assert output_lines(capsys) == [
        'tool call:   weather({"location": "San Francisco"})',
        "tool result: weather -> {'location': 'San Francisco', 'temperature': 72}",
    ]


async def test_call_tools_in_parallel(capsys: pytest.CaptureFixture[str]) -> None:
    result = await load("call_tools_in_parallel").main()
    assert [tool_result.result["location"] for tool_result in result.tool_results] == ["Paris", "New York"]
    assert len(result.steps) == 2
    lines = output_lines(capsys)
    assert lines[2] == "answer: Paris is 64°F and New York is 75°F."
    # Only the line's shape: that the calls overlap is asserted without a clock in
    # tests/pipeline/test_tools.py (a wall-clock bound here failed on a loaded machine).
    assert re.fullmatch(r"two 0\.2 s tool calls took \d+\.\d s in all", lines[3])


async def test_call_tools_multiple_steps(capsys: pytest.CaptureFixture[str]) -> None:
    result = await load("call_tools_multiple_steps").main()
    assert [step.finish_reason for step in result.steps] == ["tool-calls", "tool-calls", "stop"]
    assert result.tool_results[1].result == {"celsius": 20.0}
    assert output_lines(capsys)[-2:] == [
        "answer: It is 20 °C in San Francisco.",
        "total tokens over 3 steps: 90",
    ]


async def test_manual_agent_loop(capsys: pytest.CaptureFixture[str]) -> None:
    messages = await load("manual_agent_loop").main()
    assert [message.role for message in messages] == ["user", "assistant", "tool", "assistant"]
    assert messages[2].content[0].output.value == {
        "location": "Berlin",
        "temperature": 18,
        "conditions": "cloudy",
    }
    assert output_lines(capsys)[:2] == [
        'running weather({"location": "Berlin"})',
        "answer: It is 18 °C and cloudy in Berlin.",
    ]


async def test_generate_object(capsys: pytest.CaptureFixture[str]) -> None:
    example = load("generate_object")
    recipe = await example.main()
    assert recipe == example.Recipe.model_validate(example.RECIPE)
    assert output_lines(capsys)[0] == "Lasagna: 3 ingredients, 2 steps"


async def test_stream_object(capsys: pytest.CaptureFixture[str]) -> None:
    partials, recipe = await load("stream_object").main()
    assert partials[0] == {"name": "La"}
    assert partials[-1] == recipe.model_dump()
    assert len(partials) == len({repr(partial) for partial in partials}) > 5
    assert output_lines(capsys)[-1].startswith("final: Recipe(name='Lasagna'")


async def test_embed_text(capsys: pytest.CaptureFixture[str]) -> None:
    result = await load("embed_text").main()
    assert (result.value, len(result.embedding), result.usage.tokens) == ("sunny day at the beach", 4, 5)
    assert output_lines(capsys)[1] == "tokens: 5"


async def test_embed_text_batch(capsys: pytest.CaptureFixture[str]) -> None:
    example = load("embed_text_batch")
    result = await example.main()
    assert result.values == example.VALUES
    assert result.embeddings[0] == [0.9, 0.1, 0.0]
    assert output_lines(capsys) == [
        "'sunny day at the beach' vs 'rainy afternoon in the city': 0.308",
        "'sunny day at the beach' vs 'snowy night in the mountains': 0.145",
        "3 embeddings, tokens: 15",
    ]


async def test_repair_json(capsys: pytest.CaptureFixture[str]) -> None:
    example = load("repair_json")
    lasagna, pizza = await example.main()
    assert lasagna == example.Recipe(name="Lasagna", ingredients=["pasta", "tomato sauce", "cheese"])
    assert pizza == example.Recipe(name="Pizza", ingredients=["dough", "tomato"])
    assert output_lines(capsys)[0] == "repairing after: JSONDecodeError"


def test_an_example_runs_as_a_script() -> None:
    env = {key: value for key, value in os.environ.items() if key != "OPENAI_API_KEY"}
    completed = subprocess.run(
        [sys.executable, str(EXAMPLES / "generate_object.py")],
        capture_output=True,
        text=True,
        timeout=60,
        env=env,
        check=True,
    )
    assert completed.stdout.splitlines()[:2] == [OFFLINE_NOTICE, "Lasagna: 3 ingredients, 2 steps"]
    assert completed.stderr == ""


async def test_cache_embeddings(capsys: pytest.CaptureFixture[str]) -> None:
    example = load("cache_embeddings")
    first, second, sent = await example.main()
    assert sent == [example.FIRST, ["snowy night in the mountains"]]
    by_text = dict(zip(example.FIRST, first.embeddings, strict=True))
    assert second.embeddings == [
        by_text["rainy afternoon in the city"],
        [0.1, 0.4, 0.9],
        by_text["sunny day at the beach"],
    ]
    assert capsys.readouterr().out.splitlines() == [  # always offline: no notice
        "first batch: 2 embeddings, tokens 10",
        "second batch: 3 embeddings, tokens 5",
        "texts that reached the model: [['sunny day at the beach', 'rainy afternoon in the city'], "
        "['snowy night in the mountains']]",
    ]
