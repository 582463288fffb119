"""The API reference page, built from the OpenAPI document (pure functions, no request).

`api_reference(spec)` turns the document into plain data for the template: operations
grouped by tag, each with its parameters, request body fields, responses and an example
JSON body built from the schemas' examples. `unpaginated_lists(spec)` lists the GET
operations that answer a list without `limit` and `cursor` (the API's rule).
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

_MAX_DEPTH = 6
_METHODS = ("get", "post", "put", "patch", "delete")


@dataclass(frozen=True)
class FieldDoc:
    """One field of a schema: dotted path, type, whether required, description."""

    name: str
    type: str
    required: bool
    description: str


@dataclass(frozen=True)
class ResponseDoc:
    """One response: status, description, fields and an example body."""

    status: str
    description: str
    fields: list[FieldDoc]
    example: str


@dataclass(frozen=True)
class OperationDoc:
    """One operation (method + path)."""

    anchor: str
    method: str
    path: str
    summary: str
    description: str
    public: bool
    parameters: list[FieldDoc]
    body: list[FieldDoc]
    body_example: str
    responses: list[ResponseDoc]


@dataclass(frozen=True)
class TagDoc:
    """The operations of one tag (area), in path order."""

    name: str
    operations: list[OperationDoc] = field(default_factory=list)


def api_description(api_rate_limit: str, login_rate_limit: str) -> str:
    """The OpenAPI `info.description`: authentication, errors, pagination and rate limits."""
    return (
        "Escales JSON API. Authenticate with `Authorization: Bearer <token>` (get a token "
        "from POST /api/v1/auth/token or the account page). Errors share one shape: "
        '`{"error": {"code", "message", "fields"}}`. Lists are paginated: `limit` and '
        '`cursor` query parameters, answers `{"items": [...], "next_cursor": ...}` '
        f"(null on the last page). Rate limits: {api_rate_limit} per client address on every "
        f"API route, {login_rate_limit} on POST /auth/token; answers carry X-RateLimit-Limit, "
        "X-RateLimit-Remaining and X-RateLimit-Reset headers, and 429 when a limit is reached "
        "(with Retry-After)."
    )


class _Resolver:
    def __init__(self, spec: Mapping[str, Any]) -> None:
        self.schemas = spec.get("components", {}).get("schemas", {})

    def resolve(self, schema: Any) -> dict[str, Any]:
        """Follow `$ref`s to the schema they name."""
        seen = 0
        while isinstance(schema, Mapping) and "$ref" in schema and seen < 20:
            name = str(schema["$ref"]).rsplit("/", 1)[-1]
            schema = self.schemas.get(name, {})
            seen += 1
        return dict(schema) if isinstance(schema, Mapping) else {}

    def type_name(self, schema: Any) -> str:
        """A short type: `string`, `integer | null`, `array of Item`, `object`."""
        if isinstance(schema, Mapping) and "$ref" in schema:
            return re.sub(r"\.[0-9a-f]{7}", "", str(schema["$ref"]).rsplit("/", 1)[-1]).split(".")[
                -1
            ]
        schema = self.resolve(schema)
        for key in ("anyOf", "oneOf"):
            if key in schema:
                return " | ".join(self.type_name(option) for option in schema[key])
        kind = schema.get("type", "any")
        if isinstance(kind, list):
            return " | ".join(str(k) for k in kind)
        if kind == "array":
            return f"array of {self.type_name(schema.get('items', {}))}"
        if "format" in schema:
            return f"{kind} ({schema['format']})"
        if "enum" in schema:
            return f"{kind}: " + ", ".join(str(v) for v in schema["enum"])
        return str(kind)

    def fields(self, schema: Any, prefix: str = "", depth: int = 0) -> list[FieldDoc]:
        """The fields of an object schema, nested objects and arrays flattened as a.b[].c."""
        schema = self.resolve(schema)
        if depth > _MAX_DEPTH:
            return []
        if schema.get("type") == "array":
            return self.fields(schema.get("items", {}), f"{prefix}[]", depth + 1)
        required = set(schema.get("required", ()))
        out: list[FieldDoc] = []
        for name, child in schema.get("properties", {}).items():
            path = f"{prefix}.{name}" if prefix else name
            resolved = self.resolve(child)
            out.append(
                FieldDoc(
                    path,
                    self.type_name(child),
                    name in required,
                    str(resolved.get("description", child.get("description", ""))),
                )
            )
            nested = self._object_of(child)
            if nested is not None:
                out += self.fields(
                    nested, path + ("[]" if self._is_array(child) else ""), depth + 1
                )
        return out

    def _is_array(self, schema: Any) -> bool:
        return self.resolve(schema).get("type") == "array"

    def _object_of(self, schema: Any) -> Any:
        """The object schema inside a property (directly, in an array, or in anyOf)."""
        resolved = self.resolve(schema)
        if resolved.get("type") == "array":
            resolved = self.resolve(resolved.get("items", {}))
        for option in resolved.get("anyOf", ()):
            candidate = self.resolve(option)
            if candidate.get("properties"):
                return candidate
        return resolved if resolved.get("properties") else None

    def example(self, schema: Any, depth: int = 0) -> Any:
        """An example value: the schema's own examples, else one built from its fields."""
        raw = schema if isinstance(schema, Mapping) else {}
        resolved = self.resolve(schema)
        for source in (raw, resolved):
            if source.get("examples"):
                return source["examples"][0]
            if "example" in source:
                return source["example"]
            if "default" in source and source["default"] is not None:
                return source["default"]
        if depth > _MAX_DEPTH:
            return None
        for key in ("anyOf", "oneOf"):
            options = [o for o in resolved.get(key, ()) if self.resolve(o).get("type") != "null"]
            if options:
                return self.example(options[0], depth + 1)
        kind = resolved.get("type")
        if kind == "object" or "properties" in resolved:
            return {
                name: self.example(child, depth + 1)
                for name, child in resolved.get("properties", {}).items()
            }
        if kind == "array":
            return [self.example(resolved.get("items", {}), depth + 1)]
        return {
            "string": "…",
            "integer": 1,
            "number": 0.5,
            "boolean": True,
            "null": None,
        }.get(str(kind))


