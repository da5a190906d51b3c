"""The AI SDK's `middleware` conformance cases: default settings, tool input examples, chain order, and the
transform stage."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from middleware.options import AddToolInputExamplesMiddleware
from middleware.options.provider_options import ProviderOptionsMiddleware
from middleware.transform import ExtractJsonMiddleware, ExtractReasoningMiddleware
from middleware.transform.simulate_streaming import stream_parts_of
from pipeline.chain import Middleware, TransformContext, wrap_model
from pipeline.params import CallParams
from pipeline.result import GenerateResult
from pipeline.stream import collect_stream
from pipeline.testing import MockLanguageModel

CASES = json.loads((Path(__file__).parent / "middleware.json").read_text())["cases"]

DIVERGENCES = {
    "defaultSettings: null param overrides default": (
        "None in the call means 'not set' (Python has no separate undefined), so the default applies"
    ),
}


def subset_matches(actual: dict[str, Any], expected: dict[str, Any]) -> None:
    for key, value in expected.items():
        if value == {"$absent": True}:
            assert actual.get(key) is None, key
        elif isinstance(value, dict) and isinstance(actual.get(key), dict):
            subset_matches(actual[key], value)
        else:
            assert actual.get(key) == value, key


async def run_default_settings(case: dict[str, Any]) -> None:
    spec = case["input"]
    model = MockLanguageModel()
    wrapped = wrap_model(model, ProviderOptionsMiddleware(settings=spec["settings"]))
    await wrapped.do_generate(CallParams.model_validate(spec["params"]))
    seen = model.generate_calls[0].model_dump(mode="json", by_alias=True)
    subset_matches(seen, case["expect"]["params_subset"])


class AddHeader(Middleware):
    """Adds a header named after its step and records the headers it was given."""

    def __init__(self, step: str) -> None:
        self.step = step
        self.seen: list[dict[str, str]] = []

    async def transform_params(self, ctx: TransformContext) -> CallParams:
        self.seen.append(dict(ctx.params.headers or {}))
        return ctx.params.model_copy(update={"headers": {**(ctx.params.headers or {}), self.step: "true"}})


async def run_chain_order(case: dict[str, Any]) -> None:
    steps = [entry.rpartition("add ")[2] for entry in case["input"]["chain"]]
    layers = [AddHeader(step) for step in steps]
    model = MockLanguageModel()
    await wrap_model(model, layers).do_generate(CallParams(prompt=[]))
    second_sees = {name: True for name in layers[1].seen[0]}
    assert second_sees == case["expect"]["second_sees"]
    received = {name: value == "true" for name, value in (model.generate_calls[0].headers or {}).items()}
    assert received == case["expect"]["model_receives"]


async def run_tool_input_examples(case: dict[str, Any]) -> None:
    model = MockLanguageModel()
    wrapped = wrap_model(model, AddToolInputExamplesMiddleware())
    await wrapped.do_generate(CallParams.model_validate(case["input"]["params"]))
    tools = model.generate_calls[0].model_dump(mode="json", by_alias=True, exclude_none=True)["tools"]
    assert tools == case["expect"]["tools"]


def extract_reasoning(options: dict[str, Any]) -> Middleware:
    return ExtractReasoningMiddleware(
        tag_name=options["tagName"],
        separator=options.get("separator", "\n"),
        start_with_reasoning=options.get("startWithReasoning", False),
    )


TRANSFORMS = {
    "extractReasoningMiddleware": extract_reasoning,
    "extractJsonMiddleware": lambda options: ExtractJsonMiddleware(),
}


async def run_transform(case: dict[str, Any]) -> None:
    """Generate, and stream (the same content as a real stream would send it), both as expected."""
    spec = case["input"]
    generated = GenerateResult.model_validate({"content": spec["model_content"]})
    model = MockLanguageModel(generate=generated, stream=list(stream_parts_of(generated)))
    wrapped = wrap_model(model, TRANSFORMS[spec["middleware"]](spec.get("options") or {}))
    result = await wrapped.do_generate(CallParams(prompt=[]))
    opened = await wrapped.do_stream(CallParams(prompt=[]))
    streamed = collect_stream([part async for part in opened.stream])
    for outcome in (result, streamed):
        if "content" in case["expect"]:
            content = outcome.model_dump(mode="json", by_alias=True, exclude_none=True)["content"]
            assert content == case["expect"]["content"]
        if "text" in case["expect"]:
            assert outcome.text == case["expect"]["text"]


def marked(case: dict[str, Any]) -> Any:
    reason = DIVERGENCES.get(case["name"])
    marks = [pytest.mark.xfail(reason=reason, strict=True)] if reason else []
    return pytest.param(case, id=f"middleware:{case['name']}", marks=marks)


@pytest.mark.parametrize("case", [marked(case) for case in CASES])
async def test_middleware_case(case: dict[str, Any]) -> None:
    runner = {
        "defaultSettingsMiddleware": run_default_settings,
        "wrapLanguageModel": run_chain_order,
        "addToolInputExamplesMiddleware": run_tool_input_examples,
    }
    await runner.get(case["input"]["middleware"], run_transform)(case)
