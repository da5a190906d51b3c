"""Two processes sharing one cache under load (reliability.md C6 / G7), over a DiskStore directory and
over a real redis-server: identical answers, no corrupt reads, and a writer killed mid-write leaves the
other process (and the cache) working."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import warnings
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

import diskcache
import pytest
import redis

from middleware.cache.codec import CorruptEntryError, decode_generate, decode_stream
from middleware.cache.stores import SafeDisk
from providers.testing import LoopbackServer, RecordedRequest, Reply
from providers.testing.openai import stream_chunks, stream_reply, text_reply
from tests.middleware.cache.redis_server import running_redis_server

from .cache_worker import KEYS, REDIS_PREFIX, answer_for

ROOT = Path(__file__).resolve().parents[2]
KINDS = 2  # generate and stream


def _reply(request: RecordedRequest) -> Reply:
    body = request.json()
    content = body["messages"][-1]["content"]
    prompt = content if isinstance(content, str) else content[0]["text"]
    answer = answer_for(prompt)
    if body.get("stream"):
        return stream_reply(stream_chunks([answer[i : i + 700] for i in range(0, len(answer), 700)]))
    return text_reply(answer)


@pytest.fixture
def server() -> Iterator[LoopbackServer]:
    with LoopbackServer() as running:
        running.default_reply = _reply
        yield running


@dataclass(frozen=True)
class SharedStore:
    """What the worker processes share: ``spec`` names it to them, ``check()`` lists what is wrong in it."""

    name: str
    spec: str
    check: Callable[[], list[str]]


def _check_disk(directory: Path) -> list[str]:
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        cache = diskcache.Cache(str(directory), disk=SafeDisk)
        try:
            problems = cache.check()
        finally:
            cache.close()
    # A writer killed between diskcache's mkdir and its file write leaves an empty folder behind, and one
    # killed between writing a value file and committing its row (or between a commit and removing the
    # file the row replaced) leaves an "unknown file": harmless orphans, no row points at them (check(fix=
    # True) deletes them). Any other finding of check(), e.g. a row naming a missing file, is a problem.
    return [str(item.message) for item in [*problems, *caught] if not _orphan(str(item.message))]


def _orphan(message: str) -> bool:
    return "empty directory" in message or message.startswith("unknown file")


def _check_redis(url: str) -> list[str]:
    """Every entry under the prefix must open as a generate result or a stream recording."""
    client = redis.Redis.from_url(url)
    problems = []
    try:
        for name in client.scan_iter(match=REDIS_PREFIX + "*", count=500):
            key = name.decode()[len(REDIS_PREFIX) :]
            data = client.get(name)
            if not isinstance(data, bytes):  # gone since the scan (a str never comes back: no decoding)
                continue
            try:
                decode_generate(key, data)
            except CorruptEntryError:
                try:
                    decode_stream(key, data)
                except CorruptEntryError as error:
                    problems.append(f"{key}: {error}")
    finally:
        client.close()
    return problems


@pytest.fixture(params=["disk", "redis"])
def shared_store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[SharedStore]:
    """A DiskStore directory, or a fresh redis-server (skipped without the binary, unless CI is set)."""
    if request.param == "disk":
        yield SharedStore("disk", str(tmp_path), lambda: _check_disk(tmp_path))
        return
    with running_redis_server() as redis_server:
        yield SharedStore("redis", redis_server.url, lambda: _check_redis(redis_server.url))


def _spawn(*args: str) -> subprocess.Popen[bytes]:
    """A worker whose output pipes are unbuffered on our side.

    Unbuffered because a test reads the first line (``ready`` / ``started``) with ``readline()`` and then
    the rest with ``communicate()``, which reads the pipe's file descriptor directly: a buffered reader
    may have taken the final report into its buffer along with the first line (when the worker printed
    both before the test read), and ``communicate()`` would then return nothing. An unbuffered
    ``readline()`` takes exactly one line.
    """
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])),
    }
    return subprocess.Popen(
        [sys.executable, "-m", "tests.reliability.cache_worker", *args],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        bufsize=0,
    )


def _first_line(stream: IO[bytes] | None) -> str:
    assert stream is not None
    return stream.readline().decode().strip()


def _report(process: subprocess.Popen[bytes], *, first_line_read: bool = False) -> dict[str, Any]:
    """The worker's final JSON report (after its ``started`` line, unless the caller read that)."""
    stdout, stderr = process.communicate(timeout=60)
    assert process.returncode == 0, stderr.decode(errors="replace")
    lines = stdout.decode().strip().splitlines()
    if not first_line_read:
        assert lines[0] == "started"
    return dict(json.loads(lines[-1]))


def test_two_processes_share_one_cache_under_load(server: LoopbackServer, shared_store: SharedStore) -> None:
    workers = [_spawn("hammer", shared_store.spec, server.url("/v1"), "3") for _ in range(2)]
    first, second = (_report(worker) for worker in workers)
    problems = shared_store.check()
    calls = 2 * 3 * KEYS * KINDS
    print(
        f"\nSHARED CACHE ({shared_store.name}): 2 processes x {calls // 2} calls over {KEYS} keys x {KINDS} "
        f"kinds; provider calls {len(server.requests)} (bound {2 * KEYS * KINDS}); mismatches "
        f"{first['mismatches']}/{second['mismatches']}; errors {len(first['errors'])}/"
        f"{len(second['errors'])}; cache stats {first['stats']} / {second['stats']}; store check problems "
        f"{len(problems)}"
    )
    assert first["mismatches"] == second["mismatches"] == 0
    assert first["errors"] == second["errors"] == []
    assert first["stats"]["errors"] == second["stats"]["errors"] == 0  # no corrupt or failed read
    assert first["digests"] == second["digests"]
    assert len(first["digests"]) == KEYS * KINDS
    assert len(server.requests) <= 2 * KEYS * KINDS  # each process misses each entry at most once
    assert problems == []


def test_killing_a_writer_mid_write_leaves_the_other_process_working(
    server: LoopbackServer, shared_store: SharedStore
) -> None:
    writer = _spawn("refresh", shared_store.spec, server.url("/v1"))
    try:
        assert _first_line(writer.stdout) == "ready"
        reader = _spawn("hammer", shared_store.spec, server.url("/v1"), "4")
        assert _first_line(reader.stdout) == "started"
        writer.send_signal(signal.SIGKILL)  # it rewrites entries without pause: this lands mid-write
        writer.wait(timeout=10)
        survivor = _report(reader, first_line_read=True)
    finally:
        if writer.poll() is None:
            writer.kill()
            writer.wait()
        if writer.stdout is not None:
            writer.stdout.close()
        if writer.stderr is not None:
            writer.stderr.close()
    after = _report(_spawn("hammer", shared_store.spec, server.url("/v1"), "1"))
    problems = shared_store.check()
    print(
        f"\nSIGKILL ({shared_store.name}): writer killed (exit {writer.returncode}); survivor mismatches "
        f"{survivor['mismatches']}, errors {len(survivor['errors'])}, stats {survivor['stats']}; fresh "
        f"reader afterwards mismatches {after['mismatches']}, stats {after['stats']}; store check problems "
        f"{len(problems)}"
    )
    assert writer.returncode == -signal.SIGKILL
    assert survivor["mismatches"] == 0 and survivor["errors"] == []
    assert survivor["stats"]["errors"] == 0
    assert len(survivor["digests"]) == KEYS * KINDS  # it kept answering every prompt after the kill
    assert after["mismatches"] == 0 and after["errors"] == [] and after["stats"]["errors"] == 0
    assert after["stats"]["hits"] > 0
    assert problems == []
