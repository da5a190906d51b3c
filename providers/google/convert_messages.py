"""Normalized prompt -> Gemini ``systemInstruction`` and ``contents`` (pure; returns warnings too)."""

from __future__ import annotations

import base64
import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import httpx

from pipeline.errors import InvalidPromptError, UnsupportedFunctionalityError
from pipeline.prompt import (
    AssistantMessage,
    ContentOutput,
    CustomPart,
    ErrorJsonOutput,
    ErrorTextOutput,
    ExecutionDeniedOutput,
    FileItem,
    FilePart,
    ImagePart,
    JsonOutput,
    MediaItem,
    Message,
    ProviderReference,
    ReasoningFilePart,
    ReasoningPart,
    SystemMessage,
    TextItem,
    TextOutput,
    TextPart,
    ToolCallPart,
    ToolMessage,
    ToolResultPart,
    UserMessage,
)
from pipeline.result import CallWarning

__all__ = ["SKIP_THOUGHT_SIGNATURE_VALIDATOR", "GooglePrompt", "convert_to_google_messages"]

CODE_EXECUTION_TOOL = "code_execution"
"""The tool name of Gemini's code execution calls and results (provider-executed)."""

SKIP_THOUGHT_SIGNATURE_VALIDATOR = "skip_thought_signature_validator"
"""Google's documented placeholder for replaying a Gemini 3 ``functionCall`` whose signature was lost."""

WireDict = dict[str, Any]


@dataclass(frozen=True)
class GooglePrompt:
    """The prompt in Gemini's shape: ``systemInstruction`` (or ``None``) and ``contents``."""

    system_instruction: WireDict | None
    contents: list[WireDict]
    warnings: list[CallWarning] = field(default_factory=list)


def convert_to_google_messages(
    prompt: Sequence[Message],
    *,
    is_gemma: bool = False,
    is_gemini3: bool = False,
    supports_function_response_parts: bool = True,
    include_function_call_ids: bool = True,
) -> GooglePrompt:
    """Convert a normalized prompt to Gemini ``contents``.

    System messages are only allowed before any other message (else
    :class:`UnsupportedFunctionalityError`); Gemma models get the system text prepended to the
    first user message instead. Tool results become ``functionResponse`` parts; multi-part results
    carry media as ``functionResponse.parts`` (Gemini 3) or as separate ``inlineData`` parts (older
    models, ``supports_function_response_parts=False``). Vertex AI takes no ids on ``functionCall`` /
    ``functionResponse`` (``include_function_call_ids=False``), as in the AI SDK.
    """
    system_parts: list[WireDict] = []
    contents: list[WireDict] = []
    warnings: list[CallWarning] = []
    unsigned_tool_calls: list[str] = []

    for index, message in enumerate(prompt):
        match message:
            case SystemMessage():
                if contents:
                    raise UnsupportedFunctionalityError(
                        "system messages are only supported at the beginning of the conversation"
                    )
                system_parts.append({"text": message.content})
            case UserMessage():
                parts = [
                    _user_part(part, f"messages[{index}].content[{i}]")
                    for i, part in enumerate(_as_parts(message.content))
                ]
                contents.append({"role": "user", "parts": parts})
            case AssistantMessage():
                contents.append(
                    {
                        "role": "model",
                        "parts": _assistant_parts(
                            _as_parts(message.content), is_gemini3, unsigned_tool_calls
                        ),
                    }
                )
            case ToolMessage():
                parts = []
                for result in message.content:
                    if not isinstance(result, ToolResultPart):
                        continue  # approval responses are not sent to Google
                    server_part = (
                        _provider_result_part(result, _signature_field(result.provider_options))
                        if _server_tool(_google_options(result.provider_options)) is not None
                        else None
                    )
                    if server_part is not None and contents and contents[-1]["role"] == "model":
                        contents[-1]["parts"].append(server_part)
                    else:
                        parts.extend(_tool_result_parts(result, supports_function_response_parts))
                if parts:
                    contents.append({"role": "user", "parts": parts})

    if is_gemma and system_parts and contents and contents[0]["role"] == "user":
        system_text = "\n\n".join(part["text"] for part in system_parts)
        contents[0]["parts"].insert(0, {"text": system_text + "\n\n"})

    if unsigned_tool_calls:
        names = ", ".join(f"`{name}`" for name in dict.fromkeys(unsigned_tool_calls))
        warnings.append(
            CallWarning(
                type="other",
                message=(
                    f"Replayed {len(unsigned_tool_calls)} `functionCall` part(s) for a Gemini 3 model "
                    f"without a `thoughtSignature` (tools: {names}). Injected the documented "
                    f"`{SKIP_THOUGHT_SIGNATURE_VALIDATOR}` sentinel to keep the request from failing "
                    "with HTTP 400. Keep `providerOptions.google.thoughtSignature` on assistant "
                    "tool-call parts when storing messages."
                ),
            )
        )

    if not include_function_call_ids:
        for content in contents:
            for part in content["parts"]:
                for key in ("functionCall", "functionResponse"):
                    if key in part:
                        part[key] = {name: value for name, value in part[key].items() if name != "id"}

    return GooglePrompt(
        system_instruction={"parts": system_parts} if system_parts and not is_gemma else None,
        contents=contents,
        warnings=warnings,
    )


