"""The API reference built from an OpenAPI document; the pagination rule check."""

from __future__ import annotations

from lms.interop.apidocs import api_description, api_reference, unpaginated_lists

SPEC = {
    "openapi": "3.1.0",
    "info": {"title": "T", "version": "1"},
    "paths": {
        "/api/v1/things": {
            "get": {
                "tags": ["things"],
                "summary": "List things.",
                "security": [{"bearer": []}],
                "parameters": [
                    {"name": "limit", "in": "query", "schema": {"type": "integer", "default": 50}},
                    {
                        "name": "cursor",
                        "in": "query",
                        "schema": {"anyOf": [{"type": "string"}, {"type": "null"}]},
                    },
                ],
                "responses": {
                    "200": {
                        "description": "OK",
                        "content": {
                            "application/json": {
                                "schema": {"$ref": "#/components/schemas/Page.abcdef1"}
                            }
                        },
                    },
                    "401": {
                        "description": "Unauthorized",
                        "content": {
                            "application/json": {
                                "schema": {"$ref": "#/components/schemas/Error.abcdef1"}
                            }
                        },
                    },
                },
            }
        },
        "/api/v1/all": {
            "get": {
                "tags": ["things"],
                "summary": "Everything at once.",
                "responses": {
                    "200": {
                        "description": "OK",
                        "content": {
                            "application/json": {
                                "schema": {"type": "array", "items": {"type": "string"}}
                            }
                        },
                    }
                },
            }
        },
    },
    "components": {
        "schemas": {
            "Page.abcdef1": {
                "type": "object",
                "required": ["items", "next_cursor"],
                "properties": {
                    "items": {
                        "type": "array",
                        "items": {"$ref": "#/components/schemas/Thing.abcdef1"},
                    },
                    "next_cursor": {
                        "anyOf": [{"type": "string"}, {"type": "null"}],
                        "description": "Next page.",
                    },
                },
            },
            "Thing.abcdef1": {
                "type": "object",
                "required": ["code"],
                "properties": {
                    "code": {"type": "string", "examples": ["MSE-01"], "description": "The code."}
                },
            },
            "Error.abcdef1": {"type": "object", "properties": {"error": {"type": "object"}}},
        }
    },
}


def test_operations_are_grouped_with_fields_and_examples():
    (tag,) = api_reference(SPEC)
    assert tag.name == "things"
    listing = next(op for op in tag.operations if op.path == "/api/v1/things")
    assert (listing.method, listing.public, listing.anchor) == ("GET", False, "get-api-v1-things")
    assert [p.name for p in listing.parameters] == ["limit (query)", "cursor (query)"]
    ok = listing.responses[0]
    assert ok.status == "200"
    assert [(f.name, f.type, f.required) for f in ok.fields] == [
        ("items", "array of Thing", True),
        ("items[].code", "string", True),
        ("next_cursor", "string | null", True),
    ]
    assert '"code": "MSE-01"' in ok.example


def test_lists_without_limit_and_cursor_are_reported():
    assert unpaginated_lists(SPEC) == ["GET /api/v1/all"]


def test_the_description_states_the_rate_limits():
    text = api_description("300 per minute", "10 per minute")
    assert "300 per minute" in text and "10 per minute" in text and "429" in text
