"""Analyses run off the event loop, bounded: health checks answer during a long analysis, and load
beyond the queue gets 503 with Retry-After instead of piling up until the process falls over."""

from collections.abc import Callable
from typing import TypeVar

import anyio
import anyio.to_thread

from api.errors import ApiError

T = TypeVar("T")


class AnalysisRunner:
    def __init__(self, max_concurrent: int, max_waiting: int, timeout: float, retry_after: int) -> None:
        self._limiter = anyio.CapacityLimiter(max_concurrent)
        self._capacity = max_concurrent + max_waiting
        self._admitted = 0
        self._timeout = timeout
        self._retry_after = retry_after

    async def run(self, fn: Callable[[], T]) -> T:
        """Run fn in a worker thread, or refuse at once when the queue is full."""
        if self._admitted >= self._capacity:
            raise ApiError(503, "overloaded", f"The service is analysing {self._admitted} transcripts; "
                           f"retry in {self._retry_after} s.", headers={"Retry-After": str(self._retry_after)})
        self._admitted += 1
        try:
            with anyio.fail_after(self._timeout):
                return await anyio.to_thread.run_sync(fn, limiter=self._limiter, abandon_on_cancel=True)
        except TimeoutError:
            raise ApiError(503, "timeout", f"The analysis took longer than {self._timeout:.0f} s under the current "
                           "load; retry later.", headers={"Retry-After": str(self._retry_after)}) from None
        finally:
            self._admitted -= 1
