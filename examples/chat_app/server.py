"""A chat backend for the AI SDK's ``useChat``, built on modelpipe (FastAPI, UI message streams).

Run ``python -m examples.chat_app.server`` from the repository root (after ``npm ci --prefix tests/js``
for the front-end packages) and open http://127.0.0.1:8000. With ``ANTHROPIC_API_KEY`` set it talks to
the real Anthropic API; without, to a scripted loopback server on 127.0.0.1.
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path
from typing import Any

from fastapi import FastAPI, Request
from fastapi.responses import FileResponse, JSONResponse, Response

from pipeline import InvalidPromptError, stream_text, tool
from pipeline.model import LanguageModel
from pipeline.ui import convert_to_model_messages
from providers.anthropic import AnthropicProvider

__all__ = ["build_bundle", "create_app", "default_model", "delete_file", "weather"]

HERE = Path(__file__).resolve().parent
JS_PACKAGES = HERE.parents[1] / "tests" / "js" / "node_modules"
SYSTEM = (
    "You are a helpful assistant. Use the tools when asked to; deleting a file needs the user's approval."
)


@tool
def weather(city: str) -> dict[str, Any]:
    """The current weather in a city."""
    return {"city": city, "temperature": 21, "sky": "clear"}


@tool(needs_approval=True)
def delete_file(path: str) -> str:
    """Delete a file (asks the user first)."""
    return f"deleted {path}"


def default_model() -> tuple[LanguageModel, Any]:
    """The real Anthropic API when ``ANTHROPIC_API_KEY`` is set, else the loopback script (and its server,
    to stop when done)."""
    if os.environ.get("ANTHROPIC_API_KEY"):
        return AnthropicProvider().messages("claude-sonnet-4-5"), None
    from .loopback import start_loopback_anthropic

    server = start_loopback_anthropic()
    return AnthropicProvider(base_url=f"{server.base_url}/v1", api_key="loopback").messages(
        "claude-sonnet-4-5"
    ), server


def build_bundle(out_dir: Path) -> Path:
    """Bundle ``web/app.jsx`` with esbuild from the npm packages in tests/js; returns ``app.js``."""
    out = out_dir / "app.js"
    esbuild = JS_PACKAGES / ".bin" / "esbuild"
    subprocess.run(
        [
            str(esbuild),
            str(HERE / "web" / "app.jsx"),
            "--bundle",
            "--jsx=automatic",
            "--format=esm",
            '--define:process.env.NODE_ENV="production"',
            f"--outfile={out}",
            "--minify",
            "--log-level=warning",
        ],
        check=True,
        env={**os.environ, "NODE_PATH": str(JS_PACKAGES)},
    )
    return out


def create_app(model: LanguageModel, bundle: Path) -> FastAPI:
    """The app: ``/`` the page, ``/app.js`` the bundled front-end, ``POST /api/chat`` the chat stream."""
    app = FastAPI()

    @app.get("/")
    async def page() -> FileResponse:
        return FileResponse(HERE / "web" / "index.html")

    @app.get("/app.js")
    async def script() -> FileResponse:
        return FileResponse(bundle, media_type="text/javascript")

    @app.post("/api/chat")
    async def chat(request: Request) -> Response:
        body = await request.json()
        try:  # a malformed request is the client's error (400), before any model call
            messages = convert_to_model_messages(body.get("messages"), ignore_incomplete_tool_calls=True)
        except InvalidPromptError as error:
            return JSONResponse({"error": str(error)}, status_code=400)
        result = stream_text(
            model,
            system=SYSTEM,
            messages=messages,
            tools=[weather, delete_file],
            max_steps=5,
            provider_options={"anthropic": {"thinking": {"type": "enabled", "budgetTokens": 1024}}},
        )
        response: Response = result.to_ui_message_stream_response()
        return response

    return app


def main() -> None:  # pragma: no cover - runs a server until interrupted
    import tempfile

    import uvicorn

    model, server = default_model()
    with tempfile.TemporaryDirectory() as out:
        app = create_app(model, build_bundle(Path(out)))
        try:
            uvicorn.run(app, host="127.0.0.1", port=int(os.environ.get("PORT", "8000")))
        finally:
            if server is not None:
                server.stop()


if __name__ == "__main__":
    main()
