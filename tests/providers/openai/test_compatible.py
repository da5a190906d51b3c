import base64
import re
from collections.abc import Iterator

import pytest

from pipeline import generate_text
from pipeline.download import DownloadedFile, DownloadRequest, is_url_supported
from pipeline.errors import DownloadBlockedError, InvalidArgumentError
from pipeline.params import CallParams
from pipeline.registry import resolve_model
from pipeline.stream import FinishPart
from providers import compatible
from providers.compatible import (
    COMPATIBLE_ENDPOINTS,
    HOSTED_IMAGE_URLS,
    OpenAICompatibleProvider,
    compatible_provider,
)
from providers.openai import IMAGE_URLS, ChatEndpoint, OpenAIProvider
from providers.testing import LoopbackServer
from providers.testing.openai import stream_chunks, stream_reply, text_reply

PARAMS = CallParams.model_validate(
    {"prompt": [{"role": "user", "content": [{"type": "text", "text": "Hi"}]}]}
)

EXPECTED = {
    "ollama": ("http://localhost:11434/v1", "OLLAMA_BASE_URL", None),
    "vllm": ("http://localhost:8000/v1", "VLLM_BASE_URL", None),
    "llamacpp": ("http://localhost:8080/v1", "LLAMACPP_BASE_URL", None),
    "lmstudio": ("http://localhost:1234/v1", "LMSTUDIO_BASE_URL", None),
    "groq": ("https://api.groq.com/openai/v1", None, "GROQ_API_KEY"),
    "together": ("https://api.together.xyz/v1", None, "TOGETHER_API_KEY"),
    "deepseek": ("https://api.deepseek.com/v1", None, "DEEPSEEK_API_KEY"),
    "xai": ("https://api.x.ai/v1", None, "XAI_API_KEY"),
}


@pytest.fixture
def server() -> Iterator[LoopbackServer]:
    with LoopbackServer() as running:
        running.default_reply = text_reply("local")
        yield running


def test_every_built_in_server_has_its_base_url_and_variables() -> None:
    assert {
        name: (endpoint.default_base_url, endpoint.base_url_env, endpoint.api_key_env)
        for name, endpoint in COMPATIBLE_ENDPOINTS.items()
    } == EXPECTED


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_models_are_named_after_the_server(name: str) -> None:
    model = compatible_provider(name)("some-model")
    assert (model.provider, model.model_id) == (f"{name}.chat", "some-model")
    assert model.base_url == EXPECTED[name][0]


