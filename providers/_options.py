"""The base of the providers' option models (``providerOptions.<provider>``) and provider-tool arguments."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict
from pydantic.alias_generators import to_camel

__all__ = ["OptionsModel"]


class OptionsModel(BaseModel):
    """Options given by a caller: camelCase or snake_case keys, unknown keys ignored (as the AI SDK
    does), frozen. Validators are built on first use, so a call that gives none never builds them.
    """

    model_config = ConfigDict(
        alias_generator=to_camel,
        validate_by_name=True,
        validate_by_alias=True,
        frozen=True,
        extra="ignore",
        defer_build=True,
    )
