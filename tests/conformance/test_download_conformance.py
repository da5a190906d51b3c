"""The AI SDK's `download` conformance cases, restated against download_attachments and SafeDownloader.

HTTP is stubbed with ``httpx.MockTransport`` behind the real SafeDownloader: every name resolves to a
public test address, so the transport sees requests pinned to an IP address and reconstructs the URL
the case names from the ``Host`` header.
"""

from __future__ import annotations

import ipaddress
import json
import re
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from pipeline.download import DownloadedFile, DownloadRequest, download_attachments, is_url_supported
from pipeline.download._limited_read import ByteBudget, read_limited
from pipeline.download.safe_download import SafeDownloader
from pipeline.errors import DownloadError
from pipeline.generate import prepare_call
from pipeline.prompt import Message

CASES = json.loads((Path(__file__).parent / "download.json").read_text())["cases"]
PUBLIC_ADDRESS = "93.184.216.34"

DIVERGENCES = {
    "redirects: cross-origin hop keeps only user-agent": (
        "the default downloader never sends Authorization or Cookie, even to the first origin; "
        "authenticated downloads go through a custom download function"
    ),
    "redirects: same-origin hop keeps caller headers": (
        "the default downloader never sends Authorization or Cookie, even to the first origin; "
        "authenticated downloads go through a custom download function"
    ),
}


def decode(value: Any) -> Any:
    """Case values in Python terms: ``$bytes`` -> bytes, ``$url`` -> httpx.URL, ``$regex`` -> pattern."""
    if isinstance(value, dict):
        if "$bytes" in value:
            return bytes.fromhex(value["$bytes"])
        if "$url" in value:
            return httpx.URL(value["$url"])
        if "$regex" in value:
            return re.compile(value["$regex"])
        return {key: decode(item) for key, item in value.items()}
    if isinstance(value, list):
        return [decode(item) for item in value]
    return value


def as_media_item(item: dict[str, Any]) -> dict[str, Any]:
    """AI SDK 7 tool-result ``file`` items (tagged data) are ``media`` items in our prompt vocabulary."""
    if item.get("type") != "file":
        return item
    data = item["data"]
    return {"type": "media", "mediaType": item["mediaType"], "data": data.get("url", data.get("data"))}


def adapt_messages(messages: list[dict[str, Any]]) -> list[dict[str, Any]]:
    for message in messages:
        for part in message["content"] if isinstance(message["content"], list) else []:
            output = part.get("output") if isinstance(part, dict) else None
            if output and output.get("type") == "content":
                output["value"] = [as_media_item(item) for item in output["value"]]
    return messages


def sdk_data(data: bytes | str | httpx.URL) -> dict[str, Any]:
    if isinstance(data, bytes):
        return {"type": "data", "data": {"$bytes": data.hex()}}
    return {"type": "url", "url": {"$url": str(data)}}


def sdk_view(message: Message) -> dict[str, Any]:
    """A normalized message in the AI SDK's provider-prompt shape, ``None`` fields left out."""
    view = message.model_dump(mode="python", exclude_none=True)
    content = view["content"]
    for index, part in enumerate(content if isinstance(content, list) else []):
        original: Any = message.content[index]
        if part["type"] == "file":
            part["data"] = sdk_data(original.data)
        output = part.get("output")
        if output and output["type"] == "content":
            for item, source in zip(output["value"], original.output.value, strict=True):
                if item["type"] == "media":
                    item.update(type="file", data=sdk_data(source.data))
    return view


class Recorder:
    """A MockTransport handler answering scripted responses in order (or per URL) and recording requests."""

    def __init__(self, sequence: list[dict[str, Any]] | None = None, by_url: dict[str, Any] | None = None):
        self.sequence = list(sequence or [])
        self.by_url = by_url or {}
        self.urls: list[str] = []
        self.headers: list[httpx.Headers] = []
        self.streams: list[TrackedStream] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        ipaddress.ip_address(request.url.host)  # pinned: the connection target is an address, never a name
        url = f"{request.url.scheme}://{request.headers['host']}{request.url.raw_path.decode()}"
        self.urls.append(url)
        self.headers.append(request.headers)
        if url in self.by_url:
            file = self.by_url[url]
            spec = {"status": 200, "headers": {"content-type": file["mediaType"]}, "body": file["data"]}
        else:
            spec = self.sequence.pop(0)
        stream = TrackedStream(decode(spec.get("body")) or b"")
        self.streams.append(stream)
        return httpx.Response(spec["status"], headers=spec.get("headers", {}), stream=stream)


class TrackedStream(httpx.AsyncByteStream):
    def __init__(self, body: bytes) -> None:
        self.body = body
        self.closed = False

    async def __aiter__(self) -> AsyncIterator[bytes]:
        yield self.body

    async def aclose(self) -> None:
        self.closed = True


def stubbed_downloader(recorder: Recorder, headers: dict[str, str] | None = None) -> SafeDownloader:
    return SafeDownloader(
        resolver=lambda host: [PUBLIC_ADDRESS], transport=httpx.MockTransport(recorder), headers=headers
    )


def error_class(name: str) -> type[Exception]:
    return {"DownloadError": DownloadError}[name]


