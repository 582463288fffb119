"""Compressed responses: pages, CSS, JavaScript and JSON go out with brotli or gzip.

Flask-Compress does the work (settings COMPRESS_* in config.py). Static files are
served as file streams, which it would compress chunk by chunk without ever closing
the file; they are small (the stylesheet is ~36 KB), so they are read into memory
first and compressed whole, like a page.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import cast

from flask import Flask, Response, request

from lms.extensions import compress


def init_app(app: Flask) -> None:
    """Compress responses; buffer static files so they are compressed whole."""
    compress.init_app(app)

    # Registered after Flask-Compress, so it runs before it (after_request runs in reverse).
    @app.after_request
    def buffer_static_files(response: Response) -> Response:
        if request.endpoint == "static" and response.is_streamed:
            stream = response.response
            try:
                # A 304 keeps the file it will not send: close it unread.
                body = (
                    b""
                    if response.status_code == 304
                    else b"".join(cast(Iterable[bytes], stream))  # send_file streams bytes
                )
            finally:
                getattr(stream, "close", lambda: None)()
            response.direct_passthrough = False
            response.set_data(body)
        return response
