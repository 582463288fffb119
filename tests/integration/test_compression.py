"""Responses travel compressed to browsers that accept it, and unchanged to those that don't."""

from __future__ import annotations

import gzip

import brotli


def test_pages_are_sent_gzip_or_brotli_and_decompress_to_the_same_html(client, course):
    plain = client.get("/modules", headers={"Accept-Encoding": ""})
    assert plain.headers.get("Content-Encoding") is None
    html = plain.get_data()

    zipped = client.get("/modules", headers={"Accept-Encoding": "gzip, deflate"})
    assert zipped.headers["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in zipped.headers["Vary"]
    assert gzip.decompress(zipped.get_data()) == html
    assert len(zipped.get_data()) < len(html) / 2

    squeezed = client.get("/modules", headers={"Accept-Encoding": "gzip, deflate, br"})
    assert squeezed.headers["Content-Encoding"] == "br"
    assert brotli.decompress(squeezed.get_data()) == html


def test_the_stylesheet_is_compressed(client):
    response = client.get("/static/css/escales.css", headers={"Accept-Encoding": "gzip, br"})
    assert response.status_code == 200
    assert response.headers["Content-Encoding"] == "br"
    css = brotli.decompress(response.get_data())
    assert b".site-header" in css


def test_api_json_is_compressed(client):
    response = client.get("/api/v1/openapi.json", headers={"Accept-Encoding": "gzip"})
    assert response.headers["Content-Encoding"] == "gzip"
    assert gzip.decompress(response.get_data()).startswith(b"{")


def test_a_static_file_revalidated_by_the_browser_is_a_bare_304(client):
    first = client.get("/static/favicon.svg")
    assert first.status_code == 200 and first.get_data()
    again = client.get("/static/favicon.svg", headers={"If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304
    assert again.get_data() == b""  # and the file it would have sent is closed, not leaked
