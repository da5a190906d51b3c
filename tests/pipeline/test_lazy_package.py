"""Lazy package exports: ``pipeline``, ``pipeline.download`` and ``providers.openai`` import a name's
module on first access, and still expose every name (``__all__``, ``dir()``, type checkers) as eager
imports did."""

from __future__ import annotations

import ast
import importlib
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import pytest

import pipeline
import pipeline.download
import providers.openai

PACKAGES = [pipeline, pipeline.download, providers.openai]


def run(statements: str) -> None:
    """Run ``statements`` in a fresh interpreter (a failed ``assert`` there fails the test)."""
    subprocess.run([sys.executable, "-c", statements], check=True)


def type_checking_imports(package: ModuleType) -> dict[str, str]:
    """``name -> .module`` for the imports under ``if TYPE_CHECKING:`` in the package's ``__init__``."""
    assert package.__file__ is not None
    tree = ast.parse(Path(package.__file__).read_text())
    found: dict[str, str] = {}
    for node in tree.body:
        if isinstance(node, ast.If) and isinstance(node.test, ast.Name) and node.test.id == "TYPE_CHECKING":
            for statement in node.body:
                assert isinstance(statement, ast.ImportFrom) and statement.level == 1
                found.update({alias.name: f".{statement.module}" for alias in statement.names})
    return found


@pytest.mark.parametrize("package", PACKAGES, ids=lambda package: package.__name__)
def test_every_exported_name_resolves_to_the_object_of_its_home_module(package: ModuleType) -> None:
    homes = package._HOMES
    assert set(homes) <= set(package.__all__)
    for name in package.__all__:
        value = getattr(package, name)
        if name in homes:
            assert value is getattr(importlib.import_module(homes[name], package.__name__), name)
    assert set(package.__all__) <= set(dir(package))


@pytest.mark.parametrize("package", PACKAGES, ids=lambda package: package.__name__)
def test_type_checkers_see_the_names_from_the_modules_they_load_from(package: ModuleType) -> None:
    assert type_checking_imports(package) == package._HOMES


@pytest.mark.parametrize("package", PACKAGES, ids=lambda package: package.__name__)
def test_an_unknown_name_raises_attribute_error_naming_it(package: ModuleType) -> None:
    with pytest.raises(AttributeError, match=f"module '{package.__name__}' has no attribute 'Nope'"):
        _ = package.Nope
    assert not hasattr(package, "Nope")


def test_submodules_are_attributes_of_the_package_as_after_an_eager_import() -> None:
    run("import pipeline, sys\nassert pipeline.prompt is sys.modules['pipeline.prompt']")


@pytest.mark.parametrize("name", ["embed", "attachment_limits"])
def test_a_function_named_like_its_module_stays_the_package_attribute(name: str) -> None:
    """``pipeline.embed`` is the function, also when ``pipeline.embed`` (the module) was imported first
    through another module, which binds the module on the package."""
    run(
        f"import pipeline.sync, pipeline.normalize, pipeline, sys\n"
        f"home = sys.modules['pipeline.{name}']\n"
        f"assert pipeline.{name} is home.{name}, pipeline.{name}\n"
        f"from pipeline import {name}\n"
        f"assert {name} is home.{name}"
    )


def test_importing_what_a_first_call_needs_builds_no_schema_and_reads_no_mime_tables() -> None:
    """Schemas are built on first use (``defer_build``): a default record made at class creation would
    build its schema, and pydantic's schema machinery with it, during the import."""
    run(
        "import mimetypes, sys\n"
        "from pydantic import BaseModel\n"
        "from pydantic._internal._mock_val_ser import MockValSer\n"
        "from pipeline import embed, generate_text, stream_text\n"
        "from providers.openai import OpenAIProvider\n"
        "built = [cls.__qualname__ for name, module in list(sys.modules.items())\n"
        "         if name.split('.')[0] in ('pipeline', 'providers')\n"
        "         for cls in vars(module).values()\n"
        "         if isinstance(cls, type) and issubclass(cls, BaseModel) and cls.__module__ == name\n"
        "         and not isinstance(cls.__pydantic_validator__, MockValSer)]\n"
        "assert built == [], built\n"
        "assert not mimetypes.inited\n"
    )


def test_shared_default_records_equal_validated_ones() -> None:
    from pipeline.result import (
        NO_REQUEST,
        NO_RESPONSE,
        InputTokenDetails,
        OutputTokenDetails,
        RequestMetadata,
        ResponseMetadata,
        Usage,
    )

    usage = Usage()
    assert usage.input_token_details == InputTokenDetails()
    assert usage.output_token_details == OutputTokenDetails()
    assert Usage.model_validate({}) == Usage(input_token_details={}, output_token_details={})
    assert (RequestMetadata(), ResponseMetadata()) == (NO_REQUEST, NO_RESPONSE)
    assert usage.model_dump_json() == Usage.model_validate_json(usage.model_dump_json()).model_dump_json()
