"""The control channel: one namespace in provider options and metadata, read and written by helpers."""

from __future__ import annotations

from typing import Any

import pytest

from pipeline import control
from pipeline.errors import InvalidArgumentError


def test_attempt_one_leaves_the_options_alone_and_later_attempts_are_marked() -> None:
    options = {"openai": {"user": "u"}, control.NAMESPACE: {"cache": "refresh"}}
    assert control.with_attempt(options, 1) is options
    assert control.with_attempt(None, 1) is None
    marked = control.with_attempt(options, 3)
    assert marked == {"openai": {"user": "u"}, "modelpipe": {"cache": "refresh", "attempt": 3}}
    assert options == {"openai": {"user": "u"}, "modelpipe": {"cache": "refresh"}}
    assert control.retry_attempt(marked) == 3


@pytest.mark.parametrize("options", [None, {}, {"modelpipe": "junk"}, {"modelpipe": {"attempt": True}}])
def test_unmarked_or_malformed_attempts_read_as_the_first(options: dict[str, object] | None) -> None:
    assert control.retry_attempt(options) == 1


def test_the_cache_flag_is_read_and_an_unknown_one_is_a_typed_error_naming_its_place() -> None:
    assert control.cache_flag(None) is None
    assert control.cache_flag({"modelpipe": {"attempt": 2}}) is None
    assert control.cache_flag({"modelpipe": {"cache": "bypass"}}) == "bypass"
    with pytest.raises(InvalidArgumentError, match=r"providerOptions\.modelpipe\.cache.*'sometimes'"):
        control.cache_flag({"modelpipe": {"cache": "sometimes"}})


def test_the_cache_status_is_marked_next_to_the_other_metadata_and_read_back() -> None:
    metadata: dict[str, dict[str, Any]] = {"openai": {"id": "x"}, "modelpipe": {"other": 1}}
    marked = control.with_cache_status(metadata, "hit")
    assert marked == {"openai": {"id": "x"}, "modelpipe": {"other": 1, "cache": "hit"}}
    assert metadata == {"openai": {"id": "x"}, "modelpipe": {"other": 1}}
    assert control.cache_status(marked) == "hit"
    assert control.with_cache_status(None, "partial") == {"modelpipe": {"cache": "partial"}}


@pytest.mark.parametrize("metadata", [None, {}, {"modelpipe": {"cache": "maybe"}}, {"modelpipe": 3}])
def test_no_or_an_unknown_cache_status_reads_as_none(metadata: dict[str, object] | None) -> None:
    assert control.cache_status(metadata) is None


def test_library_controls_are_left_out_and_the_rest_of_the_namespace_is_kept() -> None:
    only_controls = {"openai": {"user": "u"}, "modelpipe": {"cache": "refresh", "attempt": 2}}
    assert control.without_library_controls(only_controls) == {"openai": {"user": "u"}}
    mixed = {"modelpipe": {"attempt": 2, "other": 1}}
    assert control.without_library_controls(mixed) == {"modelpipe": {"other": 1}}
    assert control.without_library_controls({"modelpipe": "not a mapping"}) == {"modelpipe": "not a mapping"}
