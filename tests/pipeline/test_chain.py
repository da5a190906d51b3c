"""The middleware chain: transform order, wrap nesting, what each hook's thunks carry, overrides."""

from __future__ import annotations

import re

import pytest

from pipeline.chain import Middleware, TransformContext, WrapContext, resolve_params, wrap_model
from pipeline.errors import InvalidArgumentError
from pipeline.model import EndpointIdentity
from pipeline.params import CallParams
from pipeline.prompt import TextPart, UserMessage
from pipeline.result import GenerateResult, TextContent
from pipeline.stream import StreamResult, TextDeltaPart
from pipeline.testing import MockLanguageModel, text_result


def _params(text: str = "hi") -> CallParams:
    return CallParams(prompt=[UserMessage(content=[TextPart(text=text)])])


class Recorder(Middleware):
    """Appends its name to the temperature trail and records every hook it sees."""

    def __init__(self, name: str, events: list[str]) -> None:
        self.name = name
        self.events = events

    async def transform_params(self, ctx: TransformContext) -> CallParams:
        self.events.append(f"{self.name}.transform({ctx.type}, seed={ctx.params.seed})")
        return ctx.params.model_copy(update={"seed": (ctx.params.seed or 0) * 10 + int(self.name[-1])})

    async def wrap_generate(self, call: WrapContext) -> GenerateResult:
        self.events.append(f"{self.name}.wrap_generate(seed={call.params.seed})")
        result = await call.do_generate()
        self.events.append(f"{self.name}.after")
        return result.model_copy(update={"content": [TextContent(text=f"{self.name}({result.text})")]})

    async def wrap_stream(self, call: WrapContext) -> StreamResult:
        self.events.append(f"{self.name}.wrap_stream(seed={call.params.seed})")
        return await call.do_stream()


async def test_first_listed_middleware_is_outermost_and_transforms_interleave() -> None:
    events: list[str] = []
    model = MockLanguageModel(generate=text_result("base"))
    wrapped = wrap_model(model, [Recorder("m1", events), Recorder("m2", events)])

    result = await wrapped.do_generate(_params())

    assert events == [
        "m1.transform(generate, seed=None)",
        "m1.wrap_generate(seed=1)",
        "m2.transform(generate, seed=1)",
        "m2.wrap_generate(seed=12)",
        "m2.after",
        "m1.after",
    ]
    assert result.text == "m1(m2(base))"
    assert model.generate_calls[0].seed == 12


async def test_stream_hooks_see_stream_type_and_their_own_transformed_params() -> None:
    events: list[str] = []
    model = MockLanguageModel()
    wrapped = wrap_model(model, [Recorder("m1", events), Recorder("m2", events)])

    result = await wrapped.do_stream(_params())
    parts = [part async for part in result.stream]

    assert events == [
        "m1.transform(stream, seed=None)",
        "m1.wrap_stream(seed=1)",
        "m2.transform(stream, seed=1)",
        "m2.wrap_stream(seed=12)",
    ]
    assert "".join(p.delta for p in parts if isinstance(p, TextDeltaPart)) == "Hello!"
    assert model.stream_calls[0].seed == 12


async def test_hook_model_is_the_next_inner_model_and_thunks_reach_both_call_types() -> None:
    seen: list[object] = []
    base = MockLanguageModel()

    class SimulateStream(Middleware):
        async def wrap_stream(self, call: WrapContext) -> StreamResult:
            seen.append(call.model)
            generated = await call.do_generate()  # wrap_stream may use do_generate
            assert generated.text == "m9(Hello!)"
            return await call.do_stream()

    inner = wrap_model(base, Recorder("m9", []))
    outer = wrap_model(inner, SimulateStream())
    await outer.do_stream(_params())

    assert seen == [inner]
    assert [call.type for call in base.calls] == ["generate", "stream"]