def _json_schema(content: Any) -> Any:
    if not isinstance(content, Mapping):
        return None
    media = content.get("application/json")
    return media.get("schema") if isinstance(media, Mapping) else None


def api_reference(spec: Mapping[str, Any]) -> list[TagDoc]:
    """The operations of the document, grouped by their first tag, in path order."""
    resolver = _Resolver(spec)
    tags: dict[str, TagDoc] = {}
    for path, operations in sorted(spec.get("paths", {}).items()):
        for method in _METHODS:
            operation = operations.get(method)
            if not isinstance(operation, Mapping):
                continue
            tag = (operation.get("tags") or ["api"])[0]
            tags.setdefault(tag, TagDoc(tag)).operations.append(
                _operation(resolver, method, path, operation)
            )
    return [tags[name] for name in sorted(tags)]


def _operation(
    resolver: _Resolver, method: str, path: str, operation: Mapping[str, Any]
) -> OperationDoc:
    parameters = [
        FieldDoc(
            f"{parameter.get('name')} ({parameter.get('in')})",
            resolver.type_name(parameter.get("schema", {})),
            bool(parameter.get("required")),
            str(
                parameter.get("description")
                or resolver.resolve(parameter.get("schema", {})).get("description", "")
            ),
        )
        for parameter in operation.get("parameters", ())
    ]
    body_schema = _json_schema(operation.get("requestBody", {}).get("content"))
    responses = [
        ResponseDoc(
            status=str(status),
            description=str(response.get("description", "")),
            fields=resolver.fields(_json_schema(response.get("content"))) if status < "300" else [],
            example=_dump(resolver.example(_json_schema(response.get("content")))),
        )
        for status, response in sorted(operation.get("responses", {}).items())
    ]
    return OperationDoc(
        anchor=f"{method}-{re.sub(r'[^a-z0-9]+', '-', path.lower()).strip('-')}",
        method=method.upper(),
        path=path,
        summary=str(operation.get("summary", "")),
        description=str(operation.get("description", "")),
        public=not operation.get("security"),
        parameters=parameters,
        body=resolver.fields(body_schema) if body_schema else [],
        body_example=_dump(resolver.example(body_schema)) if body_schema else "",
        responses=responses,
    )


def _dump(value: Any) -> str:
    return "" if value is None else json.dumps(value, ensure_ascii=False, indent=2)


def unpaginated_lists(spec: Mapping[str, Any]) -> list[str]:
    """GET operations answering a list without `limit` and `cursor` parameters."""
    resolver = _Resolver(spec)
    found = []
    for path, operations in sorted(spec.get("paths", {}).items()):
        operation = operations.get("get")
        if not isinstance(operation, Mapping):
            continue
        schema = resolver.resolve(
            _json_schema(operation.get("responses", {}).get("200", {}).get("content"))
        )
        is_list = schema.get("type") == "array" or "items" in schema.get("properties", {})
        names = {parameter.get("name") for parameter in operation.get("parameters", ())}
        if is_list and not {"limit", "cursor"} <= names:
            found.append(f"GET {path}")
    return found
