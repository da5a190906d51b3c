"""The attachment and prompt-caching examples run offline, print what they promise and send the right wire.

Each example runs once as a script (no API keys in the environment) and once in process, where the
loopback servers it returns show the requests the provider terminal actually sent.
"""

from __future__ import annotations

import base64
import importlib.util
import os
import re
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import httpx
import pytest

from pipeline import generate_text, stream_text
from pipeline.download import DownloadedFile, DownloadRequest
from pipeline.errors import DownloadBlockedError, DownloadError
from providers.openai import OpenAIProvider
from providers.testing import LoopbackServer, RawReply

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
KEY_VARIABLES = (
    "OPENAI_API_KEY",
    "OPENAI_BASE_URL",
    "ANTHROPIC_API_KEY",
    "ANTHROPIC_BASE_URL",
    "GOOGLE_GENERATIVE_AI_API_KEY",
)
LOOPBACK = r"http://127\.0\.0\.1:\d+"
PDF = b"%PDF-1.4\n%%EOF\n"


def load_example(name: str) -> ModuleType:
    spec = importlib.util.spec_from_file_location(f"example_{name}", EXAMPLES / f"{name}.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def run_script(name: str) -> list[str]:
    env = {key: value for key, value in os.environ.items() if key not in KEY_VARIABLES}
    completed = subprocess.run(
        [sys.executable, str(EXAMPLES / f"{name}.py")],
        capture_output=True,
        text=True,
        timeout=60,
        env=env,
        check=False,
    )
    assert completed.returncode == 0, completed.stderr
    assert completed.stderr == ""
    return completed.stdout.splitlines()


@pytest.fixture
def offline(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in KEY_VARIABLES:
        monkeypatch.delenv(name, raising=False)


def data_url(media_type: str, data: bytes) -> str:
    return f"data:{media_type};base64,{base64.b64encode(data).decode()}"


# -- image_prompt.py -------------------------------------------------------------------------------------


def test_image_prompt_script_prints_both_answers() -> None:
    lines = run_script("image_prompt")
    assert re.fullmatch(
        rf"\(offline, no OPENAI_API_KEY: {LOOPBACK} answers as OpenAI, {LOOPBACK} has the image\)", lines[0]
    )
    assert lines[1:] == [
        "image by URL:   A comic-style cat with big eyes, drawn in bold black outlines.",
        "image by bytes: The same cartoon cat, sitting and looking straight at the viewer.",
    ]


@pytest.mark.usefixtures("offline")
async def test_image_url_passes_through_to_openai_and_bytes_are_inlined_as_base64() -> None:
    example = load_example("image_prompt")
    api = await example.main()
    assert isinstance(api, LoopbackServer)
    by_url, by_bytes = (request.json() for request in api.requests)
    url_block = by_url["messages"][0]["content"][1]
    assert url_block["type"] == "image_url"
    assert re.fullmatch(rf"{LOOPBACK}/comic-cat\.png", url_block["image_url"]["url"])
    assert by_bytes["messages"][0]["content"] == [
        {"type": "text", "text": "Describe the image in detail."},
        {"type": "image_url", "image_url": {"url": data_url("image/png", example.OFFLINE_IMAGE)}},
    ]


# -- file_prompt.py --------------------------------------------------------------------------------------


def test_file_prompt_script_streams_the_answer_and_says_why_private_networks_are_allowed() -> None:
    lines = run_script("file_prompt")
    assert re.fullmatch(
        rf"\(offline, no OPENAI_API_KEY: {LOOPBACK} answers as OpenAI, {LOOPBACK} serves the PDF; "
        r"downloads allow private networks here only because that server is on 127\.0\.0\.1\)",
        lines[0],
    )
    assert lines[1:] == ["An embedding model turns text into a vector of numbers that captures its meaning."]


@pytest.mark.usefixtures("offline")
async def test_the_pdf_url_is_downloaded_and_inlined_for_openai() -> None:
    example = load_example("file_prompt")
    api = await example.main()
    assert isinstance(api, LoopbackServer)
    [request] = api.requests
    body = request.json()
    assert body["stream"] is True
    assert body["messages"] == [
        {
            "role": "user",
            "content": [
                {"type": "text", "text": "What is an embedding model according to this document?"},
                {
                    "type": "file",
                    "file": {
                        "filename": "part-1.pdf",
                        "file_data": data_url("application/pdf", example.OFFLINE_PDF),
                    },
                },
            ],
        }
    ]


async def test_without_the_private_network_option_the_loopback_pdf_is_refused_before_any_call() -> None:
    with LoopbackServer() as files, LoopbackServer() as api:
        files.route("/ai.pdf", RawReply(body=PDF, headers={"content-type": "application/pdf"}))
        model = OpenAIProvider(base_url=f"{api.base_url}/v1", api_key="loopback").chat("gpt-4.1-mini")
        file_part = {"type": "file", "data": files.url("/ai.pdf?sig=secret"), "mediaType": "application/pdf"}
        result = stream_text(model, messages=[{"role": "user", "content": [file_part]}])
        with pytest.raises(DownloadBlockedError) as caught:
            async with result:
                _ = [chunk async for chunk in result.text_stream]
    assert "secret" not in str(caught.value)
    assert files.connections_opened == 0
    assert api.requests == []


# -- custom_download.py ----------------------------------------------------------------------------------


def test_custom_download_script_answers_twice_with_one_download() -> None:
    lines = run_script("custom_download")
    assert re.fullmatch(
        rf"\(the intranet is a loopback server at {LOOPBACK}; only it receives the token\)", lines[0]
    )
    assert re.fullmatch(rf"\(offline, no OPENAI_API_KEY: {LOOPBACK} answers as OpenAI\)", lines[1])
    assert lines[2:] == [
        "How many days of leave do I get? -> The handbook grants 30 days of leave per year.",
        "What is this document? -> It is the employee handbook, and it sets the yearly leave at 30 days.",
        "document downloads: 1 for 2 calls (the second came from the cache)",
    ]


@pytest.mark.usefixtures("offline")
async def test_the_intranet_pdf_is_fetched_once_with_the_token_and_inlined_in_both_calls() -> None:
    example = load_example("custom_download")
    download, intranet, api = await example.main()
    assert download.fetches == 1
    [fetch] = intranet.requests
    assert (fetch.method, fetch.path) == ("GET", "/docs/handbook.pdf")
    assert fetch.headers["authorization"] == f"Bearer {example.TOKEN}"
    assert len(api.requests) == 2
    for request in api.requests:
        assert request.headers["authorization"] == "Bearer loopback"
        file_block = request.json()["messages"][0]["content"][1]
        assert file_block["file"]["file_data"] == data_url("application/pdf", example.HANDBOOK)


class RecordingFallback:
    """Stands in for the default downloader: records what it is asked and answers fixed bytes."""

    def __init__(self) -> None:
        self.seen: list[DownloadRequest] = []

    async def __call__(self, requests: list[DownloadRequest]) -> list[DownloadedFile | None]:
        self.seen.extend(requests)
        return [
            None if r.is_url_supported_by_model else DownloadedFile(b"public", "text/plain") for r in requests
        ]


async def test_only_the_intranet_origin_gets_the_token_and_other_urls_go_to_the_fallback() -> None:
    example = load_example("custom_download")
    with LoopbackServer() as intranet:
        intranet.route("/docs/", example.handbook)
        fallback = RecordingFallback()
        download = example.IntranetDownload(intranet.base_url, example.TOKEN, fallback)
        requests = [
            DownloadRequest(httpx.URL("https://example.com/image.png"), True),
            DownloadRequest(httpx.URL(intranet.url("/docs/handbook.pdf")), True),
            DownloadRequest(httpx.URL("https://example.com/notes.txt"), False),
        ]
        results = await download(requests)
    assert results == [
        None,
        DownloadedFile(example.HANDBOOK, "application/pdf"),
        DownloadedFile(b"public", "text/plain"),
    ]
    assert [(str(r.url), r.is_url_supported_by_model) for r in fallback.seen] == [
        ("https://example.com/image.png", True),
        (intranet.url("/docs/handbook.pdf"), True),
        ("https://example.com/notes.txt", False),
    ]
    assert [request.path for request in intranet.requests] == ["/docs/handbook.pdf"]


async def test_a_refused_intranet_download_is_a_download_error_without_the_query() -> None:
    example = load_example("custom_download")
    with LoopbackServer() as intranet, LoopbackServer() as api:
        intranet.route("/docs/", example.handbook)
        model = OpenAIProvider(base_url=f"{api.base_url}/v1", api_key="loopback").chat("gpt-4.1-mini")
        download = example.IntranetDownload(intranet.base_url, "wrong-token", RecordingFallback())
        secret_url = intranet.url("/docs/a.pdf?sig=secret")
        file_part = {"type": "file", "data": secret_url, "mediaType": "application/pdf"}
        with pytest.raises(DownloadError) as caught:
            await generate_text(model, messages=[{"role": "user", "content": [file_part]}], download=download)
    assert caught.value.status_code == 401
    assert caught.value.url == intranet.url("/docs/a.pdf")
    assert api.requests == []


# -- dynamic_prompt_caching.py ---------------------------------------------------------------------------


def test_dynamic_prompt_caching_script_shows_a_cache_write_then_a_read() -> None:
    lines = run_script("dynamic_prompt_caching")
    assert re.fullmatch(rf"\(offline, no ANTHROPIC_API_KEY: {LOOPBACK} answers as Anthropic\)", lines[0])
    assert lines[1:] == [
        "My lamp blinks 3 times. What do I do? -> Hold the button for 5 seconds.",
        "  cached tokens: 2410 written, 0 read",
        "And if it blinks 7 times? -> Hold the button for 9 seconds.",
        "  cached tokens: 23 written, 2410 read",
    ]


@pytest.mark.usefixtures("offline")
async def test_cache_control_marks_the_system_block_and_only_the_last_user_message() -> None:
    example = load_example("dynamic_prompt_caching")
    api = await example.main()
    assert isinstance(api, LoopbackServer)
    first, second = (request.json() for request in api.requests)
    ephemeral = {"type": "ephemeral"}
    first_question, second_question = example.QUESTIONS
    for body in (first, second):
        assert body["system"] == [{"type": "text", "text": example.SYSTEM, "cache_control": ephemeral}]
    assert first["messages"] == [
        {"role": "user", "content": [{"type": "text", "text": first_question, "cache_control": ephemeral}]}
    ]
    assert second["messages"] == [
        {"role": "user", "content": [{"type": "text", "text": first_question}]},
        {"role": "assistant", "content": [{"type": "text", "text": "Hold the button for 5 seconds."}]},
        {"role": "user", "content": [{"type": "text", "text": second_question, "cache_control": ephemeral}]},
    ]
