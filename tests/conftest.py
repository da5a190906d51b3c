"""Suite-wide settings: hypothesis runs without per-example deadlines, so a busy CI machine cannot
turn a slow example into a failure (the properties themselves are unchanged)."""

from hypothesis import settings

settings.register_profile("modelpipe", deadline=None)
settings.load_profile("modelpipe")


# --- batch: a local Ray runtime for the Ray tests of one module, shut down when the module is done
import os as _os  # noqa: E402
from collections.abc import Iterator as _Iterator  # noqa: E402
from pathlib import Path as _Path  # noqa: E402

import pytest as _pytest  # noqa: E402

from tests.optional import require_module  # noqa: E402


@_pytest.fixture(scope="module")
def ray_runtime() -> _Iterator[None]:
    """A local Ray runtime on 127.0.0.1 whose workers can import this repository (skips without Ray)."""
    ray = require_module("ray")
    root = str(_Path(__file__).resolve().parent.parent)
    path = _os.pathsep.join(filter(None, [root, _os.environ.get("PYTHONPATH")]))
    ray.init(
        num_cpus=2,
        _node_ip_address="127.0.0.1",  # every Ray connection stays on the loopback interface
        include_dashboard=False,
        log_to_driver=False,
        configure_logging=False,
        runtime_env={"env_vars": {"PYTHONPATH": path}},
    )
    try:
        yield
    finally:
        ray.shutdown()
