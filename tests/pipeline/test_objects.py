"""generate_object / stream_object: output modes, JSON repair, partial objects, and the OpenAI wire."""

from __future__ import annotations

import itertools
import json
from collections.abc import Iterator
from typing import Any

import pytest
from pydantic import BaseModel, ValidationError

from pipeline.chain import Middleware, TransformContext, wrap_model
from pipeline.errors import APICallError, InvalidArgumentError, ModelStreamError, NoObjectGeneratedError
from pipeline.object_output import object_output, strict_object_schema
from pipeline.objects import generate_object, parse_object_text, stream_object
from pipeline.params import CallParams, ResponseFormatJson
from pipeline.result import Usage
from pipeline.stream import ErrorPart, StreamPart
from pipeline.testing import MockLanguageModel, text_result, text_stream_parts
from providers.openai import OpenAIChatLanguageModel
from providers.testing import LoopbackServer
from providers.testing.openai import stream_chunks, stream_reply, text_reply


class Ingredient(BaseModel):
    name: str
    amount: str


class Recipe(BaseModel):
    name: str
    ingredients: list[Ingredient]
    steps: list[str]


RECIPE = {
    "name": "Lasagna",
    "ingredients": [{"name": "pasta", "amount": "250 g"}, {"name": "cheese", "amount": "200 g"}],
    "steps": ["Layer", "Bake"],
}
RECIPE_TEXT = json.dumps(RECIPE)


def _format(model: MockLanguageModel, index: int = 0) -> ResponseFormatJson:
    params = model.calls[index].params
    assert isinstance(params.response_format, ResponseFormatJson)
    return params.response_format


async def test_object_output_validates_against_the_pydantic_schema_and_asks_for_json() -> None:
    model = MockLanguageModel(
        generate=text_result(RECIPE_TEXT, usage=Usage.of(input_tokens=7, output_tokens=30))
    )
    result = await generate_object(
        model, schema=Recipe, prompt="A lasagna recipe.", schema_name="recipe", schema_description="A recipe."
    )
    assert result.object == Recipe.model_validate(RECIPE)
    assert result.object.ingredients[1].name == "cheese"
    assert result.text == RECIPE_TEXT
    assert (result.finish_reason, result.usage.total_tokens, result.response.id) == (
        "stop",
        37,
        "mock-response",
    )
    response_format = _format(model)
    assert (response_format.name, response_format.description) == ("recipe", "A recipe.")
    schema = response_format.json_schema
    assert schema is not None
    assert schema["additionalProperties"] is False
    assert schema["$defs"]["Ingredient"]["additionalProperties"] is False
    assert schema["required"] == ["name", "ingredients", "steps"]


async def test_array_output_wraps_elements_and_keeps_definitions_at_the_root() -> None:
    text = json.dumps({"elements": [RECIPE, {**RECIPE, "name": "Pizza"}]})
    model = MockLanguageModel(generate=text_result(text))
    result = await generate_object(model, schema=Recipe, output="array", prompt="Two recipes.")
    assert [recipe.name for recipe in result.object] == ["Lasagna", "Pizza"]
    schema = _format(model).json_schema
    assert schema is not None
    assert schema["required"] == ["elements"]
    assert schema["properties"]["elements"]["items"]["properties"]["ingredients"]["items"] == {
        "$ref": "#/$defs/Ingredient"
    }
    assert "Ingredient" in schema["$defs"]


async def test_enum_output_returns_one_of_the_values() -> None:
    model = MockLanguageModel(generate=text_result('{"result": "drama"}'))
    result = await generate_object(model, output="enum", enum_values=["action", "drama"], prompt="Genre?")
    assert result.object == "drama"
    assert _format(model).json_schema == {
        "type": "object",
        "properties": {"result": {"type": "string", "enum": ["action", "drama"]}},
        "required": ["result"],
        "additionalProperties": False,
    }
    wrong = MockLanguageModel(generate=text_result('{"result": "comedy"}'))
    with pytest.raises(NoObjectGeneratedError, match="did not match schema") as caught:
        await generate_object(wrong, output="enum", enum_values=["action", "drama"], prompt="Genre?")
    assert caught.value.text == '{"result": "comedy"}'


async def test_a_json_schema_dict_is_sent_as_is_and_its_value_returned_unvalidated() -> None:
    schema = {"type": "object", "properties": {"city": {"type": "string"}}}
    model = MockLanguageModel(generate=text_result('{"city": "Paris", "extra": 1}'))
    result = await generate_object(model, schema=schema, prompt="A city.")
    assert result.object == {"city": "Paris", "extra": 1}
    assert _format(model).json_schema == schema


