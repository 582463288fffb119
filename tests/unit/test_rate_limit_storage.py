"""The in-memory rate-limit storage (lms/rate_limit_storage.py): counts, expires, and starts
no thread per request."""

from __future__ import annotations

import threading
import time

from limits import RateLimitItemPerSecond
from limits.storage import storage_from_string
from limits.strategies import FixedWindowRateLimiter

from lms.rate_limit_storage import SweptMemoryStorage


def test_the_configured_scheme_gives_this_storage():
    assert isinstance(storage_from_string("escales-memory://"), SweptMemoryStorage)


def test_it_limits_and_forgets_like_limits_own_memory_storage():
    limiter = FixedWindowRateLimiter(SweptMemoryStorage())
    two_a_second = RateLimitItemPerSecond(2)
    assert limiter.hit(two_a_second, "client")
    assert limiter.hit(two_a_second, "client")
    assert not limiter.hit(two_a_second, "client")  # third in the same second: refused
    assert limiter.hit(two_a_second, "someone else")
    time.sleep(1.05)
    assert limiter.hit(two_a_second, "client")  # a new window


def test_no_thread_is_started_per_request(monkeypatch):
    storage = SweptMemoryStorage()  # (limits' own constructor starts one, cancelled at once)
    limiter = FixedWindowRateLimiter(storage)
    started = []
    original_start = threading.Thread.start

    def counting_start(thread: threading.Thread) -> None:
        started.append(thread)
        original_start(thread)

    monkeypatch.setattr(threading.Thread, "start", counting_start)
    for number in range(200):
        limiter.hit(RateLimitItemPerSecond(1000), f"client-{number % 7}")
    assert started == []
    # limits' own storage does start timer threads (so this test can fail).
    plain = FixedWindowRateLimiter(storage_from_string("memory://"))
    for number in range(200):
        plain.hit(RateLimitItemPerSecond(1000), f"client-{number % 7}")
        time.sleep(0.0002)
    assert started


def test_expired_counters_are_swept_inline():
    storage = SweptMemoryStorage()
    storage.SWEEP_EVERY = 0.0
    storage.incr("old", expiry=0.01)
    time.sleep(0.02)
    storage.incr("new", expiry=60)  # sweeps on its way
    assert "old" not in storage.storage and "old" not in storage.expirations
    assert storage.get("new") == 1
