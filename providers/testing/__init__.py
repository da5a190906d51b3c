"""Test doubles for provider terminals: a scriptable loopback HTTP server (per-provider reply builders
live in ``providers.testing.openai``, ``.anthropic``, ``.google`` and ``.gateway``)."""

from .server import (
    JsonReply,
    LoopbackServer,
    RawReply,
    RecordedRequest,
    Reply,
    ReplySource,
    ResetReply,
    SSEReply,
    StallReply,
)

__all__ = [
    "JsonReply",
    "LoopbackServer",
    "RawReply",
    "RecordedRequest",
    "Reply",
    "ReplySource",
    "ResetReply",
    "SSEReply",
    "StallReply",
]
