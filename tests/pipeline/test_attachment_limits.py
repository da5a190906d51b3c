"""attachment_limits: the inline attachment limits, their defaults and the block that changes them."""

from __future__ import annotations

import anyio
import pytest

from pipeline.attachment_limits import (
    DEFAULT_MAX_CALL_BYTES,
    DEFAULT_MAX_FILE_BYTES,
    AttachmentLimits,
    MiB,
    attachment_limits,
    current_attachment_limits,
)
from pipeline.errors import InvalidArgumentError


def test_the_defaults_are_20_mib_per_file_and_50_mib_per_call() -> None:
    assert current_attachment_limits() == AttachmentLimits(20 * MiB, 50 * MiB)
    assert current_attachment_limits() == AttachmentLimits(DEFAULT_MAX_FILE_BYTES, DEFAULT_MAX_CALL_BYTES)


@pytest.mark.parametrize("value", [-1, 1.5, "10", True])
def test_limits_must_be_whole_numbers_of_bytes(value: object) -> None:
    with pytest.raises(InvalidArgumentError, match="max_file_bytes must be an integer >= 0"):
        AttachmentLimits(max_file_bytes=value)  # type: ignore[arg-type]


def test_blocks_nest_keep_what_they_do_not_set_and_restore_on_exit() -> None:
    with attachment_limits(max_file_bytes=1) as outer:
        assert outer == AttachmentLimits(1, DEFAULT_MAX_CALL_BYTES)
        with attachment_limits(max_call_bytes=2):
            assert current_attachment_limits() == AttachmentLimits(1, 2)
        assert current_attachment_limits() == outer
    assert current_attachment_limits() == AttachmentLimits()


async def test_tasks_started_inside_a_block_inherit_its_limits() -> None:
    seen: list[AttachmentLimits] = []
    with attachment_limits(max_file_bytes=7):
        async with anyio.create_task_group() as group:
            group.start_soon(lambda: _record(seen))
    await _record(seen)
    assert seen == [AttachmentLimits(7, DEFAULT_MAX_CALL_BYTES), AttachmentLimits()]


async def _record(seen: list[AttachmentLimits]) -> None:
    seen.append(current_attachment_limits())
