"""Delivery rules that need no LRS: backoff, headers, addresses."""

from __future__ import annotations

from datetime import timedelta

from lms.interop.xapi_sender import Lrs, backoff


def test_backoff_doubles_and_is_capped():
    assert [backoff(n).total_seconds() for n in (1, 2, 3)] == [30, 60, 120]
    assert backoff(50) == backoff(10_000) == timedelta(hours=1)


def test_headers_carry_the_xapi_version_and_basic_credentials():
    headers = Lrs("https://lrs.example/xapi/", "lrs", "secret").headers()
    assert headers["X-Experience-API-Version"] == "1.0.3"
    assert headers["Authorization"] == "Basic bHJzOnNlY3JldA=="
    assert "Authorization" not in Lrs("https://lrs.example/xapi").headers()


def test_statement_addresses():
    lrs = Lrs("https://lrs.example/xapi/")
    assert lrs.statements_url() == "https://lrs.example/xapi/statements"
    assert lrs.statements_url("a b") == "https://lrs.example/xapi/statements?statementId=a%20b"