async def test_code_fences_are_stripped_before_parsing() -> None:
    model = MockLanguageModel(generate=text_result(f"```json\n{RECIPE_TEXT}\n```"))
    result = await generate_object(model, schema=Recipe, prompt="Recipe.")
    assert result.object.name == "Lasagna"


async def test_malformed_json_is_repaired_by_json_repair() -> None:
    truncated = '{"name": "Lasagna", "ingredients": [], "steps": ["Layer", "Bake"'
    model = MockLanguageModel(generate=text_result(truncated))
    result = await generate_object(model, schema=Recipe, prompt="Recipe.")
    assert result.object == Recipe(name="Lasagna", ingredients=[], steps=["Layer", "Bake"])
    assert result.text == truncated


async def test_a_repair_function_gets_the_text_and_the_error_and_may_be_async() -> None:
    seen: list[tuple[str, type[Exception]]] = []

    async def add_missing_steps(text: str, error: Exception) -> str:
        seen.append((text, type(error)))
        return json.dumps({**json.loads(text), "steps": []})

    model = MockLanguageModel(generate=text_result('{"name": "Soup", "ingredients": []}'))
    result = await generate_object(model, schema=Recipe, prompt="Soup.", repair_text=add_missing_steps)
    assert result.object == Recipe(name="Soup", ingredients=[], steps=[])
    assert seen == [('{"name": "Soup", "ingredients": []}', ValidationError)]


async def test_giving_up_on_repair_raises_with_the_raw_text() -> None:
    model = MockLanguageModel(generate=text_result("I cannot answer that."))
    with pytest.raises(NoObjectGeneratedError, match="could not parse") as caught:
        await generate_object(model, schema=Recipe, prompt="Recipe.", repair_text=lambda text, error: None)
    assert caught.value.text == "I cannot answer that."
    assert isinstance(caught.value.cause, json.JSONDecodeError)
    assert caught.value.finish_reason == "stop"


async def test_unrepairable_text_and_schema_mismatches_raise_no_object_generated() -> None:
    with pytest.raises(NoObjectGeneratedError) as caught:
        await generate_object(
            MockLanguageModel(generate=text_result('{"name": 3}')), schema=Recipe, prompt="x"
        )
    assert isinstance(caught.value.cause, ValidationError)
    assert caught.value.text == '{"name": 3}'
    with pytest.raises(NoObjectGeneratedError, match="did not return a response"):
        await generate_object(MockLanguageModel(generate=text_result("")), schema=Recipe, prompt="x")


async def test_retryable_failures_are_retried_like_generate_text() -> None:
    flaky = APICallError("overloaded", url="http://x", status_code=503, retry_after=0.001)
    model = MockLanguageModel(generate=[flaky, text_result(RECIPE_TEXT)])
    result = await generate_object(model, schema=Recipe, prompt="Recipe.")
    assert result.object.name == "Lasagna"
    assert len(model.generate_calls) == 2


class LowTemperature(Middleware):
    async def transform_params(self, ctx: TransformContext) -> CallParams:
        return ctx.params.model_copy(update={"temperature": 0.0})


async def test_every_call_goes_through_the_middleware_chain_with_the_json_format() -> None:
    base = MockLanguageModel(generate=text_result(RECIPE_TEXT), stream=text_stream_parts([RECIPE_TEXT]))
    model = wrap_model(base, LowTemperature())
    await generate_object(model, schema=Recipe, prompt="Recipe.")
    await stream_object(model, schema=Recipe, prompt="Recipe.").object()
    assert [(call.type, call.params.temperature) for call in base.calls] == [
        ("generate", 0.0),
        ("stream", 0.0),
    ]
    assert all(isinstance(call.params.response_format, ResponseFormatJson) for call in base.calls)


@pytest.mark.parametrize(
    ("arguments", "name"),
    [
        ({"schema": Recipe, "response_format": {"type": "text"}}, "response_format"),
        ({"output": "enum"}, "enum_values"),
        ({"output": "enum", "enum_values": "ab"}, "enum_values"),
        ({"output": "enum", "enum_values": ["a"], "schema": Recipe}, "schema"),
        ({"output": "object"}, "schema"),
        ({"schema": Recipe, "enum_values": ["a"]}, "enum_values"),
        ({"schema": 42}, "schema"),
        ({"schema": Recipe, "output": "list"}, "output"),
        ({"schema": Recipe, "tools": []}, "tools"),
    ],
)
async def test_bad_arguments_raise_before_any_call(arguments: dict[str, Any], name: str) -> None:
    model = MockLanguageModel()
    with pytest.raises(InvalidArgumentError) as caught:
        await generate_object(model, prompt="x", **arguments)
    assert caught.value.argument == name
    assert model.calls == []


