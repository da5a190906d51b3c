"""The MCP SDK is an optional extra: the core never imports it, and pipeline.mcp says what to install."""

from __future__ import annotations

import subprocess
import sys
import textwrap


def run_python(code: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)], capture_output=True, text=True, timeout=60
    )


def test_core_imports_without_the_sdk_and_the_client_names_the_extra() -> None:
    done = run_python(
        """
        import sys
        sys.modules["mcp"] = None  # as if the mcp extra were not installed
        import anyio
        import pipeline
        import pipeline.mcp
        from pipeline.mcp import MissingMCPExtraError, StdioTransport, create_mcp_client

        async def main():
            try:
                async with create_mcp_client(StdioTransport("server")):
                    pass
            except MissingMCPExtraError as error:
                print(isinstance(error, ImportError), error)

        anyio.run(main)
        """
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == (
        "True the MCP client needs the official MCP SDK: pip install 'modelpipe[mcp]'"
    )


def test_importing_pipeline_loads_no_sdk() -> None:
    done = run_python("import sys, pipeline, pipeline.mcp; print('mcp' in sys.modules)")
    assert done.stdout.strip() == "False", done.stderr
