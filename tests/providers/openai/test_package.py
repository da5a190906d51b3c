import importlib
import inspect

import pytest

import providers.openai
from pipeline.registry import resolve_model

MODULES = [
    "providers.openai",
    "providers.openai.capabilities",
    "providers.openai.connection",
    "providers.openai.convert_messages",
    "providers.openai.error_mapping",
    "providers.openai.map_finish_reason",
    "providers.openai.map_response",
    "providers.openai.map_stream",
    "providers.openai.map_usage",
    "providers.openai.media",
    "providers.openai.model",
    "providers.openai.options",
    "providers.openai.provider",
    "providers.openai.request",
    "providers.openai.wire",
    "providers.compatible",
    "providers.testing.openai",
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


def test_register_resolves_openai_model_strings() -> None:
    providers.openai.register()
    model = resolve_model("openai/gpt-4o-mini")
    assert (model.provider, model.model_id) == ("openai.responses", "gpt-4o-mini")
