"""End to end: the AI SDK's real ``useChat`` (React, bundled by esbuild) against the chat example's
modelpipe backend, in headless Chromium (the system browser, driven by Playwright; never a download).

Exercised: a streamed answer with reasoning, tool calls that need approval (one approved and run,
one denied), stopping a stream midway, regenerating the answer, and reloading the page. Screenshots go to
test-artifacts/chat_app/. Skips locally only when node, the npm packages or Chromium are absent;
under CI it fails instead.
"""

from __future__ import annotations

import os
import shutil
import socket
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.optional import require_module
from tests.pipeline.ui.node_parser import require_node_packages

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "test-artifacts" / "chat_app"
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def _chromium() -> str:
    path = shutil.which("chromium") or ("/usr/bin/chromium" if Path("/usr/bin/chromium").exists() else None)
    if path is None:
        if os.environ.get("CI"):
            pytest.fail("chromium missing under CI: .ci/run installs it")
        pytest.skip("chromium not available")
    return path


@pytest.fixture
def chat_app(tmp_path: Path) -> Iterator[str]:
    """The example app (loopback model, bundled page) on a free 127.0.0.1 port; yields its URL."""
    require_node_packages()
    uvicorn = require_module("uvicorn")
    from examples.chat_app.loopback import start_loopback_anthropic
    from examples.chat_app.server import build_bundle, create_app
    from providers.anthropic import AnthropicProvider

    model_server = start_loopback_anthropic()
    model = AnthropicProvider(base_url=f"{model_server.base_url}/v1", api_key="loopback").messages(
        "claude-sonnet-4-5"
    )
    app = create_app(model, build_bundle(tmp_path))
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", lifespan="off"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    try:
        while not server.started and thread.is_alive():
            threading.Event().wait(0.01)
        yield f"http://127.0.0.1:{sock.getsockname()[1]}"
    finally:
        server.should_exit = True
        thread.join(10)
        sock.close()
        model_server.stop()


def test_malformed_chat_request_is_a_400_naming_the_bad_element(chat_app: str) -> None:
    import httpx

    reply = httpx.post(f"{chat_app}/api/chat", json={"messages": [{"role": "user", "parts": "hi"}]})
    assert reply.status_code == 400
    assert "messages[0].parts: 'parts' must be a list" in reply.json()["error"]


def test_use_chat_against_the_modelpipe_backend(chat_app: str) -> None:
    executable = _chromium()
    sync_api = require_module("playwright.sync_api")
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_FLAGS, headless=True)
        try:
            page = browser.new_page()
            page.set_default_timeout(20_000)
            errors: list[str] = []
            page.on("pageerror", lambda error: errors.append(str(error)))
            expect = sync_api.expect
            page.goto(chat_app)

            def send(text: str) -> None:
                # Send is disabled until the previous answer's stream has finished (its text can
                # show before that): Enter pressed earlier submits nothing.
                expect(page.get_by_test_id("status")).to_have_text("ready")
                page.get_by_test_id("input").fill(text)
                page.get_by_test_id("input").press("Enter")

            assistant = page.locator(".message.assistant")

            # 1. a streamed answer with reasoning
            send("hello")
            expect(assistant.last.get_by_test_id("text")).to_have_text("Hello from modelpipe!")
            expect(assistant.last.get_by_test_id("reasoning")).to_have_text(
                "The user greets me. I should answer kindly."
            )
            expect(page.get_by_test_id("status")).to_have_text("ready")
            page.screenshot(path=ARTIFACTS / "01-streamed-answer.png")

            # 2. a tool call that needs approval: asked, approved, run, answered
            send("please delete notes.txt")
            tool = page.get_by_test_id("tool-delete_file").first
            expect(tool).to_have_attribute("data-state", "approval-requested")
            expect(tool).to_contain_text('{"path":"notes.txt"}')
            page.screenshot(path=ARTIFACTS / "02-approval-requested.png")
            tool.get_by_role("button", name="Approve").click()
            expect(tool).to_have_attribute("data-state", "output-available")
            expect(tool.get_by_test_id("tool-output")).to_have_text('"deleted notes.txt"')
            expect(assistant.last.get_by_test_id("text").last).to_have_text("Done: the file is deleted.")
            page.screenshot(path=ARTIFACTS / "03-tool-approved.png")

            # ... and one that is denied: the model hears the reason, the tool never runs
            send("please delete secrets.txt")
            denied = page.get_by_test_id("tool-delete_file").last
            expect(denied).to_have_attribute("data-state", "approval-requested")
            denied.get_by_role("button", name="Deny").click()
            expect(denied).to_have_attribute("data-state", "output-denied")
            expect(assistant.last.get_by_test_id("text").last).to_have_text(
                "I did not delete it, as you asked."
            )
            page.screenshot(path=ARTIFACTS / "03b-tool-denied.png")

            # 3. stop a long stream midway
            send("tell me something long")
            long_text = assistant.last.get_by_test_id("text")
            expect(long_text).to_contain_text("word5 ")
            page.get_by_role("button", name="Stop").click()
            expect(page.get_by_test_id("status")).to_have_text("ready")
            stopped = long_text.inner_text()
            assert "word299" not in stopped
            page.screenshot(path=ARTIFACTS / "04-stopped-midway.png")

            # 4. regenerate the stopped answer (it replaces the partial one), then stop again
            messages_before = assistant.count()
            page.get_by_role("button", name="Regenerate").click()
            expect(page.get_by_test_id("status")).to_have_text("streaming")
            expect(assistant.last.get_by_test_id("text")).to_contain_text("word3 ")
            assert assistant.count() == messages_before
            page.screenshot(path=ARTIFACTS / "05-regenerating.png")
            page.get_by_role("button", name="Stop").click()
            expect(page.get_by_test_id("status")).to_have_text("ready")

            # 5. reload the page: a fresh chat that works
            page.reload()
            expect(page.locator(".message")).to_have_count(0)
            send("hello again")
            expect(assistant.last.get_by_test_id("text")).to_have_text("Hello from modelpipe!")
            page.screenshot(path=ARTIFACTS / "06-after-reload.png")
            assert errors == []
        finally:
            browser.close()