def _as_parts(content: str | Sequence[Any]) -> list[Any]:
    return [TextPart(text=content)] if isinstance(content, str) else list(content)


def _user_part(part: TextPart | ImagePart | FilePart, path: str) -> WireDict:
    match part:
        case TextPart():
            return {"text": part.text}
        case FilePart():
            if isinstance(part.data, httpx.URL | ProviderReference):
                uri = str(part.data) if isinstance(part.data, httpx.URL) else part.data.for_provider("google")
                return {"fileData": {"mimeType": _full_media_type(part.media_type), "fileUri": uri}}
            return {"inlineData": {"mimeType": _full_media_type(part.media_type), "data": _base64(part.data)}}
        case ImagePart():
            raise InvalidPromptError("image parts must be normalized to file parts", path=path)


def _assistant_parts(parts: list[Any], is_gemini3: bool, unsigned_tool_calls: list[str]) -> list[WireDict]:
    wire: list[WireDict] = []
    batch_has_signature = False
    for part in parts:
        if not isinstance(part, ToolCallPart):
            batch_has_signature = False
        options = _google_options(part.provider_options)
        signature = options.get("thoughtSignature")
        signature_field = {"thoughtSignature": str(signature)} if signature is not None else {}
        match part:
            case TextPart() | ReasoningPart():
                if part.text:
                    thought = {"thought": True} if isinstance(part, ReasoningPart) else {}
                    wire.append({"text": part.text, **thought, **signature_field})
            case FilePart() | ReasoningFilePart():
                if not isinstance(part.data, bytes):
                    raise UnsupportedFunctionalityError(
                        "File data URLs in assistant messages are not supported"
                    )
                reasoning = isinstance(part, ReasoningFilePart) or options.get("thought") is True
                thought = {"thought": True} if reasoning else {}
                wire.append(
                    {
                        "inlineData": {"mimeType": part.media_type, "data": _base64(part.data)},
                        **thought,
                        **signature_field,
                    }
                )
            case ToolCallPart() if _server_tool(options) is not None:
                call_id, tool_type = _server_tool(options) or ("", "")
                args = part.input if not isinstance(part.input, str) else _json_or_text(part.input)
                wire.append(
                    {"toolCall": {"toolType": tool_type, "args": args, "id": call_id}, **signature_field}
                )
            case ToolCallPart() if part.provider_executed and part.tool_name == CODE_EXECUTION_TOOL:
                code = part.input if isinstance(part.input, dict) else {}
                wire.append({"executableCode": code, **signature_field})
            case ToolCallPart():
                if signature is None and is_gemini3 and not batch_has_signature:
                    unsigned_tool_calls.append(part.tool_name)
                    signature_field = {"thoughtSignature": SKIP_THOUGHT_SIGNATURE_VALIDATOR}
                batch_has_signature = batch_has_signature or signature is not None
                wire.append(
                    {
                        "functionCall": {"id": part.tool_call_id, "name": part.tool_name, "args": part.input},
                        **signature_field,
                    }
                )
            case ToolResultPart():
                server_part = _provider_result_part(part, signature_field)
                if server_part is not None:
                    wire.append(server_part)
            case CustomPart():
                pass  # custom content of other providers is not replayed to Gemini
    return wire


