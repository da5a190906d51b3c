"""A rough, pure estimate of a call's input tokens, made before the call (no tokenizer needed).

About four characters of text per token, plus a few tokens per message, plus the tool definitions as
JSON; an attachment counts a flat :data:`ATTACHMENT_TOKENS`. The rate limiter corrects the estimate with
the usage the provider reports, so it only needs to be roughly right.
"""

from __future__ import annotations

import json
import math

from pipeline.params import CallParams
from pipeline.prompt import FilePart, ImagePart, ReasoningPart, TextPart, ToolCallPart, ToolResultPart

__all__ = ["ATTACHMENT_TOKENS", "CHARS_PER_TOKEN", "estimate_input_tokens"]

CHARS_PER_TOKEN = 4
MESSAGE_TOKENS = 4
"""Per-message overhead (role and separators), as OpenAI's chat format counts it."""
ATTACHMENT_TOKENS = 512
"""A flat count for one image or file (providers price these by size; an estimate only)."""


def _part_chars(part: object) -> tuple[int, int]:
    """(characters, attachments) of one content part."""
    match part:
        case TextPart() | ReasoningPart():
            return len(part.text), 0
        case ToolCallPart():
            return len(part.tool_name) + len(json.dumps(part.input, default=str)), 0
        case ToolResultPart():
            return len(part.tool_name) + len(json.dumps(part.output.model_dump(mode="json"), default=str)), 0
        case ImagePart() | FilePart():
            return 0, 1
    return 0, 0


def estimate_input_tokens(params: CallParams) -> int:
    """Roughly how many input tokens ``params`` will count as (at least 1)."""
    chars = 0
    attachments = 0
    for message in params.prompt:
        content = message.content
        if isinstance(content, str):
            chars += len(content)
            continue
        for part in content:
            part_chars, part_attachments = _part_chars(part)
            chars += part_chars
            attachments += part_attachments
    if params.tools:
        chars += len(json.dumps([tool.model_dump(mode="json") for tool in params.tools], default=str))
    tokens = math.ceil(chars / CHARS_PER_TOKEN) + MESSAGE_TOKENS * len(params.prompt)
    return max(1, tokens + ATTACHMENT_TOKENS * attachments)
