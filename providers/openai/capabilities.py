"""What an OpenAI model id tells us about the model: reasoning family, system role, service tiers."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

__all__ = ["ModelCapabilities", "SystemMessageMode", "model_capabilities"]

SystemMessageMode = Literal["system", "developer", "remove"]

_O_SERIES = re.compile(r"^o(\d+)(?:-|$)")
_GPT_VERSION = re.compile(r"^gpt-(\d+)(?:\.(\d+))?(?:-(.+))?$")


@dataclass(frozen=True, slots=True)
class ModelCapabilities:
    """Capabilities read from a model id (unknown ids get the conservative defaults)."""

    is_reasoning_model: bool
    system_message_mode: SystemMessageMode
    supports_flex_processing: bool
    supports_priority_processing: bool
    supports_non_reasoning_parameters: bool
    """GPT-5.1 and later accept temperature / top_p / logprobs when the reasoning effort is ``none``."""


def model_capabilities(model_id: str) -> ModelCapabilities:
    """The capabilities of ``model_id``: o-series and GPT-5+ (non-chat) models are reasoning models."""
    o_match = _O_SERIES.match(model_id)
    o_version = int(o_match.group(1)) if o_match else None
    gpt_match = _GPT_VERSION.match(model_id)
    gpt_major = int(gpt_match.group(1)) if gpt_match else None
    gpt_minor = int(gpt_match.group(2)) if gpt_match and gpt_match.group(2) else None
    variant = gpt_match.group(3) if gpt_match else None

    is_chat = gpt_minor is None and variant is not None and variant.startswith("chat")
    is_nano = variant is not None and variant.startswith("nano")
    is_gpt5_plus = gpt_major is not None and gpt_major >= 5
    is_o3_plus = o_version is not None and o_version >= 3

    is_reasoning = o_version is not None or (is_gpt5_plus and not is_chat)
    return ModelCapabilities(
        is_reasoning_model=is_reasoning,
        system_message_mode="developer" if is_reasoning else "system",
        supports_flex_processing=is_o3_plus or (is_gpt5_plus and not is_chat),
        supports_priority_processing=(
            model_id.startswith("gpt-4") or (is_gpt5_plus and not is_nano and not is_chat) or is_o3_plus
        ),
        supports_non_reasoning_parameters=gpt_major is not None
        and (gpt_major > 5 or (gpt_major == 5 and (gpt_minor or 0) >= 1)),
    )
