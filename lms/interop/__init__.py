"""Interoperability: GIFT/Aiken quiz import, 1EdTech CASE framework exchange, xAPI statements.

`init_app(app)` wires what needs the application: the interop pages (API reference,
statement downloads), the xAPI outbox listener (statements are written in the same
transaction as the learning event), and the API document's description.
"""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    """Register the blueprint, the outbox listener and the API description."""
    from lms.extensions import api_spec
    from lms.interop import xapi_outbox
    from lms.interop.apidocs import api_description
    from lms.interop.views import bp

    app.register_blueprint(bp)
    xapi_outbox.register()
    api_spec.config.description = api_description(
        str(app.config["API_RATE_LIMIT"]), str(app.config["LOGIN_RATE_LIMIT"])
    )
