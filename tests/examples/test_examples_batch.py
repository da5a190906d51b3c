"""The batch and prompt-caching examples run offline and print what they promise."""

from __future__ import annotations

import gc
import importlib.util
import io
import sys
import warnings
from pathlib import Path
from types import ModuleType

import pytest

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


def load(name: str) -> ModuleType:
    spec = importlib.util.spec_from_file_location(f"example_{name}", EXAMPLES / f"{name}.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


async def test_prompt_caching_one_policy_three_providers(capsys: pytest.CaptureFixture[str]) -> None:
    servers = await load("prompt_caching").main()
    lines = capsys.readouterr().out.splitlines()
    assert [line.split()[0] for line in lines] == ["anthropic"] * 2 + ["openai"] * 2 + ["google"] * 2
    assert "cache read= 2410" in lines[1] and "cache write= 2410" in lines[0]
    assert "cache read= 2304" in lines[3] and "cache read= 2398" in lines[5]
    anthropic = servers["anthropic"].requests[0].json()
    assert anthropic["system"][-1]["cache_control"] == {"type": "ephemeral", "ttl": "1h"}
    openai = [request.json() for request in servers["openai"].requests]
    assert openai[0]["prompt_cache_key"] == openai[1]["prompt_cache_key"]
    assert openai[0]["prompt_cache_retention"] == "in_memory"
    google = [request for request in servers["google"].requests if ":generateContent" in request.path]
    assert [request.json()["cachedContent"] for request in google] == ["cachedContents/lamp-manual"] * 2
    created = [request for request in servers["google"].requests if request.path.endswith("/cachedContents")]
    assert len(created) == 1 and created[0].json()["ttl"] == "3600s"


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_batch_shows_a_progress_bar_and_answers_the_rerun_from_the_cache(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    terminal = Terminal()
    monkeypatch.setattr("sys.stderr", terminal)
    load("batch").main(str(tmp_path / "cache"))
    out = capsys.readouterr().out.splitlines()
    assert out[0].startswith("first run: 40 done, 1 failed, 0 cached, 40 provider calls")
    assert out[1].startswith("second run: 40 done, 1 failed, 39 cached, 41 provider calls")
    assert out[4] == "  13: error: This prompt is refused on purpose."
    bar = terminal.getvalue()
    assert "40/40" in bar and "failed=1" in bar and "cached=39" in bar


@pytest.mark.filterwarnings("ignore::DeprecationWarning:ray")
def test_batch_ray_runs_on_a_local_runtime_with_a_shared_redis_cache(
    capsys: pytest.CaptureFixture[str], ray_runtime: None
) -> None:
    from tests.middleware.cache.redis_server import redis_binary

    redis_binary()  # skips without redis-server (fails in CI)
    load("batch_ray").main()
    # A connection a Ray worker opened as the loopback server stopped can be left to the collector; collect
    # it here, where it is known and harmless, rather than have its warning land in a later test.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ResourceWarning)
        gc.collect()
    out = capsys.readouterr().out.splitlines()
    assert out[0] == "first run: 60 done, 0 failed, 0 cached, 60 provider calls so far"
    assert out[1] == "second run: 60 done, 0 failed, 60 cached, 60 provider calls so far"
    assert out[2] == "  first answers: ['A city for A', 'A city for B', 'A city for C']"
