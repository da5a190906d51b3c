"""Provider options under ``providerOptions.google``: a pydantic model, camelCase or snake_case."""

from __future__ import annotations

from typing import Literal

from pydantic import ConfigDict, ValidationError

from pipeline._base import ProviderOptions
from pipeline.errors import InvalidArgumentError
from providers._options import OptionsModel

__all__ = [
    "GoogleOptions",
    "HarmBlockThreshold",
    "HarmCategory",
    "LatLng",
    "RetrievalConfig",
    "SafetySetting",
    "ThinkingConfig",
    "parse_google_options",
]

HarmCategory = Literal[
    "HARM_CATEGORY_UNSPECIFIED",
    "HARM_CATEGORY_HATE_SPEECH",
    "HARM_CATEGORY_DANGEROUS_CONTENT",
    "HARM_CATEGORY_HARASSMENT",
    "HARM_CATEGORY_SEXUALLY_EXPLICIT",
    "HARM_CATEGORY_CIVIC_INTEGRITY",
]
HarmBlockThreshold = Literal[
    "HARM_BLOCK_THRESHOLD_UNSPECIFIED",
    "BLOCK_LOW_AND_ABOVE",
    "BLOCK_MEDIUM_AND_ABOVE",
    "BLOCK_ONLY_HIGH",
    "BLOCK_NONE",
    "OFF",
]


class _Options(OptionsModel):
    """Serialized with the camelCase names the Gemini API takes."""

    model_config = ConfigDict(serialize_by_alias=True)

    def to_wire(self) -> dict[str, object]:
        """The camelCase JSON form, unset keys left out."""
        return self.model_dump(mode="json", exclude_none=True)


class ThinkingConfig(_Options):
    thinking_budget: int | None = None
    include_thoughts: bool | None = None
    thinking_level: Literal["minimal", "low", "medium", "high"] | None = None


class SafetySetting(_Options):
    category: HarmCategory
    threshold: HarmBlockThreshold


class LatLng(_Options):
    latitude: float
    longitude: float


class RetrievalConfig(_Options):
    """Location context for Google Maps and Google Search grounding."""

    lat_lng: LatLng | None = None


class GoogleOptions(_Options):
    """Call-level Gemini options (``providerOptions.google``)."""

    response_modalities: list[Literal["TEXT", "IMAGE", "AUDIO"]] | None = None
    thinking_config: ThinkingConfig | None = None
    cached_content: str | None = None
    structured_outputs: bool | None = None
    safety_settings: list[SafetySetting] | None = None
    threshold: HarmBlockThreshold | None = None
    audio_timestamp: bool | None = None
    labels: dict[str, str] | None = None
    media_resolution: (
        Literal[
            "MEDIA_RESOLUTION_UNSPECIFIED",
            "MEDIA_RESOLUTION_LOW",
            "MEDIA_RESOLUTION_MEDIUM",
            "MEDIA_RESOLUTION_HIGH",
        ]
        | None
    ) = None
    service_tier: Literal["standard", "flex", "priority"] | None = None
    retrieval_config: RetrievalConfig | None = None
    stream_function_call_arguments: bool | None = None
    """Stream function-call arguments as ``partialArgs`` (Vertex AI only, Gemini 3 and newer)."""


def parse_google_options(provider_options: ProviderOptions | None) -> GoogleOptions | None:
    """The ``google`` entry of ``provider_options``, validated (``None`` when absent).

    Raises :class:`InvalidArgumentError` ("invalid google provider options") when it does not validate.
    """
    raw = (provider_options or {}).get("google")
    if raw is None:
        return None
    try:
        return GoogleOptions.model_validate(raw)
    except ValidationError as error:
        raise InvalidArgumentError(
            "providerOptions.google", f"invalid google provider options: {error}"
        ) from error
