"""DefaultInstructionsMiddleware: a system prompt only when the call has none."""

from __future__ import annotations

from middleware.options.instructions import DefaultInstructionsMiddleware, add_default_instructions
from pipeline.chain import wrap_model
from pipeline.params import CallParams
from pipeline.prompt import AssistantMessage, SystemMessage, TextPart, UserMessage
from pipeline.testing import MockLanguageModel

USER = UserMessage(content=[TextPart(text="Hi")])
CACHED = {"anthropic": {"cacheControl": {"type": "ephemeral"}}}


async def prompt_seen(middleware: DefaultInstructionsMiddleware, params: CallParams) -> list[object]:
    model = MockLanguageModel()
    await wrap_model(model, middleware).do_generate(params)
    return list(model.generate_calls[0].prompt)


async def test_string_instructions_are_prepended_when_the_prompt_has_no_system_message() -> None:
    seen = await prompt_seen(DefaultInstructionsMiddleware("Be brief."), CallParams(prompt=[USER]))
    assert seen == [SystemMessage(content="Be brief."), USER]


async def test_instructions_are_skipped_when_any_message_is_a_system_message() -> None:
    prompt = [USER, AssistantMessage(content=[TextPart(text="ok")]), SystemMessage(content="own")]
    seen = await prompt_seen(DefaultInstructionsMiddleware("Be brief."), CallParams(prompt=prompt))
    assert seen == prompt


async def test_system_messages_keep_their_provider_options_and_order() -> None:
    middleware = DefaultInstructionsMiddleware(
        [
            {"role": "system", "content": "A", "providerOptions": CACHED},
            SystemMessage(content="B"),
        ]
    )
    seen = await prompt_seen(middleware, CallParams(prompt=[USER]))
    assert seen == [
        SystemMessage(content="A", provider_options=CACHED),
        SystemMessage(content="B"),
        USER,
    ]


def test_a_single_message_dict_is_accepted() -> None:
    middleware = DefaultInstructionsMiddleware({"role": "system", "content": "C"})
    assert middleware.instructions == (SystemMessage(content="C"),)


def test_empty_instructions_leave_params_untouched() -> None:
    params = CallParams(prompt=[USER])
    assert add_default_instructions(params, ()) is params
    assert DefaultInstructionsMiddleware([]).instructions == ()
