"""The blocking facade works from plain code and from a thread whose event loop is running."""

from __future__ import annotations

import asyncio
import threading

import pytest
from pydantic import BaseModel

from pipeline.embed_testing import MockEmbeddingModel, fake_embedding
from pipeline.errors import InvalidPromptError
from pipeline.sync import (
    embed_many_sync,
    embed_sync,
    generate_object_sync,
    generate_text_sync,
    stream_object_sync,
    stream_text_sync,
)
from pipeline.testing import MockLanguageModel, text_result, text_stream_parts


def test_generate_text_sync_from_plain_code() -> None:
    model = MockLanguageModel()
    assert generate_text_sync(model, prompt="Hi").text == "Hello!"
    assert generate_text_sync(model, prompt="Again").text == "Hello!"
    assert len(model.generate_calls) == 2


def test_stream_text_sync_yields_deltas_then_the_final_result() -> None:
    result = stream_text_sync(MockLanguageModel(), prompt="Hi")
    assert list(result.text_stream) == ["Hel", "lo", "!"]
    assert result.result().finish_reason == "stop"


def test_stream_text_sync_can_be_left_early() -> None:
    with stream_text_sync(MockLanguageModel(), prompt="Hi") as result:
        for chunk in result.text_stream:
            assert chunk == "Hel"
            break


def test_sync_facade_works_inside_a_running_event_loop() -> None:
    async def caller() -> str:
        return generate_text_sync(MockLanguageModel(), prompt="Hi").text

    outcome: list[str] = []
    thread = threading.Thread(target=lambda: outcome.append(asyncio.run(caller())))
    thread.start()
    thread.join(10)
    assert outcome == ["Hello!"]


def test_sync_facade_raises_typed_input_errors() -> None:
    with pytest.raises(InvalidPromptError):
        generate_text_sync(MockLanguageModel(), messages=[])


def test_sync_facade_passes_every_argument_through() -> None:
    model = MockLanguageModel()
    generate_text_sync(model, system="Be brief.", prompt="Hi", temperature=0.25, max_retries=0, timeout=5)
    with stream_text_sync(model, prompt="Hi", seed=3) as result:
        assert result.text() == "Hello!"
    generated, streamed = model.generate_calls[0], model.stream_calls[0]
    assert (generated.temperature, len(generated.prompt)) == (0.25, 2)
    assert streamed.seed == 3


def test_generate_object_sync_validates_against_the_schema() -> None:
    class City(BaseModel):
        name: str
        population: int

    model = MockLanguageModel(generate=text_result('{"name": "Paris", "population": 2100000}'))
    result = generate_object_sync(model, schema=City, prompt="A city")
    assert result.object == City(name="Paris", population=2100000)


def test_embed_sync_and_embed_many_sync() -> None:
    model = MockEmbeddingModel(max_embeddings_per_call=2)
    assert embed_sync(model, "a").embedding == fake_embedding("a")
    many = embed_many_sync(model, ["a", "b", "c"])
    assert many.embeddings == [fake_embedding(value) for value in ["a", "b", "c"]]
    assert sorted(call.values for call in model.calls) == [["a"], ["a", "b"], ["c"]]


def test_the_blocking_forms_keep_their_names_and_documents() -> None:
    for function, name in [
        (generate_object_sync, "generate_object_sync"),
        (embed_sync, "embed_sync"),
        (embed_many_sync, "embed_many_sync"),
        (stream_object_sync, "stream_object_sync"),
    ]:
        assert function.__name__ == name and "blocking form" in (function.__doc__ or "")


def test_stream_object_sync_yields_partials_then_the_validated_object() -> None:
    class City(BaseModel):
        name: str
        population: int

    model = MockLanguageModel(stream=text_stream_parts(['{"name": "Pa', 'ris", "population"', ": 2100000}"]))
    result = stream_object_sync(model, schema=City, prompt="A city")
    partials = list(result.partial_object_stream)
    assert partials[0] == {"name": "Pa"} and partials[-1] == {"name": "Paris", "population": 2100000}
    assert result.object() == City(name="Paris", population=2100000)


def test_stream_object_sync_can_be_left_early() -> None:
    model = MockLanguageModel(stream=text_stream_parts(['{"a": ', "1, ", '"b": 2}']))
    with stream_object_sync(model, schema={"type": "object"}, prompt="x") as result:
        for text in result.text_stream:
            assert text == '{"a": '
            break
    with pytest.raises(RuntimeError, match="stream was closed"):
        result.object()  # left early: there is no final object
