"""Typed errors, named after the AI SDK's (``AI_InvalidPromptError`` becomes ``InvalidPromptError``).

Every error the library raises on purpose derives from :class:`ModelPipeError`. Errors that stem from a
model call (HTTP failures, retries, bad responses) derive from :class:`ModelCallError`, so callers can
catch "the call failed" with one ``except``.

Errors are scrubbed when they are made: the message, and an :class:`APICallError`'s URL, headers and
bodies, lose registered secrets and anything shaped like a credential (``pipeline.redact``). A key
that a server echoes back in a 401 body or a stream error event never reaches the caller's ``str``,
``repr`` or traceback, whether or not a logging or tracing middleware is in the chain.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from .redact import redact_headers, redact_text, redact_url, scrub_text, scrub_value

__all__ = [
    "APICallError",
    "CacheMissError",
    "DownloadBlockedError",
    "DownloadError",
    "DownloadTimeoutError",
    "DownloadTooLargeError",
    "IncompleteStreamError",
    "InvalidArgumentError",
    "InvalidDataContentError",
    "InvalidMessageRoleError",
    "InvalidPromptError",
    "InvalidResponseDataError",
    "InvalidResponseError",
    "InvalidToolInputError",
    "MissingToolResultsError",
    "ModelCallError",
    "ModelPipeError",
    "ModelStreamError",
    "NoContentGeneratedError",
    "NoObjectGeneratedError",
    "NoSuchModelError",
    "NoSuchProviderError",
    "NoSuchProviderReferenceError",
    "NoSuchToolError",
    "ProviderImportError",
    "ResponseTooLargeError",
    "RetryError",
    "StreamProtocolError",
    "TooManyEmbeddingValuesForCallError",
    "UnsupportedFunctionalityError",
    "is_retryable_status",
]


class ModelPipeError(Exception):
    """Base class of every error this library raises on purpose."""

    def __init__(self, message: str) -> None:
        message = redact_text(message)
        super().__init__(message)
        self.message = message

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.message!r})"


class InvalidPromptError(ModelPipeError):
    """The prompt (``system`` / ``prompt`` / ``messages``) is malformed.

    ``path`` names the bad element, e.g. ``messages[2].content[0]``.
    """

    def __init__(self, message: str, *, path: str | None = None) -> None:
        self.path = path
        located = f"{path}: {message}" if path else message
        super().__init__(f"Invalid prompt: {located}")
        self.reason = message


class InvalidMessageRoleError(InvalidPromptError):
    """A message has a role other than system, user, assistant or tool."""

    def __init__(self, role: object, *, path: str | None = None) -> None:
        self.role = role
        super().__init__(
            f"message role {role!r} is not supported; use 'system', 'user', 'assistant' or 'tool'",
            path=path,
        )


class InvalidDataContentError(InvalidPromptError):
    """Image or file data is not in any accepted form (bytes, base64, data URL, http(s) URL)."""

    def __init__(self, message: str, *, path: str | None = None) -> None:
        super().__init__(message, path=path)


class MissingToolResultsError(InvalidPromptError):
    """A client tool call has no tool result before the next user message (or the end)."""

    def __init__(self, tool_call_ids: Sequence[str], *, path: str | None = None) -> None:
        self.tool_call_ids = list(tool_call_ids)
        if len(self.tool_call_ids) == 1:
            text = f"Tool result is missing for tool call {self.tool_call_ids[0]}."
        else:
            text = f"Tool results are missing for tool calls {', '.join(self.tool_call_ids)}."
        super().__init__(text, path=path)


class InvalidArgumentError(ModelPipeError):
    """A call setting has an invalid value (``temperature must be a number``)."""

    def __init__(self, argument: str, message: str) -> None:
        self.argument = argument
        super().__init__(f"Invalid argument for {argument!r}: {message}")


class UnsupportedFunctionalityError(ModelPipeError):
    """The provider cannot express this part of the request (e.g. audio by URL for OpenAI)."""

    def __init__(self, functionality: str, message: str | None = None) -> None:
        self.functionality = functionality
        super().__init__(message or f"'{functionality}' functionality not supported.")


class NoSuchProviderError(ModelPipeError):
    """A model string names a provider that is not registered."""

    def __init__(self, provider_id: str, available: Sequence[str]) -> None:
        self.provider_id = provider_id
        self.available = sorted(available)
        super().__init__(
            f"No such provider: {provider_id!r}. Registered providers: {', '.join(self.available) or 'none'}."
        )


class ProviderImportError(ModelPipeError):
    """A model string names a provider whose module cannot be imported (a missing dependency, a
    broken install). ``module`` is what failed to import; the ``ImportError`` is the ``__cause__``."""

    def __init__(self, provider_id: str, module: str, cause: ImportError) -> None:
        self.provider_id = provider_id
        self.module = module
        super().__init__(
            f"Provider {provider_id!r} could not be loaded: importing {module!r} failed: {cause}"
        )


class NoSuchModelError(ModelPipeError):
    """A model string is malformed or names a model the provider does not know."""

    def __init__(self, model_id: str, message: str) -> None:
        self.model_id = model_id
        super().__init__(message)


class NoSuchProviderReferenceError(ModelPipeError):
    """A file's provider reference has no file id for the provider the call goes to."""

    def __init__(self, provider: str, available: Sequence[str]) -> None:
        self.provider = provider
        self.available = list(available)
        super().__init__(
            f"No provider reference found for provider {provider!r}. "
            f"Available providers: {', '.join(self.available) or 'none'}"
        )


