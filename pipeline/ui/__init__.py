"""Serve AI SDK front-ends (``useChat``): the UI message stream protocol in both directions.

* :func:`to_ui_message_stream` (also ``StreamTextResult.to_ui_message_stream()``): a streamed call as
  UI message chunks; :func:`create_ui_message_stream` composes chunks by hand (custom ``data-*``
  parts, merged calls);
* :func:`ui_message_stream_response` (also ``StreamTextResult.to_ui_message_stream_response()``):
  those chunks as a Starlette / FastAPI SSE response (the ``web`` extra);
* :func:`convert_to_model_messages`: the ``UIMessage`` list ``useChat`` posts, as prompt messages.
"""

from .messages import DataPartConverter, InvalidUIMessageError, convert_to_model_messages
from .response import ui_message_stream_response
from .sse import UI_MESSAGE_STREAM_HEADERS, encode_sse_chunk, to_sse
from .stream import (
    GENERIC_ERROR_TEXT,
    ErrorText,
    MessageMetadata,
    UIMessageChunk,
    default_error_text,
    to_ui_message_chunk,
    to_ui_message_stream,
)
from .writer import UIMessageStreamWriter, create_ui_message_stream, data_chunk

__all__ = [
    "GENERIC_ERROR_TEXT",
    "UI_MESSAGE_STREAM_HEADERS",
    "DataPartConverter",
    "ErrorText",
    "InvalidUIMessageError",
    "MessageMetadata",
    "UIMessageChunk",
    "UIMessageStreamWriter",
    "convert_to_model_messages",
    "create_ui_message_stream",
    "data_chunk",
    "default_error_text",
    "encode_sse_chunk",
    "to_sse",
    "to_ui_message_chunk",
    "to_ui_message_stream",
    "ui_message_stream_response",
]
