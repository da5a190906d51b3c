"""Cosine similarity of two vectors (e.g. embeddings), as the AI SDK's ``cosineSimilarity``."""

from __future__ import annotations

import math
from collections.abc import Sequence

from .errors import InvalidArgumentError

__all__ = ["cosine_similarity"]


def cosine_similarity(vector1: Sequence[float], vector2: Sequence[float]) -> float:
    """The cosine of the angle between two vectors of the same length, from -1 to 1.

    Returns 0 when either vector is all zeros (or both are empty). Raises
    :class:`InvalidArgumentError` when the lengths differ.
    """
    if len(vector1) != len(vector2):
        raise InvalidArgumentError(
            "vector1,vector2",
            f"Vectors must have the same length (got {len(vector1)} and {len(vector2)})",
        )
    dot = math.fsum(a * b for a, b in zip(vector1, vector2, strict=True))
    magnitude1 = math.sqrt(math.fsum(a * a for a in vector1))
    magnitude2 = math.sqrt(math.fsum(b * b for b in vector2))
    if magnitude1 == 0 or magnitude2 == 0:
        return 0.0
    return dot / (magnitude1 * magnitude2)
