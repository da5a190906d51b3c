"""Every Python code block in README.md and docs/ runs as written (a snippet that fails fails CI).

Blocks run in a fresh temporary directory with every provider's environment pointing at a loopback
server (``tests/docs/loopback.py``), so a snippet written for a real provider needs no key. A block
with ``# >`` lines must print exactly those lines (``tests/docs/snippets.py``).

The blocks run in this process (a few milliseconds each). pytest-examples was tried first: a snippet
that raised made pytest stop with an INTERNALERROR instead of a failure (its rewritten code objects
break traceback positions on Python 3.11), and its ``#>`` checks place the output of a print inside a
function at the print, not where the page shows it; and ``ruff format``, which formats the
blocks of Markdown files, rewrites its ``#>`` marker as ``# >``.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path

import pytest

from pipeline import registry
from tests.middleware.cache.redis_server import running_redis_server

from .loopback import loopback_providers
from .snippets import Snippet, snippets

ROOT = Path(__file__).resolve().parents[2]


def _all_snippets() -> list[Snippet]:
    pages = [ROOT / "README.md", *sorted((ROOT / "docs").rglob("*.md"))]
    return [snippet for page in pages for snippet in snippets(page)]


def test_the_docs_have_python_snippets() -> None:
    files = {snippet.path.name for snippet in _all_snippets()}
    assert "README.md" in files
    assert len(files) >= 20, files


@pytest.fixture
def isolated(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """A scratch working directory; provider registrations restored afterwards."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(registry, "_factories", dict(registry._factories))
    monkeypatch.setattr(registry, "_embedding_factories", dict(registry._embedding_factories))
    monkeypatch.setattr(registry, "_bundled_registered", set(registry._bundled_registered))
    yield


@contextmanager
def pristine_logging() -> Iterator[None]:
    """Logging as a fresh script has it (no handlers, so ``basicConfig`` works); restored on exit."""
    loggers = [logging.getLogger(name) for name in ("", "modelpipe", "modelpipe.calls", "modelpipe.content")]
    saved = [(list(logger.handlers), logger.level) for logger in loggers]
    loggers[0].handlers.clear()
    try:
        yield
    finally:
        for logger, (handlers, level) in zip(loggers, saved, strict=True):
            for handler in logger.handlers:
                if handler not in handlers:
                    handler.close()
            logger.handlers[:] = handlers
            logger.setLevel(level)


@pytest.mark.parametrize("snippet", _all_snippets(), ids=str)
def test_snippet_runs(
    snippet: Snippet, isolated: None, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    with ExitStack() as stack:
        stack.enter_context(loopback_providers(monkeypatch))
        stack.enter_context(pristine_logging())
        if "RedisStore(" in snippet.source:
            monkeypatch.setenv("REDIS_URL", stack.enter_context(running_redis_server()).url)
        exec(snippet.compiled(), {"__name__": "__main__", "__file__": str(snippet.path)})
    printed = capsys.readouterr().out
    expected = snippet.expected_output
    if expected is not None:
        assert printed == expected
