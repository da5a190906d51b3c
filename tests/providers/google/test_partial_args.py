"""PartialArgsAccumulator: streamed ``partialArgs`` -> JSON text deltas that join to the final arguments."""

from __future__ import annotations

import json
from typing import Any

from providers.google.map_stream import GoogleStreamMapper
from providers.google.partial_args import PartialArgsAccumulator
from providers.google.wire import GenerateContentResponse, PartialArg


def _args(*pieces: dict[str, Any]) -> list[PartialArg]:
    return [PartialArg.model_validate(piece) for piece in pieces]


def _run(*batches: list[dict[str, Any]]) -> tuple[str, str]:
    accumulator = PartialArgsAccumulator()
    text = "".join(accumulator.feed(_args(*batch)) for batch in batches)
    final, closing = accumulator.finish()
    return text + closing, final


def test_deltas_join_to_the_compact_json_of_the_final_arguments() -> None:
    joined, final = _run(
        [{"jsonPath": "$.location", "stringValue": "Bos", "willContinue": True}],
        [{"jsonPath": "$.location", "stringValue": "ton"}],
        [{"jsonPath": "$.days", "numberValue": 3}, {"jsonPath": "$.metric", "boolValue": False}],
        [{"jsonPath": "$.note", "nullValue": None}],
    )
    assert final == '{"location":"Boston","days":3,"metric":false,"note":null}'
    assert joined == final


def test_nested_objects_and_arrays_open_and_close_as_the_paths_move() -> None:
    joined, final = _run(
        [{"jsonPath": "$.recipe.name", "stringValue": "Lasagna"}],
        [{"jsonPath": "$.recipe.ingredients[0].name", "stringValue": "Noodles"}],
        [{"jsonPath": "$.recipe.ingredients[0].amount", "stringValue": "16 oz"}],
        [{"jsonPath": "$.recipe.ingredients[1].name", "stringValue": "Beef"}],
        [{"jsonPath": "$.recipe.steps[0]", "stringValue": 'Bake "hot"'}],
        [{"jsonPath": "$.price", "numberValue": 0.5}],
    )
    assert json.loads(final) == {
        "recipe": {
            "name": "Lasagna",
            "ingredients": [{"name": "Noodles", "amount": "16 oz"}, {"name": "Beef"}],
            "steps": ['Bake "hot"'],
        },
        "price": 0.5,
    }
    assert joined == final


def test_pieces_without_a_path_or_value_add_nothing() -> None:
    accumulator = PartialArgsAccumulator()
    assert accumulator.feed(_args({"jsonPath": "$."}, {"jsonPath": "$.x"})) == ""
    assert accumulator.finish() == ("{}", "{}")


def _chunk(*parts: dict[str, Any], finish: str | None = None) -> GenerateContentResponse:
    candidate: dict[str, Any] = {"content": {"role": "model", "parts": list(parts)}}
    if finish:
        candidate["finishReason"] = finish
    return GenerateContentResponse.model_validate({"candidates": [candidate]})


def test_stream_mapper_emits_deltas_and_the_call_when_the_last_piece_arrives() -> None:
    mapper = GoogleStreamMapper(warnings=[], generate_id=lambda: "gen")
    parts = [
        *mapper.feed(
            _chunk(
                {
                    "functionCall": {
                        "name": "getWeather",
                        "id": "c1",
                        "willContinue": True,
                        "partialArgs": [
                            {"jsonPath": "$.location", "stringValue": "Par", "willContinue": True}
                        ],
                    },
                    "thoughtSignature": "sig",
                }
            )
        ),
        *mapper.feed(
            _chunk({"functionCall": {"partialArgs": [{"jsonPath": "$.location", "stringValue": "is"}]}})
        ),
        *mapper.feed(_chunk({"functionCall": {}}, finish="STOP")),
        *mapper.finish(),
    ]
    data = [part.to_json_dict() for part in parts]
    assert [part["type"] for part in data] == [
        "tool-input-start",
        "tool-input-delta",
        "tool-input-delta",
        "tool-input-delta",
        "tool-input-end",
        "tool-call",
        "finish",
    ]
    assert (
        "".join(part["delta"] for part in data if part["type"] == "tool-input-delta")
        == '{"location":"Paris"}'
    )
    call = data[5]
    assert (call["toolCallId"], call["toolName"], call["input"]) == (
        "c1",
        "getWeather",
        '{"location":"Paris"}',
    )
    assert call["providerMetadata"] == {"google": {"thoughtSignature": "sig"}}
    assert data[-1]["finishReason"] == "tool-calls"


def test_a_call_without_arguments_streams_start_end_and_the_call() -> None:
    mapper = GoogleStreamMapper(warnings=[], generate_id=lambda: "gen")
    parts = mapper.feed(_chunk({"functionCall": {"name": "now"}, "thoughtSignature": "s"}, finish="STOP"))
    data = [part.to_json_dict() for part in parts]
    assert [part["type"] for part in data] == ["tool-input-start", "tool-input-end", "tool-call"]
    assert data[2]["input"] == "{}" and data[2]["toolCallId"] == "gen"