async def run_convert(case: dict[str, Any]) -> None:
    spec, expect = case["input"], case["expect"]
    params = prepare_call(messages=adapt_messages(decode(spec["messages"])))
    supported = decode(spec["supportedUrls"])
    calls: list[list[DownloadRequest]] = []
    recorder = Recorder(by_url=spec["downloader"].get("responses", {}))
    if spec["downloader"]["kind"] == "custom":

        async def custom(requests: list[DownloadRequest]) -> list[DownloadedFile | None]:
            calls.append(requests)
            return [
                None if r is None else DownloadedFile(decode(r["data"]), r["mediaType"])
                for r in spec["downloader"]["returns"]
            ]

        result = await download_attachments(params, supported, download=custom)
    else:
        result = await download_attachments(params, supported, download=stubbed_downloader(recorder))
    assert [sdk_view(message) for message in result.prompt] == decode_prompt(expect["prompt"])
    if "downloaded" in expect:
        assert recorder.urls == expect["downloaded"]
    if "download_calls" in expect:
        assert [
            [{"url": str(r.url), "isUrlSupportedByModel": r.is_url_supported_by_model} for r in call]
            for call in calls
        ] == expect["download_calls"]


def decode_prompt(prompt: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Expected messages with ``null`` fields left out (a missing key equals None)."""
    cleaned: list[dict[str, Any]] = json.loads(
        json.dumps(prompt), object_hook=lambda d: {k: v for k, v in d.items() if v is not None}
    )
    return cleaned


async def run_fetch(case: dict[str, Any]) -> None:
    spec, expect = case["input"], case["expect"]
    recorder = Recorder(sequence=spec.get("responses", []))
    downloader = stubbed_downloader(recorder, spec.get("headers"))
    request = DownloadRequest(httpx.URL(spec["url"]), False)
    if "error" in expect:
        with pytest.raises(error_class(expect["error"])) as raised:
            await downloader([request])
        error = raised.value
        assert isinstance(error, DownloadError)
        if "statusCode" in expect:
            assert (error.status_code, error.status_text) == (expect["statusCode"], expect.get("statusText"))
        if "message_contains" in expect:
            assert expect["message_contains"] in str(error)
    else:
        [downloaded] = await downloader([request])
        assert downloaded is not None
        if "data" in expect:
            assert downloaded.data == decode(expect["data"])
        if "mediaType" in expect:
            assert downloaded.media_type == expect["mediaType"]
    if "requests" in expect:
        assert recorder.urls == expect["requests"]
    if expect.get("body_cancelled"):
        assert recorder.streams and all(stream.closed for stream in recorder.streams)
    for sent, wanted in zip(recorder.headers, expect.get("sent_headers", []), strict=False):
        assert {name: sent.get(name) for name in wanted} == wanted
    for sent, unwanted in zip(recorder.headers, expect.get("absent_headers", []), strict=False):
        assert not [name for name in unwanted if name in sent]


async def run_validate(case: dict[str, Any]) -> None:
    spec, expect = case["input"], case["expect"]
    recorder = Recorder(sequence=[{"status": 200}])
    request = DownloadRequest(httpx.URL(spec["url"]), False)
    if expect["allowed"]:
        await stubbed_downloader(recorder)([request])
        assert len(recorder.urls) == 1
    else:
        with pytest.raises(error_class(expect["error"])):
            await stubbed_downloader(recorder)([request])
        assert recorder.urls == []


async def run_read_with_limit(case: dict[str, Any]) -> None:
    spec, expect = case["input"], case["expect"]
    headers = {"content-length": spec["contentLength"]} if "contentLength" in spec else {}
    response = httpx.Response(200, headers=headers, stream=TrackedStream(decode(spec["body"]) or b""))
    budget = ByteBudget(2**40)
    read = read_limited(response, url="https://example.com/x", max_bytes=spec["maxBytes"], budget=budget)
    if "error" in expect:
        with pytest.raises(error_class(expect["error"]), match=re.escape(expect["message_contains"])):
            await read
    else:
        assert await read == decode(expect["data"])


def run_is_url_supported(case: dict[str, Any]) -> None:
    spec = case["input"]
    supported = is_url_supported(spec["url"], spec["mediaType"], decode(spec["supportedUrls"]))
    assert supported is case["expect"]["supported"]


RUNNERS = {
    "convert": run_convert,
    "download_fetch": run_fetch,
    "fetch_redirects": run_fetch,
    "validate_download_url": run_validate,
    "read_with_limit": run_read_with_limit,
}


def marked(case: dict[str, Any]) -> Any:
    reason = DIVERGENCES.get(case["name"])
    marks = [pytest.mark.xfail(reason=reason, strict=True)] if reason else []
    return pytest.param(case, id=f"download:{case['name']}", marks=marks)


@pytest.mark.parametrize("case", [marked(case) for case in CASES])
async def test_download_case(case: dict[str, Any]) -> None:
    kind = case["input"]["kind"]
    if kind == "is_url_supported":
        run_is_url_supported(case)
    else:
        await RUNNERS[kind](case)


def test_every_case_kind_has_a_runner() -> None:
    assert {case["input"]["kind"] for case in CASES} <= {*RUNNERS, "is_url_supported"}
    assert len(CASES) == 75