def test_overrides_outermost_wins_and_wrap_arguments_beat_everything() -> None:
    class Rename(Middleware):
        def __init__(self, suffix: str) -> None:
            self.suffix = suffix

        def override_model_id(self, model: object) -> str:
            return f"id-{self.suffix}"

        def override_provider(self, model: object) -> str:
            return f"provider-{self.suffix}"

        def override_supported_urls(self, model: object) -> dict[str, list[re.Pattern[str]]]:
            return {"image/*": [re.compile(self.suffix)]}

    base = MockLanguageModel()
    wrapped = wrap_model(base, [Rename("outer"), Rename("inner")])
    assert (wrapped.model_id, wrapped.provider) == ("id-outer", "provider-outer")
    assert wrapped.supported_urls["image/*"][0].pattern == "outer"

    forced = wrap_model(base, [Rename("outer")], model_id="forced", provider="forced-provider")
    assert (forced.model_id, forced.provider) == ("forced", "forced-provider")

    untouched = wrap_model(base, Middleware())
    assert (untouched.model_id, untouched.provider, untouched.supported_urls) == ("mock-model", "mock", {})


def test_wrap_model_does_not_mutate_the_middleware_list() -> None:
    layers: list[Middleware] = [Middleware(), Middleware()]
    wrap_model(MockLanguageModel(), layers)
    assert len(layers) == 2


async def test_resolve_params_applies_every_inner_transform_without_calling_the_model() -> None:
    base = MockLanguageModel()
    wrapped = wrap_model(base, [Recorder("m1", []), Recorder("m2", [])])

    effective = await resolve_params(wrapped, "generate", _params())

    assert effective.seed == 12
    assert base.calls == []


async def test_resolve_params_refuses_a_layer_that_does_not_declare_it() -> None:
    class HandWrapper:
        """Forwards calls to ``inner`` but says nothing about the params it sends."""

        def __init__(self, inner: MockLanguageModel) -> None:
            self.inner = inner
            self.provider, self.model_id, self.supported_urls = "hand", "m", {}

    base = MockLanguageModel()
    wrapped = wrap_model(HandWrapper(base), Recorder("m1", []))  # type: ignore[arg-type]
    with pytest.raises(InvalidArgumentError, match="HandWrapper does not declare resolve_params"):
        await resolve_params(wrapped, "generate", _params())
    assert base.calls == []


async def test_a_call_after_resolve_params_reuses_each_layers_transform() -> None:
    events: list[str] = []
    base = MockLanguageModel()
    wrapped = wrap_model(base, [Recorder("m1", events), Recorder("m2", events)])
    params = _params()

    await resolve_params(wrapped, "generate", params)
    await wrapped.do_generate(params)

    assert [event for event in events if ".transform" in event] == [
        "m1.transform(generate, seed=None)",
        "m2.transform(generate, seed=1)",
    ]
    assert base.generate_calls[0].seed == 12
    await wrapped.do_generate(_params())  # other params: transformed afresh
    assert len([event for event in events if ".transform" in event]) == 4


def test_a_wrapped_model_reports_the_endpoint_identity_of_its_inner_model() -> None:
    identity = EndpointIdentity.of("mock", "https://h", {"api_key": "sk-x"})
    wrapped = wrap_model(MockLanguageModel(identity=identity), [Middleware(), Middleware()])
    assert wrapped.endpoint_identity == identity


async def test_a_wrap_context_repr_shows_no_credentials() -> None:
    # Before: the dataclass repr showed the params' authorization header and apiKey option.
    seen: list[str] = []

    class Peek(Middleware):
        async def wrap_generate(self, call: WrapContext) -> GenerateResult:
            seen.append(repr(call))
            return await call.do_generate()

    params = CallParams(
        prompt=[UserMessage(content=[TextPart(text="hi")])],
        headers={"authorization": "Bearer opaque-credential-1"},
        provider_options={"custom": {"apiKey": "opaque-credential-2"}},
    )
    await wrap_model(MockLanguageModel(generate=text_result("ok")), Peek()).do_generate(params)
    [text] = seen
    assert text.startswith("WrapContext(type='generate', params=CallParams(") and "MockLanguageModel" in text
    assert "opaque-credential" not in text and "'authorization': '[REDACTED]'" in text
