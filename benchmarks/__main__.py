"""``python -m benchmarks``: run the benchmarks (see :mod:`benchmarks.run`)."""

from benchmarks.run import main

__all__: list[str] = []

main()
