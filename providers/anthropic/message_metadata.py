"""``provider_metadata.anthropic`` of a finished message, as the AI SDK shapes it (pure)."""

from __future__ import annotations

from typing import Any

from .wire import WireUsage

__all__ = ["anthropic_metadata", "container_metadata", "context_management", "stop_details"]

_EDIT_FIELDS: dict[str, tuple[tuple[str, str], ...]] = {
    "clear_tool_uses_20250919": (
        ("cleared_tool_uses", "clearedToolUses"),
        ("cleared_input_tokens", "clearedInputTokens"),
    ),
    "clear_thinking_20251015": (
        ("cleared_thinking_turns", "clearedThinkingTurns"),
        ("cleared_input_tokens", "clearedInputTokens"),
    ),
    "compact_20260112": (),
}


def _iterations(usage: WireUsage) -> list[dict[str, Any]] | None:
    if not usage.iterations:
        return None
    mapped = []
    for item in usage.iterations:
        entry: dict[str, Any] = {"type": item.get("type")}
        if item.get("model") is not None:
            entry["model"] = item["model"]
        entry["inputTokens"] = item.get("input_tokens")
        entry["outputTokens"] = item.get("output_tokens")
        if item.get("cache_creation_input_tokens"):
            entry["cacheCreationInputTokens"] = item["cache_creation_input_tokens"]
        if item.get("cache_read_input_tokens"):
            entry["cacheReadInputTokens"] = item["cache_read_input_tokens"]
        mapped.append(entry)
    return mapped


def container_metadata(container: dict[str, Any] | None) -> dict[str, Any] | None:
    """``{expiresAt, id, skills}`` of the code execution container the message ran in."""
    if not container:
        return None
    skills = container.get("skills")
    return {
        "expiresAt": container.get("expires_at"),
        "id": container.get("id"),
        "skills": [
            {"type": skill.get("type"), "skillId": skill.get("skill_id"), "version": skill.get("version")}
            for skill in skills
        ]
        if skills
        else None,
    }


def context_management(value: dict[str, Any] | None) -> dict[str, Any] | None:
    """``{appliedEdits: [...]}`` in camelCase; edits of unknown strategies are left out."""
    if not value:
        return None
    edits = []
    for edit in value.get("applied_edits") or []:
        fields = _EDIT_FIELDS.get(str(edit.get("type")))
        if fields is None:
            continue
        edits.append({"type": edit["type"], **{camel: edit.get(snake) for snake, camel in fields}})
    return {"appliedEdits": edits}


def stop_details(value: dict[str, Any] | None) -> dict[str, Any] | None:
    """Why the model refused (``{type, category, explanation, recommendedModel}``, unset ones left out)."""
    if value is None:
        return None
    details: dict[str, Any] = {"type": value.get("type")}
    for snake, camel in (
        ("category", "category"),
        ("explanation", "explanation"),
        ("recommended_model", "recommendedModel"),
    ):
        if value.get(snake) is not None:
            details[camel] = value[snake]
    return details


def anthropic_metadata(
    *,
    raw_usage: dict[str, Any] | None,
    usage: WireUsage,
    stop_sequence: str | None,
    container: dict[str, Any] | None,
    context_management: dict[str, Any] | None,
    stop_details: dict[str, Any] | None = None,
) -> dict[str, dict[str, Any]]:
    """Raw usage, stop sequence and details, iterations, container and context management.

    ``container``, ``context_management`` and ``stop_details`` are given already mapped.
    """
    metadata: dict[str, Any] = {"usage": raw_usage, "stopSequence": stop_sequence}
    if stop_details is not None:
        metadata["stopDetails"] = stop_details
    metadata.update(
        {
            "iterations": _iterations(usage),
            "container": container,
            "contextManagement": context_management,
        }
    )
    return {"anthropic": metadata}
