"""The API reference page and the OpenAPI document's rules (pagination, rate limits)."""

from __future__ import annotations

import re

from lms.interop.apidocs import unpaginated_lists


def test_reference_page_lists_every_operation_without_any_script(client):
    spec = client.get("/api/v1/openapi.json").json
    page = client.get("/api/docs")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    for path, operations in spec["paths"].items():
        for method in operations:
            assert f"{method.upper()}</span> <code>{path}</code>" in html, (method, path)
    assert "<script" not in html
    assert not re.search(r"(src|href)=\"https?://", html)  # nothing loaded from elsewhere
    assert "300 per minute" in html  # the rate limit, from the configuration


def test_every_list_endpoint_is_paginated_with_limit_and_cursor(client):
    assert unpaginated_lists(client.get("/api/v1/openapi.json").json) == []


def test_the_document_describes_authentication_pagination_and_rate_limits(client):
    description = client.get("/api/v1/openapi.json").json["info"]["description"]
    for words in ("Bearer", "cursor", "next_cursor", "Rate limits", "429"):
        assert words in description
