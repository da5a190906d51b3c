"""The providers.google package surface: explicit ``__all__`` everywhere, and model-string registration."""

from __future__ import annotations

import importlib
import inspect

import pytest

import providers.google
from pipeline.registry import resolve_model

MODULES = [
    "providers.google",
    "providers.google.capabilities",
    "providers.google.convert_messages",
    "providers.google.convert_usage",
    "providers.google.json_schema",
    "providers.google.map_finish_reason",
    "providers.google.map_response",
    "providers.google.map_stream",
    "providers.google.model",
    "providers.google.options",
    "providers.google.prepare_tools",
    "providers.google.reasoning",
    "providers.google.request_body",
    "providers.google.sources",
    "providers.google.wire",
    "providers.testing.google",
]


@pytest.mark.parametrize("name", MODULES)
def test_every_module_exports_exactly_what_it_defines(name: str) -> None:
    module = importlib.import_module(name)
    assert len(set(module.__all__)) == len(module.__all__)
    for exported in module.__all__:
        assert hasattr(module, exported), exported
    defined_here = {
        attribute
        for attribute, value in vars(module).items()
        if not attribute.startswith("_")
        and (inspect.isclass(value) or inspect.isfunction(value))
        and value.__module__ == name
    }
    assert defined_here <= set(module.__all__)


def test_register_resolves_google_model_strings() -> None:
    providers.google.register()
    model = resolve_model("google/gemini-2.5-flash")
    assert isinstance(model, providers.google.GoogleLanguageModel)
    assert (model.provider, model.model_id) == ("google.generative-ai", "gemini-2.5-flash")