class NoSuchToolError(ModelPipeError):
    """The model called a tool that the call did not define."""

    def __init__(self, tool_name: str, available: Sequence[str]) -> None:
        self.tool_name = tool_name
        self.available = list(available)
        super().__init__(
            f"Model tried to call unavailable tool {tool_name!r}. Available tools: "
            f"{', '.join(self.available) or 'none'}."
        )


class InvalidToolInputError(ModelPipeError):
    """The model's input for a tool is not valid JSON or does not match the tool's schema."""

    def __init__(self, tool_name: str, tool_input: str, cause: BaseException | str) -> None:
        self.tool_name = tool_name
        self.tool_input = tool_input
        self.cause = cause
        super().__init__(f"Invalid input for tool {tool_name!r}: {cause}")


class ModelCallError(ModelPipeError):
    """Base class of the errors that end a model call (after any retries)."""


class APICallError(ModelCallError):
    """An HTTP call to a provider failed: connection error, timeout, a non-2xx status, or a 2xx
    answer that cannot be used as one (:class:`InvalidResponseError`, :class:`ResponseTooLargeError`,
    :class:`StreamProtocolError`, :class:`IncompleteStreamError`).

    Every failure of the exchange is one of these so that it carries ``url`` and ``is_retryable``, and
    the retry loop decides the same way for each. A readable answer of the wrong shape is not a failed
    call: that is :class:`InvalidResponseDataError`.

    ``is_retryable`` follows the 408/409/429/5xx rule unless the server said otherwise
    (``x-should-retry``); ``retry_after`` is the server's requested delay in seconds, if any.
    ``url`` has no user info or query; ``response_headers`` have their credential values replaced;
    ``request_body``, ``response_body`` and ``data`` are kept whole apart from secrets.
    """

    def __init__(
        self,
        message: str,
        *,
        url: str,
        request_body: Any = None,
        status_code: int | None = None,
        response_headers: Mapping[str, str] | None = None,
        response_body: str | None = None,
        is_retryable: bool | None = None,
        retry_after: float | None = None,
        data: Any = None,
    ) -> None:
        super().__init__(message)
        self.url = redact_url(url) if url else url
        self.request_body = scrub_value(request_body)
        self.status_code = status_code
        self.response_headers = redact_headers(response_headers) if response_headers is not None else None
        self.response_body = scrub_text(response_body) if response_body is not None else None
        self.is_retryable = is_retryable if is_retryable is not None else is_retryable_status(status_code)
        self.retry_after = retry_after
        self.data = scrub_value(data)

    def __repr__(self) -> str:
        return f"APICallError({self.message!r}, status_code={self.status_code}, url={self.url!r})"


def is_retryable_status(status_code: int | None) -> bool:
    """The AI SDK's rule: 408, 409, 429 and every 5xx are worth retrying."""
    if status_code is None:
        return False
    return status_code in (408, 409, 429) or status_code >= 500


class RetryError(ModelCallError):
    """Every attempt failed. ``errors`` holds each attempt's error, ``last_error`` the final one."""

    def __init__(self, message: str, *, reason: str, errors: Sequence[BaseException]) -> None:
        super().__init__(message)
        self.reason = reason
        self.errors = list(errors)
        self.last_error = self.errors[-1] if self.errors else None


class ModelStreamError(ModelCallError):
    """The model stream reported an error that is not an exception, e.g. a provider's error event.

    ``error`` is the value as reported; ``error_type`` the provider's error type or code when it
    named one (``"overloaded_error"``). The message is the provider's own message when there is one.
    """

    def __init__(self, error: object) -> None:
        self.error = error
        details = _error_details(error)
        self.error_type = details.get("type") or details.get("code")
        message = details.get("message") or (error if isinstance(error, str) and error else None)
        if message and self.error_type:
            described = f"{message} ({self.error_type})"
        else:
            described = message or self.error_type or repr(error)
        super().__init__(f"The model stream reported an error: {described}")


def _error_details(error: object) -> dict[str, str]:
    """The string ``message`` / ``type`` / ``code`` of an error payload, inside an ``{"error": ...}``
    envelope or not (``{}`` for anything else)."""
    if not isinstance(error, Mapping):
        return {}
    inner = error.get("error")
    fields = inner if isinstance(inner, Mapping) else error
    return {
        name: str(value)
        for name in ("message", "type", "code")
        if (value := fields.get(name)) is not None and value != ""
    }


