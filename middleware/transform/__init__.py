"""Transform stage: reasoning and JSON extracted from model text, and streams simulated from generate."""

from .extract_json import ExtractJsonMiddleware
from .extract_reasoning import ExtractReasoningMiddleware
from .simulate_streaming import SimulateStreamingMiddleware

__all__ = ["ExtractJsonMiddleware", "ExtractReasoningMiddleware", "SimulateStreamingMiddleware"]