async def test_local_server_takes_no_key_and_reads_its_base_url_from_the_environment(
    server: LoopbackServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("OLLAMA_BASE_URL", server.url("/v1"))
    result = await compatible_provider("ollama")("llama3.2").do_generate(PARAMS)
    assert result.text == "local"
    assert "authorization" not in server.requests[0].headers
    assert result.provider_metadata == {"ollama": {}}


async def test_hosted_server_needs_its_key(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("GROQ_API_KEY", raising=False)
    with pytest.raises(InvalidArgumentError, match="GROQ_API_KEY"):
        await compatible_provider("groq")("llama-3.3-70b").do_generate(PARAMS)


async def test_hosted_server_key_comes_from_the_environment(
    server: LoopbackServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DEEPSEEK_API_KEY", "sk-deep")
    model = compatible_provider("deepseek", base_url=server.url("/v1"))("deepseek-chat")
    await model.do_generate(PARAMS)
    assert server.requests[0].headers["authorization"] == "Bearer sk-deep"


async def test_any_other_server_with_optional_key_and_own_options(server: LoopbackServer) -> None:
    provider = OpenAICompatibleProvider(
        "acme", server.url("/v1"), api_key="acme-key", headers={"X-Acme": "1"}
    )
    model = provider.chat("acme-large")
    params = PARAMS.model_copy(update={"provider_options": {"openai": {"user": "a"}, "acme": {"user": "b"}}})
    server.enqueue(stream_reply(stream_chunks(["x"])))
    result = await model.do_stream(params)
    parts = [part async for part in result.stream]
    request = server.requests[0]
    assert request.headers["authorization"] == "Bearer acme-key"
    assert request.headers["x-acme"] == "1"
    assert request.json()["user"] == "b"
    assert model.provider == "acme.chat"
    assert isinstance(parts[-1], FinishPart) and parts[-1].provider_metadata == {"acme": {}}


def test_register_makes_model_strings_resolve(monkeypatch: pytest.MonkeyPatch) -> None:
    compatible.register()
    model = resolve_model("ollama/qwen2.5:7b")
    assert (model.provider, model.model_id) == ("ollama.chat", "qwen2.5:7b")
    assert resolve_model("lmstudio/x").provider == "lmstudio.chat"


# --- attachment URLs: self-hosted servers fetch none themselves (SSRF by proxy) ---------------------

SELF_HOSTED = ["ollama", "vllm", "llamacpp", "lmstudio"]
HOSTED = ["groq", "together", "deepseek", "xai"]
PNG = b"\x89PNG\r\n\x1a\n" + bytes(16)
METADATA_IMAGE = "http://169.254.169.254/latest/meta-data/iam.png"


def _passes_image_urls(model: object) -> bool:
    return is_url_supported("https://images.example/cat.png", "image/png", model.supported_urls)  # type: ignore[attr-defined]


@pytest.mark.parametrize("name", SELF_HOSTED)
def test_self_hosted_servers_take_no_attachment_url_themselves(name: str) -> None:
    assert compatible_provider(name)("m").supported_urls == {}


@pytest.mark.parametrize("name", HOSTED)
def test_hosted_services_take_image_urls_like_openai(name: str) -> None:
    assert _passes_image_urls(compatible_provider(name, api_key="k")("m"))


def test_a_custom_server_takes_no_attachment_url_unless_it_opts_in() -> None:
    assert OpenAICompatibleProvider("acme", "http://10.0.0.5/v1").chat("m").supported_urls == {}
    opted = OpenAICompatibleProvider("acme", "http://10.0.0.5/v1", supported_urls=HOSTED_IMAGE_URLS)
    assert _passes_image_urls(opted.chat("m"))


def test_a_built_in_server_can_opt_in_or_out() -> None:
    only_pdfs = {"application/pdf": [re.compile(r"^https://docs\\.example/")]}
    ollama = compatible_provider("ollama", supported_urls=only_pdfs)("m")
    assert ollama.supported_urls == only_pdfs
    assert compatible_provider("groq", api_key="k", supported_urls={})("m").supported_urls == {}


@pytest.mark.parametrize(
    "url", [METADATA_IMAGE, "http://127.0.0.1:11434/api/tags", "http://intranet.local/a.png"]
)
async def test_a_private_image_url_never_reaches_a_self_hosted_server(
    server: LoopbackServer, url: str
) -> None:
    model = compatible_provider("ollama", base_url=server.url("/v1"))("llava")
    messages = [{"role": "user", "content": [{"type": "image", "image": url}]}]
    with pytest.raises(DownloadBlockedError):
        await generate_text(model, messages=messages)
    assert server.requests == []


async def test_a_self_hosted_server_gets_public_images_inline(server: LoopbackServer) -> None:
    seen: list[str] = []

    async def download(requests: list[DownloadRequest]) -> list[DownloadedFile | None]:
        seen.extend(str(request.url) for request in requests if not request.is_url_supported_by_model)
        return [DownloadedFile(PNG, "image/png") for _ in requests]

    model = compatible_provider("vllm", base_url=server.url("/v1"))("qwen-vl")
    messages = [{"role": "user", "content": [{"type": "image", "image": "https://images.example/cat.png"}]}]
    await generate_text(model, messages=messages, download=download)
    assert seen == ["https://images.example/cat.png"]
    [part] = server.requests[0].json()["messages"][0]["content"]
    assert part["image_url"]["url"] == "data:image/png;base64," + base64.b64encode(PNG).decode()


def test_openai_fetches_image_urls_only_at_its_own_base_url() -> None:
    """A custom base URL (a local server, a proxy) would fetch a private URL for the caller."""
    assert OpenAIProvider(api_key="sk-x").chat("gpt-4o").supported_urls == IMAGE_URLS
    elsewhere = OpenAIProvider(api_key="sk-x", base_url="http://127.0.0.1:8000/v1").chat("gpt-4o")
    assert elsewhere.supported_urls == {}
    opted_in = OpenAIProvider(base_url="http://127.0.0.1:8000/v1", supported_urls=IMAGE_URLS).chat("gpt-4o")
    assert opted_in.supported_urls == IMAGE_URLS


def test_openai_base_url_from_the_environment_counts_as_elsewhere(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OPENAI_BASE_URL", "http://10.0.0.5:8000/v1")
    assert OpenAIProvider(api_key="sk-x").chat("gpt-4o").supported_urls == {}


def test_an_endpoint_whose_default_url_ends_in_a_slash_is_at_its_default() -> None:
    endpoint = ChatEndpoint(name="slashy", default_base_url="https://api.example.com/v1/")
    assert OpenAIProvider(api_key="sk-x", endpoint=endpoint).chat("m").supported_urls == IMAGE_URLS
