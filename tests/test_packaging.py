"""The three packages import from this project, and every __all__ is complete and accurate; the
distribution builds, passes ``twine check``, installs into a fresh environment and runs the quickstart,
and type checkers follow the editable install (the ``packaging`` tests, about half a minute)."""

from __future__ import annotations

import importlib
import os
import pkgutil
import shutil
import subprocess
import sys
import sysconfig
import tomllib
import zipfile
from pathlib import Path
from types import ModuleType

import pytest
import setuptools

import pipeline

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ["pipeline", "middleware", "providers"]


def _modules() -> list[str]:
    names: list[str] = []
    for package in PACKAGES:
        module = importlib.import_module(package)
        names.append(package)
        names.extend(info.name for info in pkgutil.walk_packages(module.__path__, prefix=f"{package}."))
    return names


def test_packages_import_from_this_project() -> None:
    for package in PACKAGES:
        module = importlib.import_module(package)
        assert module.__file__ is not None
        assert Path(module.__file__).resolve().is_relative_to(ROOT), module.__file__
        assert (ROOT / package / "py.typed").exists()


def test_the_package_search_ships_every_package_and_nothing_else() -> None:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())
    include = config["tool"]["setuptools"]["packages"]["find"]["include"]
    listed = set(setuptools.find_packages(str(ROOT), include=include))
    on_disk = {
        str(path.parent.relative_to(ROOT)).replace("/", ".")
        for package in PACKAGES
        for path in (ROOT / package).rglob("__init__.py")
    }
    assert on_disk == listed


@pytest.mark.parametrize("name", _modules())
def test_all_is_complete(name: str) -> None:
    module: ModuleType = importlib.import_module(name)
    exported = getattr(module, "__all__", None)
    assert exported is not None, f"{name} has no __all__"
    for symbol in exported:
        assert hasattr(module, symbol), f"{name}.__all__ names missing {symbol}"
    public_defined = {
        key
        for key, value in vars(module).items()
        if not key.startswith("_")
        and getattr(value, "__module__", None) == name
        and (isinstance(value, type) or callable(value))
    }
    missing = public_defined - set(exported)
    assert not missing, f"{name} defines public names not in __all__: {sorted(missing)}"


# -- the distribution: built, checked, installed where no checkout is on the path ------------------------

QUICKSTART_LINES = {
    1: "generate_text: Lantern Day: everyone hangs a paper lantern and tells one story.",
    3: "stream_text: Roses are red, loopbacks are fast.",
}
USER_SCRIPT = """\
import asyncio

from middleware import CacheMiddleware, LoggingMiddleware, MemoryStore
from pipeline import GenerateTextResult, Usage, generate_text, wrap_model
from pipeline.testing import MockLanguageModel, text_result
from providers.anthropic import AnthropicProvider
from providers.openai import OpenAIProvider


async def main() -> Usage:
    layers = [CacheMiddleware(MemoryStore()), LoggingMiddleware()]
    model = wrap_model(MockLanguageModel(generate=text_result("hi")), layers)
    result: GenerateTextResult = await generate_text(model, prompt="Hello")
    OpenAIProvider(api_key="key").chat("gpt-4o-mini")
    AnthropicProvider(api_key="key").messages("claude-sonnet-4-5")
    return result.usage


usage: Usage = asyncio.run(main())
tokens: int | None = usage.total_tokens
"""


def _run(*command: str | Path, cwd: Path = ROOT, timeout: float = 300) -> subprocess.CompletedProcess[str]:
    completed = subprocess.run(
        [str(part) for part in command],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=timeout,
        env=_clean_env(),
    )
    assert completed.returncode == 0, f"{command}:\n{completed.stdout}\n{completed.stderr}"
    return completed


def _clean_env() -> dict[str, str]:
    """No checkout on the path, no provider key (the quickstart then answers from its loopback server)."""
    dropped = {"PYTHONPATH", "OPENAI_API_KEY", "VIRTUAL_ENV", "PYTHONSTARTUP"}
    return {key: value for key, value in os.environ.items() if key not in dropped}


def _fresh_venv(where: Path) -> Path:
    """A new virtual environment whose own site-packages is empty of this project; the dependencies
    (httpx, pydantic, ...) are borrowed from the running environment by a path entry, so nothing is
    downloaded. Returns its interpreter."""
    _run(sys.executable, "-m", "venv", "--without-pip", where)
    python = where / "bin" / "python"
    site = Path(
        _run(python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])").stdout.strip()
    )
    (site / "borrowed_dependencies.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    return python


def _pip_into(python: Path, *arguments: str | Path) -> None:
    _run(sys.executable, "-m", "pip", "--python", python, "install", "-q", "--no-deps", *arguments)


@pytest.fixture(scope="module")
def dists(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The sdist, and the wheel built from that sdist (so a file the sdist leaves out is missed)."""
    out = tmp_path_factory.mktemp("dist")
    _run(sys.executable, "-m", "build", "--no-isolation", "--outdir", out, ROOT)
    (wheel,) = out.glob("modelpipe-*.whl")
    (sdist,) = out.glob("modelpipe-*.tar.gz")
    return {"wheel": wheel, "sdist": sdist}


@pytest.mark.packaging
def test_wheel_and_sdist_pass_twine_check(dists: dict[str, Path]) -> None:
    _run(sys.executable, "-m", "twine", "check", "--strict", dists["wheel"], dists["sdist"])


@pytest.mark.packaging
def test_the_wheel_holds_every_module_and_nothing_else(dists: dict[str, Path]) -> None:
    with zipfile.ZipFile(dists["wheel"]) as wheel:
        shipped = {name for name in wheel.namelist() if not name.startswith("modelpipe-")}
    on_disk = {
        str(path.relative_to(ROOT))
        for package in PACKAGES
        for path in (ROOT / package).rglob("*")
        if path.suffix in {".py", ".typed"} and "__pycache__" not in path.parts
    }
    assert shipped == on_disk
    assert dists["wheel"].name.startswith(f"modelpipe-{pipeline.__version__}-")


@pytest.mark.packaging
def test_the_installed_wheel_runs_the_quickstart(dists: dict[str, Path], tmp_path: Path) -> None:
    python = _fresh_venv(tmp_path / "venv")
    _pip_into(python, "--no-index", dists["wheel"])
    app = tmp_path / "app"
    app.mkdir()
    shutil.copy(ROOT / "examples" / "quickstart.py", app)
    where = _run(
        python, "-c", "import pipeline; print(pipeline.__file__, pipeline.__version__)", cwd=app
    ).stdout
    assert where.startswith(str(tmp_path / "venv")) and where.split()[1] == pipeline.__version__
    lines = _run(python, "quickstart.py", cwd=app).stdout.splitlines()
    assert {index: lines[index] for index in QUICKSTART_LINES} == QUICKSTART_LINES


@pytest.mark.packaging
def test_type_checkers_follow_the_editable_install(tmp_path: Path) -> None:
    """The README's `pip install -e .`, then mypy --strict on a user's script in its own project."""
    python = _fresh_venv(tmp_path / "venv")
    _pip_into(python, "--no-build-isolation", "-e", ROOT)
    project = tmp_path / "project"
    project.mkdir()
    (project / "app.py").write_text(USER_SCRIPT)
    checked = _run(
        sys.executable,
        "-m",
        "mypy",
        "--strict",
        "--python-executable",
        python,
        "--cache-dir",
        tmp_path / "mypy-cache",
        "app.py",
        cwd=project,
    )
    assert "Success: no issues found in 1 source file" in checked.stdout
    _run(python, "app.py", cwd=project)
