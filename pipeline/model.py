"""The LanguageModel protocol: what providers, wrapped models and mocks all satisfy."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Protocol, runtime_checkable

from .params import CallParams
from .result import GenerateResult
from .stream import StreamResult

__all__ = ["LanguageModel", "SupportedUrls"]

SupportedUrls = Mapping[str, Sequence[re.Pattern[str]]]
"""Media-type pattern (``"image/*"``, ``"application/pdf"``, ``"*"``) to the URL regexes the model
fetches by itself. Regexes are searched in the lower-cased URL."""


@runtime_checkable
class LanguageModel(Protocol):
    """A language model: a provider terminal, a model wrapped in middleware, or a test double.

    ``do_generate`` and ``do_stream`` receive normalized :class:`CallParams`; they never retry
    (retries live in ``generate_text`` / ``stream_text``, outside the middleware chain).
    """

    @property
    def provider(self) -> str:
        """The provider id, e.g. ``"openai.chat"``."""
        ...

    @property
    def model_id(self) -> str:
        """The provider's model id, e.g. ``"gpt-4o"``."""
        ...

    @property
    def supported_urls(self) -> SupportedUrls:
        """URLs the model downloads by itself; other URLs are downloaded before the call."""
        ...

    async def do_generate(self, params: CallParams) -> GenerateResult:
        """Run one call and return the whole result."""
        ...

    async def do_stream(self, params: CallParams) -> StreamResult:
        """Start one call and return its parts as they arrive."""
        ...
