"""The ``to_google`` conformance cases (AI SDK convertToGoogleMessages tests), restated.

Cases are in AI SDK provider-prompt shape; they are translated to the normalized prompt this library
uses: ``{"type": "data", "data": <base64>}`` file data stays base64 text (the converter passes it
through), and a provider reference stays a reference (how a normalized prompt
names an uploaded file).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import httpx
import pytest

from pipeline.prompt import Message, ProviderReference, messages_adapter
from providers.google.convert_messages import convert_to_google_messages

CASES = json.loads((Path(__file__).parent / "to_google.json").read_text())["cases"]


def _file_data(data: dict[str, Any]) -> Any:
    match data["type"]:
        case "data":
            return data["data"]
        case "reference":
            return ProviderReference(reference=data["reference"])
        case "url":
            return httpx.URL(data["url"])
    raise AssertionError(f"unknown file data {data}")


def _normalize_part(part: dict[str, Any]) -> dict[str, Any]:
    if part.get("type") == "file":
        return {**part, "data": _file_data(part["data"])}
    if part.get("type") == "tool-result" and part["output"]["type"] == "content":
        items = [
            {"type": "media", "data": _file_data(item["data"]), "mediaType": item["mediaType"]}
            if item["type"] == "file"
            else item
            for item in part["output"]["value"]
        ]
        return {**part, "output": {"type": "content", "value": items}}
    return part


def to_prompt(messages: list[dict[str, Any]]) -> list[Message]:
    normalized = [
        message
        if isinstance(message["content"], str)
        else {**message, "content": [_normalize_part(part) for part in message["content"]]}
        for message in messages
    ]
    return messages_adapter.validate_python(normalized)


@pytest.mark.parametrize("case", CASES, ids=[f"{case['group']}:{case['name']}" for case in CASES])
def test_to_google(case: dict[str, Any]) -> None:
    options = case["input"].get("options", {})
    converted = convert_to_google_messages(
        to_prompt(case["input"]["prompt"]),
        supports_function_response_parts=options.get("supportsFunctionResponseParts", True),
    )
    expect = case["expect"]
    if "systemInstruction" in expect:
        if expect["systemInstruction"] == {"$absent": True}:
            assert converted.system_instruction is None
        else:
            assert converted.system_instruction == expect["systemInstruction"]
    if "contents" in expect:
        assert converted.contents == expect["contents"]
    if "first_content_parts" in expect:
        assert converted.contents[0]["parts"] == expect["first_content_parts"]