def test_strict_schema_leaves_explicit_additional_properties_alone() -> None:
    schema = {
        "type": "object",
        "properties": {"tags": {"type": "object", "properties": {}, "additionalProperties": True}},
    }
    assert strict_object_schema(schema) == {
        "type": "object",
        "properties": {"tags": {"type": "object", "properties": {}, "additionalProperties": True}},
        "additionalProperties": False,
    }


async def test_parse_object_text_uses_the_repair_answer_once() -> None:
    output = object_output("object", Recipe, None)
    with pytest.raises(NoObjectGeneratedError, match="could not parse") as caught:
        await parse_object_text(output, "{oops", repair_text=lambda text, error: "{still broken")
    assert caught.value.text == "{oops"


# -- streaming -------------------------------------------------------------------------------------


def _pieces(text: str, size: int) -> list[str]:
    return [text[index : index + size] for index in range(0, len(text), size)]


async def test_partial_objects_grow_without_repeats_and_the_final_object_validates() -> None:
    model = MockLanguageModel(stream=text_stream_parts(_pieces(RECIPE_TEXT, 7)))
    result = stream_object(model, schema=Recipe, prompt="Recipe.")
    partials = [partial async for partial in result.partial_object_stream]
    assert partials[-1] == RECIPE
    assert all(earlier != later for earlier, later in itertools.pairwise(partials))
    assert {"name": "Lasagna"} in partials
    assert await result.object() == Recipe.model_validate(RECIPE)
    final = await result.result()
    assert final.text == RECIPE_TEXT
    assert isinstance(_format(model).json_schema, dict)
    assert model.calls[0].type == "stream"


async def test_array_partials_hold_complete_validated_elements_only() -> None:
    text = json.dumps({"elements": [RECIPE, {**RECIPE, "name": "Pizza"}]})
    model = MockLanguageModel(stream=text_stream_parts(_pieces(text, 11)))
    result = stream_object(model, schema=Recipe, output="array", prompt="Two.")
    partials = [partial async for partial in result.partial_object_stream]
    assert [[recipe.name for recipe in partial] for partial in partials] == [
        [],
        ["Lasagna"],
        ["Lasagna", "Pizza"],
    ]
    assert [recipe.name for recipe in await result.object()] == ["Lasagna", "Pizza"]


async def test_enum_partials_show_the_value_once_it_is_unambiguous() -> None:
    model = MockLanguageModel(stream=text_stream_parts(['{"result": "d', "ra", 'ma"}']))
    result = stream_object(model, output="enum", enum_values=["drama", "documentary", "action"], prompt="?")
    assert [partial async for partial in result.partial_object_stream] == ["d", "drama"]
    assert await result.object() == "drama"


async def test_text_stream_gives_the_raw_json_deltas() -> None:
    model = MockLanguageModel(
        stream=text_stream_parts(["```json\n", RECIPE_TEXT[:20], RECIPE_TEXT[20:], "\n```"])
    )
    result = stream_object(model, schema=Recipe, prompt="Recipe.")
    assert "".join([delta async for delta in result.text_stream]) == f"```json\n{RECIPE_TEXT}\n```"
    assert (await result.object()).name == "Lasagna"


async def test_result_reads_an_unread_stream_and_reports_invalid_objects() -> None:
    model = MockLanguageModel(stream=text_stream_parts(['{"name": ', '"Soup"}']))
    result = stream_object(model, schema=Recipe, prompt="Soup.")
    with pytest.raises(NoObjectGeneratedError) as caught:
        await result.result()
    assert caught.value.text == '{"name": "Soup"}'


async def test_an_error_inside_the_stream_is_raised_to_the_reader_and_by_object() -> None:
    parts: list[StreamPart] = [*text_stream_parts(['{"name": "So'])[:-1], ErrorPart(error="server hiccup")]
    result = stream_object(MockLanguageModel(stream=parts), schema=Recipe, prompt="Soup.")
    with pytest.raises(ModelStreamError, match="server hiccup"):
        async for _ in result.partial_object_stream:
            pass
    with pytest.raises(ModelStreamError, match="server hiccup"):
        await result.object()


