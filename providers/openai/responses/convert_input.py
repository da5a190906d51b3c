"""Normalized prompt → the Responses API ``input`` items (pure; returns warnings too).

As the AI SDK does: with ``store`` (the API's default) assistant output that carries an OpenAI item id
(``providerOptions.openai.itemId``) is sent back as an ``item_reference``; results of provider-executed
tools always are (or dropped with a warning when ``store`` is false); reasoning parts become
``reasoning`` items with their encrypted content, which is what a ``store: false`` conversation needs.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, TypeGuard

import httpx

from pipeline._base import ProviderOptions
from pipeline.errors import UnsupportedFunctionalityError
from pipeline.media_type import get_top_level_media_type
from pipeline.prompt import (
    AssistantMessage,
    ContentOutput,
    CustomPart,
    ErrorJsonOutput,
    ErrorTextOutput,
    ExecutionDeniedOutput,
    FileItem,
    FilePart,
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
    ToolApprovalResponsePart,
    ToolCallPart,
    ToolMessage,
    ToolResultOutput,
    ToolResultPart,
    UserMessage,
)
from pipeline.result import CallWarning

from ..capabilities import SystemMessageMode
from ..media import resolve_full_media_type
from .prepare_tools import ToolNames

__all__ = ["InputSettings", "convert_to_responses_input"]

InputItem = dict[str, Any]


@dataclass(frozen=True, slots=True)
class InputSettings:
    """What the conversion depends on besides the prompt."""

    system_message_mode: SystemMessageMode = "system"
    store: bool = True
    has_conversation: bool = False
    has_previous_response_id: bool = False
    pass_through_unsupported_files: bool = False
    names: ToolNames = field(default_factory=ToolNames)
    options_key: str = "openai"


def convert_to_responses_input(
    prompt: Sequence[Message], settings: InputSettings
) -> tuple[list[InputItem], list[CallWarning]]:
    """Translate a normalized prompt; unsupported content raises UnsupportedFunctionalityError."""
    converter = _Converter(settings)
    if settings.has_conversation or settings.has_previous_response_id:
        converter.parallel_groups = _parallel_groups(prompt, settings.options_key)
    for message in prompt:
        match message:
            case SystemMessage():
                converter.system(message)
            case UserMessage():
                converter.items.append({"role": "user", "content": converter.user_content(message)})
            case AssistantMessage():
                converter.assistant(message)
            case ToolMessage():
                for part in message.content:
                    if isinstance(part, ToolApprovalResponsePart):
                        converter.approval_response(part)
                    else:
                        converter.tool_result(part)
    items = converter.items
    if not settings.store and any(_is_unencrypted_reasoning(item) for item in items):
        converter.warn(
            "Reasoning parts without encrypted content are not supported when store is false. "
            "Skipping reasoning parts."
        )
        items = [item for item in items if not _is_unencrypted_reasoning(item)]
    return items, converter.warnings


@dataclass(frozen=True, slots=True)
class _ParallelGroup:
    """The calls one ``parallel`` wrapper was expanded into, all answered: sent back as the wrapper."""

    call_id: str
    name: str
    input: str
    results: list[ToolResultPart]


def _parallel_groups(prompt: Sequence[Message], key: str) -> dict[str, _ParallelGroup]:
    """Expanded calls (``providerOptions.<key>.parallelToolCall``) whose wrapper has every result."""
    wrappers: dict[str, dict[str, Any]] = {}
    for message in prompt:
        if isinstance(message, AssistantMessage) and not isinstance(message.content, str):
            for part in message.content:
                if isinstance(part, ToolCallPart):
                    found = ((part.provider_options or {}).get(key) or {}).get("parallelToolCall")
                    if _is_wrapper_metadata(found):
                        wrappers[part.tool_call_id] = found
    results: dict[str, ToolResultPart] = {}
    for message in prompt:
        if isinstance(message, ToolMessage):
            results.update(
                {
                    part.tool_call_id: part
                    for part in message.content
                    if isinstance(part, ToolResultPart) and part.tool_call_id in wrappers
                }
            )
    by_wrapper: dict[str, dict[int, str]] = {}
    for call_id, metadata in wrappers.items():
        by_wrapper.setdefault(metadata["toolCallId"], {})[metadata["index"]] = call_id
    groups: dict[str, _ParallelGroup] = {}
    for members in by_wrapper.values():
        metadata = wrappers[next(iter(members.values()))]
        calls = [members.get(index) for index in range(metadata["count"])]
        if any(call is None or call not in results for call in calls):
            continue
        group = _ParallelGroup(
            metadata["toolCallId"],
            metadata["toolName"],
            metadata["input"],
            [results[call] for call in calls if call],
        )
        groups.update({call: group for call in calls if call})
    return groups


def _is_wrapper_metadata(metadata: Any) -> TypeGuard[dict[str, Any]]:
    if not isinstance(metadata, dict):
        return False
    index, count = metadata.get("index"), metadata.get("count")
    return (
        all(isinstance(metadata.get(name), str) for name in ("itemId", "toolCallId", "toolName", "input"))
        and isinstance(index, int)
        and isinstance(count, int)
        and 0 <= index < count
    )


def _is_unencrypted_reasoning(item: InputItem) -> bool:
    return item.get("type") == "reasoning" and item.get("encrypted_content") is None


class _Converter:
    def __init__(self, settings: InputSettings) -> None:
        self.settings = settings
        self.items: list[InputItem] = []
        self.warnings: list[CallWarning] = []
        self._reasoning: dict[str, InputItem] = {}
        self.parallel_groups: dict[str, _ParallelGroup] = {}
        """Call id → its complete ``parallel`` wrapper group (sent back as the one wrapper call)."""
        self._sent_wrappers: set[tuple[str, str]] = set()
        self._answered_approvals: set[str] = set()

    def warn(self, message: str) -> None:
        self.warnings.append(CallWarning(type="other", message=message))

    def _options(self, provider_options: ProviderOptions | None) -> dict[str, Any]:
        return dict((provider_options or {}).get(self.settings.options_key) or {})

    def system(self, message: SystemMessage) -> None:
        mode = self.settings.system_message_mode
        if mode == "remove":
            self.warn("system messages are removed for this model")
            return
        breakpoint_ = self._options(message.provider_options).get("promptCacheBreakpoint")
        content: Any = message.content
        if breakpoint_ is not None:
            content = [{"type": "input_text", "text": content, "prompt_cache_breakpoint": breakpoint_}]
        self.items.append({"role": mode, "content": content})

    def user_content(self, message: UserMessage) -> list[dict[str, Any]]:
        parts = [message.content] if isinstance(message.content, str) else message.content
        content: list[dict[str, Any]] = []
        for index, part in enumerate(parts):
            if isinstance(part, str):
                content.append({"type": "input_text", "text": part})
            elif isinstance(part, TextPart):
                content.append(self._with_breakpoint({"type": "input_text", "text": part.text}, part))
            elif isinstance(part, FilePart):
                content.append(self._with_breakpoint(self._file(part, index), part))
            else:  # an ImagePart survives only an unnormalized prompt
                raise UnsupportedFunctionalityError(f"user content part of type {part.type}")
        return content

    def _with_breakpoint(self, item: dict[str, Any], part: TextPart | FilePart) -> dict[str, Any]:
        breakpoint_ = self._options(part.provider_options).get("promptCacheBreakpoint")
        return item if breakpoint_ is None else {**item, "prompt_cache_breakpoint": breakpoint_}

    def _file(self, part: FilePart, index: int) -> dict[str, Any]:
        options = self._options(part.provider_options)
        file_id = part.data.for_provider("openai") if isinstance(part.data, ProviderReference) else None
        file_id = file_id or options.get("fileId")
        is_image = get_top_level_media_type(part.media_type) == "image"
        if isinstance(file_id, str):
            return {"type": "input_image" if is_image else "input_file", "file_id": file_id}
        data = part.data
        if is_image:
            url = str(data) if isinstance(data, httpx.URL) else _data_url(part, data)
            return _without_none(
                {"type": "input_image", "image_url": url, "detail": options.get("imageDetail")}
            )
        if isinstance(data, httpx.URL):
            return {"type": "input_file", "file_url": str(data)}
        media_type = resolve_full_media_type(part.media_type, _as_bytes(data))
        if media_type != "application/pdf" and not self.settings.pass_through_unsupported_files:
            raise UnsupportedFunctionalityError(f"file part media type {media_type}")
        default_name = f"part-{index}.pdf" if media_type == "application/pdf" else f"part-{index}"
        return {
            "type": "input_file",
            "filename": part.filename or default_name,
            "file_data": f"data:{media_type};base64,{_base64(data)}",
        }

    def assistant(self, message: AssistantMessage) -> None:
        parts = [TextPart(text=message.content)] if isinstance(message.content, str) else message.content
        self._reasoning = {}
        for part in parts:
            match part:
                case TextPart():
                    self._assistant_text(part)
                case ToolCallPart():
                    self._tool_call(part)
                case ToolResultPart():
                    self._provider_tool_result(part)
                case ReasoningPart():
                    self._reasoning_part(part)
                case FilePart():
                    self.warn("assistant file parts are not sent to the Responses API")
                case ReasoningFilePart() | CustomPart():
                    self.warn(f"assistant {part.type} parts are not sent to the Responses API")

    def _assistant_text(self, part: TextPart) -> None:
        options = self._options(part.provider_options)
        item_id = options.get("itemId")
        if self.settings.has_conversation and item_id is not None:
            return
        if self.settings.store and item_id is not None:
            self.items.append({"type": "item_reference", "id": item_id})
            return
        item: InputItem = {"role": "assistant", "content": [{"type": "output_text", "text": part.text}]}
        if item_id is not None:
            item["id"] = item_id
        if options.get("phase") is not None:
            item["phase"] = options["phase"]
        self.items.append(item)

    def _tool_call(self, part: ToolCallPart) -> None:
        settings = self.settings
        group = self.parallel_groups.get(part.tool_call_id)
        if group is not None:
            if ("call", group.call_id) not in self._sent_wrappers and not settings.has_conversation:
                self.items.append(
                    {
                        "type": "function_call",
                        "call_id": group.call_id,
                        "name": group.name,
                        "arguments": group.input,
                    }
                )
            self._sent_wrappers.add(("call", group.call_id))
            return
        options = self._options(part.provider_options)
        item_id = options.get("itemId")
        if settings.has_conversation and item_id is not None:
            return
        name = settings.names.provider_name(part.tool_name)
        names = settings.names
        if part.provider_executed:
            if settings.store and item_id is not None:
                self.items.append({"type": "item_reference", "id": item_id})
            if settings.store or not names.has("openai.shell") or name != "shell":
                return
        client_defined = (
            (names.has("openai.local_shell") and name == "local_shell")
            or (names.has("openai.shell") and name == "shell")
            or (names.has("openai.apply_patch") and name == "apply_patch")
            or (names.has("openai.computer") and name == "computer")
            or name in names.custom_tools
        )
        if client_defined and item_id is not None and settings.store:
            if not settings.has_previous_response_id:
                self.items.append({"type": "item_reference", "id": item_id})
            return
        tool_input = part.input if isinstance(part.input, dict) else {}
        if names.has("openai.local_shell") and name == "local_shell":
            action = tool_input.get("action") or {}
            self.items.append(
                {
                    "type": "local_shell_call",
                    "call_id": part.tool_call_id,
                    "id": item_id,
                    "action": _without_none(
                        {
                            "type": "exec",
                            "command": action.get("command"),
                            "timeout_ms": action.get("timeoutMs"),
                            "user": action.get("user"),
                            "working_directory": action.get("workingDirectory"),
                            "env": action.get("env"),
                        }
                    ),
                }
            )
        elif names.has("openai.shell") and name == "shell":
            commands = (tool_input.get("action") or {}).get("commands")
            self.items.append(
                _without_none(
                    {
                        "type": "shell_call",
                        "call_id": part.tool_call_id,
                        "id": item_id,
                        "status": "completed",
                        "action": {"commands": commands},
                    }
                )
            )
        elif names.has("openai.apply_patch") and name == "apply_patch":
            self.items.append(
                _without_none(
                    {
                        "type": "apply_patch_call",
                        "call_id": tool_input.get("callId", part.tool_call_id),
                        "id": item_id,
                        "status": "completed",
                        "operation": tool_input.get("operation"),
                    }
                )
            )
        elif name in names.custom_tools:
            raw = part.input if isinstance(part.input, str) else json.dumps(part.input, separators=(",", ":"))
            self.items.append(
                _without_none(
                    {
                        "type": "custom_tool_call",
                        "call_id": part.tool_call_id,
                        "name": name,
                        "input": raw,
                        "id": item_id,
                    }
                )
            )
        else:
            item: InputItem = {
                "type": "function_call",
                "call_id": part.tool_call_id,
                "name": name,
                "arguments": json.dumps({} if part.input is None else part.input, separators=(",", ":")),
            }
            if options.get("namespace") is not None:
                item["namespace"] = options["namespace"]
            if options.get("caller") is not None:
                item["caller"] = _wire_caller(options["caller"])
            self.items.append(item)

    def _provider_tool_result(self, part: ToolResultPart) -> None:
        """A result inside an assistant message: from a tool the provider ran."""
        output = part.output
        if isinstance(output, ExecutionDeniedOutput) or (
            isinstance(output, JsonOutput)
            and isinstance(output.value, dict)
            and output.value.get("type") == "execution-denied"
        ):
            return
        if self.settings.has_conversation:
            return
        name = self.settings.names.provider_name(part.tool_name)
        if self.settings.names.has("openai.shell") and name == "shell":
            if isinstance(output, JsonOutput) and isinstance(output.value, dict):
                self.items.append(
                    {
                        "type": "shell_call_output",
                        "call_id": part.tool_call_id,
                        "output": [_wire_shell_output(item) for item in output.value.get("output") or []],
                    }
                )
            return
        if self.settings.store:
            item_id = self._options(part.provider_options).get("itemId") or part.tool_call_id
            self.items.append({"type": "item_reference", "id": item_id})
        else:
            self.warn(f"Results for OpenAI tool {part.tool_name} are not sent to the API when store is false")

    def _reasoning_part(self, part: ReasoningPart) -> None:
        options = self._options(part.provider_options)
        item_id = options.get("itemId")
        encrypted = options.get("reasoningEncryptedContent")
        settings = self.settings
        if (settings.has_conversation or settings.has_previous_response_id) and item_id is not None:
            return
        summary = [{"type": "summary_text", "text": part.text}] if part.text else []
        if item_id is None:
            if encrypted is None:
                self.warn(
                    "Non-OpenAI reasoning parts are not supported. Skipping reasoning part: "
                    + part.model_dump_json(by_alias=True, exclude_none=True)
                    + "."
                )
                return
            self.items.append({"type": "reasoning", "encrypted_content": encrypted, "summary": summary})
            return
        existing = self._reasoning.get(item_id)
        if settings.store:
            if existing is None:
                self.items.append({"type": "item_reference", "id": item_id})
                self._reasoning[item_id] = {"type": "reasoning", "id": item_id, "summary": []}
            return
        if existing is None:
            item = {"type": "reasoning", "id": item_id, "encrypted_content": encrypted, "summary": summary}
            self._reasoning[item_id] = item
            self.items.append(item)
            return
        if not part.text:
            self.warn(
                "Cannot append empty reasoning part to existing reasoning sequence. Skipping reasoning part: "
                + part.model_dump_json(by_alias=True, exclude_none=True)
                + "."
            )
        existing["summary"].extend(summary)
        if encrypted is not None:
            existing["encrypted_content"] = encrypted

    def tool_result(self, part: ToolResultPart) -> None:
        group = self.parallel_groups.get(part.tool_call_id)
        if group is not None:
            if ("output", group.call_id) not in self._sent_wrappers:
                outputs = [self._output(result.output) for result in group.results]
                joined = "\n".join(
                    output if isinstance(output, str) else json.dumps(output) for output in outputs
                )
                self.items.append(
                    {"type": "function_call_output", "call_id": group.call_id, "output": joined}
                )
            self._sent_wrappers.add(("output", group.call_id))
            return
        names = self.settings.names
        name = names.provider_name(part.tool_name)
        output = part.output
        value = output.value if isinstance(output, JsonOutput) else None
        if names.has("openai.local_shell") and name == "local_shell" and isinstance(value, dict):
            self.items.append(
                {
                    "type": "local_shell_call_output",
                    "call_id": part.tool_call_id,
                    "output": value.get("output"),
                }
            )
            return
        if names.has("openai.shell") and name == "shell" and isinstance(value, dict):
            self.items.append(
                {
                    "type": "shell_call_output",
                    "call_id": part.tool_call_id,
                    "output": [_wire_shell_output(item) for item in value.get("output") or []],
                }
            )
            return
        if names.has("openai.apply_patch") and name == "apply_patch" and isinstance(value, dict):
            self.items.append(
                _without_none(
                    {
                        "type": "apply_patch_call_output",
                        "call_id": part.tool_call_id,
                        "status": value.get("status"),
                        "output": value.get("output"),
                    }
                )
            )
            return
        if name in names.custom_tools:
            self.items.append(
                {
                    "type": "custom_tool_call_output",
                    "call_id": part.tool_call_id,
                    "output": self._output(output),
                }
            )
            return
        item: InputItem = {
            "type": "function_call_output",
            "call_id": part.tool_call_id,
            "output": self._output(output),
        }
        caller = self._options(part.provider_options).get("caller")
        if caller is not None:
            item["caller"] = _wire_caller(caller)
        self.items.append(item)

    def approval_response(self, part: ToolApprovalResponsePart) -> None:
        """The answer to an MCP approval request, once per approval (after a reference to the request
        when the conversation is stored), as the AI SDK sends it."""
        if part.approval_id in self._answered_approvals:
            return
        self._answered_approvals.add(part.approval_id)
        settings = self.settings
        if settings.store and not settings.has_conversation and not settings.has_previous_response_id:
            self.items.append({"type": "item_reference", "id": part.approval_id})
        self.items.append(
            {
                "type": "mcp_approval_response",
                "approval_request_id": part.approval_id,
                "approve": part.approved,
            }
        )

    def _output(self, output: ToolResultOutput) -> str | list[dict[str, Any]]:
        match output:
            case TextOutput() | ErrorTextOutput():
                return output.value
            case ExecutionDeniedOutput():
                return output.reason or "Tool call execution denied."
            case JsonOutput() | ErrorJsonOutput():
                return json.dumps(output.value, separators=(",", ":"))
            case ContentOutput():
                items: list[dict[str, Any]] = []
                for item in output.value:
                    if isinstance(item, MediaItem | FileItem):
                        items.append(self._media_item(item))
                    elif isinstance(item, TextItem):
                        items.append({"type": "input_text", "text": item.text})
                    else:
                        self.warn("custom tool result content is not sent to the Responses API")
                return items
        raise UnsupportedFunctionalityError(f"tool result output of type {output.type}")

    def _media_item(self, item: MediaItem | FileItem) -> dict[str, Any]:
        detail = self._options(item.provider_options).get("imageDetail")
        is_image = get_top_level_media_type(item.media_type) == "image"
        if isinstance(item.data, ProviderReference):
            file_id = item.data.for_provider("openai")
            return {"type": "input_image" if is_image else "input_file", "file_id": file_id}
        if isinstance(item.data, httpx.URL):
            if is_image:
                return _without_none({"type": "input_image", "image_url": str(item.data), "detail": detail})
            return {"type": "input_file", "file_url": str(item.data)}
        url = f"data:{item.media_type};base64,{_base64(item.data)}"
        if is_image:
            return _without_none({"type": "input_image", "image_url": url, "detail": detail})
        return {"type": "input_file", "filename": "data", "file_data": url}


def _wire_caller(caller: Any) -> Any:
    if isinstance(caller, dict) and caller.get("type") == "program":
        return {"type": "program", "caller_id": caller.get("callerId")}
    return caller


def _wire_shell_output(item: dict[str, Any]) -> dict[str, Any]:
    outcome = item.get("outcome") or {}
    wire_outcome = (
        {"type": "timeout"}
        if outcome.get("type") == "timeout"
        else {"type": "exit", "exit_code": outcome.get("exitCode")}
    )
    return {"stdout": item.get("stdout"), "stderr": item.get("stderr"), "outcome": wire_outcome}


def _as_bytes(data: Any) -> bytes | httpx.URL:
    if isinstance(data, bytes | httpx.URL):
        return data
    return base64.b64decode(str(data))


def _base64(data: Any) -> str:
    if isinstance(data, bytes):
        return base64.b64encode(data).decode("ascii")
    return str(data)


def _data_url(part: FilePart, data: Any) -> str:
    media_type = resolve_full_media_type(part.media_type, _as_bytes(data))
    return f"data:{media_type};base64,{_base64(data)}"


def _without_none(value: dict[str, Any]) -> dict[str, Any]:
    return {key: item for key, item in value.items() if item is not None}