class IncompleteStreamError(APICallError):
    """A stream ended (or was cut) before the provider signalled its end.

    Retryable like any dropped connection: ``stream_text`` retries it only while no content has been
    handed out, and never after.
    """

    def __init__(self, message: str, *, url: str | None = None) -> None:
        super().__init__(message, url=url or "", is_retryable=True)


class InvalidResponseDataError(ModelCallError):
    """The provider answered 2xx with data that does not match its documented shape."""

    def __init__(self, message: str, *, data: Any = None) -> None:
        super().__init__(message)
        self.data = data


class NoContentGeneratedError(ModelCallError):
    """The provider returned no content at all."""


class NoObjectGeneratedError(ModelCallError):
    """``generate_object`` could not produce a valid object; ``text`` holds the model's raw answer."""

    def __init__(
        self,
        message: str = "No object generated: the model did not return a response.",
        *,
        text: str | None = None,
        cause: BaseException | None = None,
        finish_reason: str | None = None,
    ) -> None:
        super().__init__(message)
        self.text = text
        self.cause = cause
        self.finish_reason = finish_reason


class DownloadError(ModelCallError):
    """An attachment could not be downloaded. ``url`` never includes the query string."""

    def __init__(
        self,
        url: str,
        *,
        status_code: int | None = None,
        status_text: str | None = None,
        cause: BaseException | str | None = None,
        message: str | None = None,
    ) -> None:
        self.url = url
        self.status_code = status_code
        self.status_text = status_text
        self.cause = cause
        if message is None:
            if status_code is not None:
                message = f"Failed to download {url}: {status_code} {status_text or ''}".rstrip()
            else:
                message = f"Failed to download {url}: {cause}"
        super().__init__(message)


class DownloadBlockedError(DownloadError):
    """The download target is not allowed (private network, metadata address, bad scheme, ...)."""

    def __init__(self, url: str, rule: str) -> None:
        self.rule = rule
        super().__init__(url, cause=rule, message=f"Download of {url} blocked: {rule}")


class CacheMissError(ModelCallError):
    """The cache is in replay-only mode and has no recorded answer for this call."""

    def __init__(self, key: str) -> None:
        self.key = key
        super().__init__(f"No recorded answer for cache key {key} (cache is in replay-only mode)")


class InvalidResponseError(APICallError):
    """A 2xx answer is not in the expected format (invalid JSON, HTML instead of an event stream).

    ``content_type`` is the server's ``Content-Type``; ``response_body`` holds at most the first bytes.
    """

    def __init__(self, message: str, *, url: str, content_type: str | None = None, **details: Any) -> None:
        details.setdefault("is_retryable", False)
        super().__init__(message, url=url, **details)
        self.content_type = content_type


class ResponseTooLargeError(APICallError):
    """The response body is larger than the configured cap (see ``StreamProtocolError`` for SSE events)."""

    def __init__(self, message: str, *, url: str, max_bytes: int, **details: Any) -> None:
        details.setdefault("is_retryable", False)
        super().__init__(message, url=url, **details)
        self.max_bytes = max_bytes


class StreamProtocolError(APICallError):
    """A server-sent event stream broke the protocol or a limit (e.g. one event larger than the cap).

    Like :class:`ResponseTooLargeError` for a whole body: an unusable answer, not retryable unless the
    raiser says so (the same stream would break the same way), unlike a dropped connection.
    """

    def __init__(
        self, message: str, *, max_bytes: int | None = None, url: str | None = None, **details: Any
    ) -> None:
        details.setdefault("is_retryable", False)
        super().__init__(message, url=url or "", **details)
        self.max_bytes = max_bytes


class DownloadTooLargeError(DownloadError):
    """An attachment is larger than the per-file limit, or the call's downloads exceed the per-call one."""

    def __init__(self, url: str, *, max_bytes: int, message: str) -> None:
        self.max_bytes = max_bytes
        super().__init__(url, cause=message, message=message)


class DownloadTimeoutError(DownloadError):
    """An attachment download took longer than its connect, read or total time limit."""

    def __init__(self, url: str, *, timeout: float | None, cause: BaseException | str) -> None:
        self.timeout = timeout
        limit = f" (limit {timeout:g} s)" if timeout is not None else ""
        super().__init__(url, cause=cause, message=f"Download of {url} timed out{limit}: {cause}")


class TooManyEmbeddingValuesForCallError(ModelPipeError):
    """More values were given to one ``do_embed`` call than the model takes (``embed_many`` batches them)."""

    def __init__(self, *, provider: str, model_id: str, max_embeddings_per_call: int, values: int) -> None:
        super().__init__(
            f"Too many values for a single embedding call. The {provider} model {model_id!r} can only embed "
            f"up to {max_embeddings_per_call} values per call, but {values} values were provided."
        )
        self.provider = provider
        self.model_id = model_id
        self.max_embeddings_per_call = max_embeddings_per_call
        self.values = values