async def test_a_provider_error_payload_in_the_stream_is_a_typed_error_with_a_readable_message() -> None:
    payload = {"type": "overloaded_error", "message": "Overloaded"}
    parts: list[StreamPart] = [*text_stream_parts(['{"name": "So'])[:-1], ErrorPart(error=payload)]
    result = stream_object(MockLanguageModel(stream=parts), schema=Recipe, prompt="Soup.")
    with pytest.raises(ModelStreamError) as raised:
        await result.object()
    assert str(raised.value) == "The model stream reported an error: Overloaded (overloaded_error)"
    assert raised.value.error == payload


async def test_an_exception_in_the_stream_is_raised_as_itself_with_its_status() -> None:
    error = APICallError("Overloaded", url="http://127.0.0.1/v1", status_code=529, is_retryable=True)
    parts: list[StreamPart] = [*text_stream_parts(['{"name": "So'])[:-1], ErrorPart(error=error)]
    result = stream_object(MockLanguageModel(stream=parts), schema=Recipe, prompt="Soup.")
    with pytest.raises(APICallError) as raised:
        async for _ in result.text_stream:
            pass
    assert raised.value is error
    with pytest.raises(APICallError) as from_object:
        await result.object()
    assert from_object.value is error


async def test_the_stream_can_be_read_only_once() -> None:
    result = stream_object(
        MockLanguageModel(stream=text_stream_parts([RECIPE_TEXT])), schema=Recipe, prompt="x"
    )
    assert [partial async for partial in result.partial_object_stream] == [RECIPE]
    with pytest.raises(RuntimeError, match="only be read once"):
        async for _ in result.text_stream:
            pass
    assert (await result.object()).name == "Lasagna"


# -- against the loopback OpenAI server ---------------------------------------------------------------


@pytest.fixture
def server() -> Iterator[LoopbackServer]:
    with LoopbackServer() as running:
        yield running


def _openai(server: LoopbackServer) -> OpenAIChatLanguageModel:
    return OpenAIChatLanguageModel("gpt-4o-mini", base_url=server.base_url + "/v1", api_key="test-key")


async def test_openai_request_carries_a_strict_json_schema_response_format(server: LoopbackServer) -> None:
    server.enqueue(text_reply(RECIPE_TEXT))
    result = await generate_object(_openai(server), schema=Recipe, schema_name="recipe", prompt="Recipe.")
    assert result.object.name == "Lasagna"
    body = server.requests[0].json()
    assert body["response_format"]["type"] == "json_schema"
    json_schema = body["response_format"]["json_schema"]
    assert (json_schema["name"], json_schema["strict"]) == ("recipe", True)
    assert json_schema["schema"]["properties"]["steps"] == {
        "items": {"type": "string"},
        "title": "Steps",
        "type": "array",
    }
    assert result.usage.input_tokens == 10


async def test_openai_stream_gives_partials_and_the_final_object(server: LoopbackServer) -> None:
    server.enqueue(stream_reply(stream_chunks(_pieces(RECIPE_TEXT, 16))))
    async with stream_object(_openai(server), schema=Recipe, prompt="Recipe.") as result:
        partials = [partial async for partial in result.partial_object_stream]
        final = await result.result()
    assert partials[-1] == RECIPE
    assert final.object.steps == ["Layer", "Bake"]
    assert final.finish_reason == "stop"
    assert server.requests[0].json()["response_format"]["type"] == "json_schema"
    assert server.requests[0].json()["stream"] is True


@pytest.mark.parametrize("reader", ["partial_object_stream", "text_stream"])
async def test_leaving_a_stream_object_context_closes_the_reader_it_handed_out(reader: str) -> None:
    model = MockLanguageModel(stream=text_stream_parts(['{"a": ', "1, ", '"b": 2}']))
    async with stream_object(model, schema={"type": "object"}, prompt="x") as result:
        handed_out: Any = getattr(result, reader)
        async for _ in handed_out:
            break
        assert handed_out.ag_frame is not None  # suspended, still open
    assert handed_out.ag_frame is None  # closed by the context's exit, not left to the collector


async def test_the_streamed_object_can_be_awaited_as_a_property_or_called_as_before() -> None:
    model = MockLanguageModel(stream=text_stream_parts([RECIPE_TEXT[:10], RECIPE_TEXT[10:]]))
    result = stream_object(model, schema=Recipe, prompt="Recipe.")
    recipe = await result.object  # the AI SDK's spelling
    assert isinstance(recipe, Recipe)
    assert await result.object() == recipe  # the method form keeps working
    assert await result.finish_reason == "stop"
    assert (await result.usage) == (await result.result()).usage
    assert len(model.stream_calls) == 1