def _server_tool(options: dict[str, Any]) -> tuple[str, str] | None:
    """``(serverToolCallId, serverToolType)`` of a part that replays one of Gemini's own tool calls."""
    call_id, tool_type = options.get("serverToolCallId"), options.get("serverToolType")
    return (str(call_id), str(tool_type)) if call_id is not None and tool_type is not None else None


def _provider_result_part(part: ToolResultPart, signature_field: WireDict) -> WireDict | None:
    """A provider-executed result as Gemini sent it: ``toolResponse`` for a server tool (as the AI SDK),
    ``codeExecutionResult`` for code execution; other results are not replayed."""
    server = _server_tool(_google_options(part.provider_options))
    value = part.output.value if isinstance(part.output, JsonOutput) else None
    if server is not None:
        response = value if value is not None else {}
        return {
            "toolResponse": {"toolType": server[1], "response": response, "id": server[0]},
            **signature_field,
        }
    if part.tool_name == CODE_EXECUTION_TOOL and isinstance(value, dict):
        return {"codeExecutionResult": value}
    return None


def _json_or_text(text: str) -> Any:
    try:
        return json.loads(text)
    except json.JSONDecodeError:
        return text


def _tool_result_parts(part: ToolResultPart, supports_function_response_parts: bool) -> list[WireDict]:
    output = part.output
    match output:
        case ContentOutput():
            if supports_function_response_parts:
                return [_function_response_with_parts(part, output)]
            return _legacy_content_parts(part, output)
        case ExecutionDeniedOutput():
            content: Any = output.reason if output.reason is not None else "Tool call execution denied."
        case TextOutput() | JsonOutput() | ErrorTextOutput() | ErrorJsonOutput():
            content = output.value
    return [_function_response(part, content)]


def _function_response(part: ToolResultPart, content: Any) -> WireDict:
    return {
        "functionResponse": {
            "id": part.tool_call_id,
            "name": part.tool_name,
            "response": {"name": part.tool_name, "content": content},
        }
    }


def _function_response_with_parts(part: ToolResultPart, output: ContentOutput) -> WireDict:
    """Gemini 3: text items joined into ``response.content``, media as ``functionResponse.parts``."""
    texts: list[str] = []
    media: list[WireDict] = []
    for item in output.value:
        match item:
            case TextItem():
                texts.append(item.text)
            case MediaItem() | FileItem():
                if isinstance(item.data, httpx.URL | ProviderReference):
                    texts.append(json.dumps(item.to_json_dict(), separators=(",", ":")))
                else:
                    media.append({"inlineData": _inline_media(item.media_type, item.data)})
    wire = _function_response(part, "\n".join(texts) if texts else "Tool executed successfully.")
    if media:
        wire["functionResponse"]["parts"] = media
    return wire


def _legacy_content_parts(part: ToolResultPart, output: ContentOutput) -> list[WireDict]:
    """Older models: one functionResponse per text item, media as separate ``inlineData`` parts."""
    wire: list[WireDict] = []
    for item in output.value:
        match item:
            case TextItem():
                wire.append(_function_response(part, item.text))
            case MediaItem() | FileItem():
                if isinstance(item.data, httpx.URL | ProviderReference):
                    wire.append({"text": json.dumps(item.to_json_dict(), separators=(",", ":"))})
                    continue
                kind = "image" if item.media_type.startswith("image") else "file"
                wire.append({"inlineData": _inline_media(item.media_type, item.data)})
                wire.append({"text": f"Tool executed successfully and returned this {kind} as a response"})
    return wire


def _inline_media(media_type: str, data: str | bytes) -> WireDict:
    return {"mimeType": _full_media_type(media_type), "data": _base64(data)}


def _full_media_type(media_type: str) -> str:
    if "/" not in media_type:
        raise UnsupportedFunctionalityError(
            f'file of media type "{media_type}"',
            f'file of media type "{media_type}" must specify a subtype (e.g. "{media_type}/png")',
        )
    return media_type


def _base64(data: str | bytes) -> str:
    """Bytes as base64; a string is taken to be base64 already."""
    return base64.b64encode(data).decode("ascii") if isinstance(data, bytes) else data


def _signature_field(provider_options: dict[str, dict[str, Any]] | None) -> WireDict:
    signature = _google_options(provider_options).get("thoughtSignature")
    return {"thoughtSignature": str(signature)} if signature is not None else {}


def _google_options(provider_options: dict[str, dict[str, Any]] | None) -> dict[str, Any]:
    return (provider_options or {}).get("google") or {}
