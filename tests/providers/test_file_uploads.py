"""upload_file against loopback servers speaking each provider's Files API."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from email.parser import BytesParser
from email.policy import HTTP
from pathlib import Path

import pytest

from pipeline.errors import APICallError, InvalidArgumentError
from pipeline.files import upload_file
from pipeline.prompt import ProviderReference
from providers.anthropic import AnthropicProvider
from providers.google import GoogleProvider
from providers.openai import OpenAIProvider
from providers.testing import JsonReply, LoopbackServer, RecordedRequest

PDF = b"%PDF-1.7\n" + b"x" * 64


@pytest.fixture
def server() -> Iterator[LoopbackServer]:
    with LoopbackServer() as running:
        yield running


def _form(request: RecordedRequest) -> dict[str, tuple[str | None, str | None, bytes]]:
    """The multipart fields: name -> (filename, content type, bytes)."""
    head = f"content-type: {request.headers['content-type']}\r\n\r\n".encode()
    message = BytesParser(policy=HTTP).parsebytes(head + request.body)
    return {
        part.get_param("name", header="content-disposition"): (
            part.get_filename(),
            part.get_content_type() if part.get("content-type") else None,
            part.get_payload(decode=True),
        )
        for part in message.iter_parts()
    }


async def test_openai_uploads_a_multipart_file_with_its_purpose(server: LoopbackServer) -> None:
    server.enqueue(
        JsonReply(
            {
                "id": "file-abc123",
                "object": "file",
                "bytes": len(PDF),
                "filename": "r.pdf",
                "purpose": "user_data",
            }
        )
    )
    provider = OpenAIProvider(base_url=f"{server.base_url}/v1", api_key="sk-test-0123456789")

    result = await upload_file(
        provider,
        PDF,
        filename="r.pdf",
        provider_options={"openai": {"purpose": "user_data", "expiresAfter": 3600}},
    )

    request = server.requests[0]
    assert request.path == "/v1/files"
    assert request.headers["authorization"] == "Bearer sk-test-0123456789"
    form = _form(request)
    assert form["purpose"][2] == b"user_data"
    assert form["expires_after[seconds]"][2] == b"3600"
    assert form["file"] == ("r.pdf", "application/pdf", PDF)
    assert result.provider_reference == ProviderReference(reference={"openai": "file-abc123"})
    assert result.media_type == "application/pdf"  # sniffed
    assert result.provider_metadata == {
        "openai": {"filename": "r.pdf", "purpose": "user_data", "bytes": len(PDF)}
    }


async def test_anthropic_uploads_with_the_files_beta_from_a_path(
    server: LoopbackServer, tmp_path: Path
) -> None:
    path = tmp_path / "notes.txt"
    path.write_text("plain notes")
    server.enqueue(
        JsonReply({"id": "file_011", "type": "file", "filename": "notes.txt", "mime_type": "text/plain"})
    )

    result = await upload_file(
        AnthropicProvider(base_url=f"{server.base_url}/v1", api_key="sk-ant-test-012345"), path
    )

    request = server.requests[0]
    assert request.path == "/v1/files"
    assert request.headers["anthropic-beta"] == "files-api-2025-04-14"
    assert request.headers["x-api-key"] == "sk-ant-test-012345"
    assert _form(request)["file"] == ("notes.txt", "text/plain", b"plain notes")
    assert result.provider_reference.reference == {"anthropic": "file_011"}
    assert result.filename == "notes.txt"


async def test_google_uploads_resumably_and_waits_while_processing(server: LoopbackServer) -> None:
    session = f"{server.base_url}/upload/v1beta/files?upload_id=u1"
    file = {"name": "files/abc", "uri": f"{server.base_url}/v1beta/files/abc", "mimeType": "application/pdf"}
    server.enqueue(
        JsonReply({}, headers={"x-goog-upload-url": session}),
        JsonReply({"file": {**file, "state": "PROCESSING"}}),
        JsonReply({**file, "state": "ACTIVE"}),
    )
    provider = GoogleProvider(base_url=f"{server.base_url}/v1beta", api_key="g-key-0123456789")

    result = await upload_file(
        provider,
        PDF,
        filename="r.pdf",
        provider_options={"google": {"displayName": "Report", "pollInterval": 0.01}},
    )

    start, send, poll = server.requests
    assert start.path == "/upload/v1beta/files"
    assert start.headers["x-goog-upload-protocol"] == "resumable"
    assert start.headers["x-goog-upload-header-content-length"] == str(len(PDF))
    assert start.headers["x-goog-upload-header-content-type"] == "application/pdf"
    assert json.loads(start.body) == {"file": {"display_name": "Report"}}
    assert send.query == "upload_id=u1" and send.body == PDF
    assert send.headers["x-goog-upload-command"] == "upload, finalize"
    assert poll.method == "GET" and poll.path == "/v1beta/files/abc"
    assert result.provider_reference.reference == {"google": file["uri"]}
    assert [w.feature for w in result.warnings] == ["filename"]  # Gemini keeps no file names


async def test_a_failed_upload_is_a_typed_error(server: LoopbackServer) -> None:
    server.enqueue(
        JsonReply({"error": {"message": "File too large", "type": "invalid_request_error"}}, status=413)
    )

    with pytest.raises(APICallError, match="File too large") as raised:
        await upload_file(OpenAIProvider(base_url=f"{server.base_url}/v1", api_key="sk-test-0123456789"), PDF)
    assert raised.value.status_code == 413
    assert re.fullmatch(r"<\d+ bytes of multipart/form-data>", raised.value.request_body)  # never the bytes


async def test_bad_arguments_are_refused_before_any_io() -> None:
    with pytest.raises(InvalidArgumentError, match="base64"):
        await upload_file(OpenAIProvider(api_key="sk-test-0123456789"), "not base64!")
    with pytest.raises(InvalidArgumentError, match="no file store"):
        await upload_file(object(), PDF)  # type: ignore[arg-type]


def test_references_from_several_uploads_merge() -> None:
    merged = ProviderReference(reference={"openai": "file-1"}) | ProviderReference(reference={"google": "u"})
    assert merged.reference == {"openai": "file-1", "google": "u"}
