"""Loopback benchmarks of modelpipe against a raw-httpx floor and peer libraries (not shipped)."""

__all__: list[str] = []
