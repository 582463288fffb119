"""In-memory rate-limit counters without a thread per request.

limits' MemoryStorage (the default when no Redis is configured) starts a
`threading.Timer` to sweep expired counters whenever its previous timer has
finished: at a hundred requests a second per worker, that is a new thread for
about every other rate-limited request (seen with strace under the quiz
benchmark). Expired counters are already dropped when they are read, so the
sweep only frees memory: here it runs inline, at most once a second.

Used through ``RATELIMIT_STORAGE_URI = "escales-memory://"`` (config.py). It
relies on two private methods of limits' MemoryStorage, so limits is pinned in
requirements.txt and tests/unit/test_rate_limit_storage.py checks the behaviour.
"""

from __future__ import annotations

import time
from typing import Any

from limits.storage import MemoryStorage


class SweptMemoryStorage(MemoryStorage):
    """limits' MemoryStorage with its expired counters swept inline, not by a timer thread."""

    STORAGE_SCHEME = ["escales-memory"]
    #: Seconds between two sweeps of the expired counters.
    SWEEP_EVERY = 1.0

    def __init__(self, uri: str | None = None, wrap_exceptions: bool = False, **options: Any):
        super().__init__(uri, wrap_exceptions=wrap_exceptions, **options)
        self.timer.cancel()  # the one started by MemoryStorage.__init__
        self._next_sweep = 0.0

    # Overrides MemoryStorage's private __schedule_expiry (name-mangled), called by every hit.
    def _MemoryStorage__schedule_expiry(self) -> None:
        now = time.time()
        if now >= self._next_sweep:
            self._next_sweep = now + self.SWEEP_EVERY
            self._MemoryStorage__expire_events()  # type: ignore[attr-defined]
