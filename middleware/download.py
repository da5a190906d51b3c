"""The download stage as a middleware: downloads attachments inside a chain, with a custom function.

Every call already downloads what its model cannot fetch (see :mod:`pipeline.download`); this
middleware is for a chain that wants another download function, or its downloads below a cache.
"""

from __future__ import annotations

from pipeline.chain import Middleware, TransformContext
from pipeline.download import DownloadFunction, download_attachments
from pipeline.params import CallParams

__all__ = ["DownloadMiddleware"]


class DownloadMiddleware(Middleware):
    """Runs :func:`~pipeline.download.download_attachments` with the inner model's ``supported_urls``.

    ``download`` replaces the default :class:`~pipeline.download.SafeDownloader` (add authentication,
    retries, throttling or caching there).
    """

    def __init__(self, download: DownloadFunction | None = None) -> None:
        self.download = download

    async def transform_params(self, ctx: TransformContext) -> CallParams:
        return await download_attachments(ctx.params, ctx.model.supported_urls, download=self.download)
