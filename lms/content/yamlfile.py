"""Line-aware YAML: parse a document into plain values and remember where each key and item is.

Validation messages must point at a line, so the parser keeps the line of every mapping key and
every sequence item, addressed by its path from the document root (``("questions", 2, "type")``).
The data itself is plain ``dict`` / ``list`` / scalars, as ``yaml.safe_load`` would return, with
one difference: only ``true`` / ``false`` (any case) are booleans, as in YAML 1.2. French text
such as ``on`` or ``off`` stays a string.
"""

from __future__ import annotations

import re
from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import yaml

PathItem = str | int
YamlPath = tuple[PathItem, ...]

_BOOL_PATTERN = re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$")


class _Loader(yaml.SafeLoader):
    """SafeLoader whose booleans are only true/false (YAML 1.2), not yes/no/on/off."""


# Copy the resolver table so the change stays local to this loader.
_Loader.yaml_implicit_resolvers = {
    first: [
        (tag, _BOOL_PATTERN if tag == "tag:yaml.org,2002:bool" else pattern)
        for tag, pattern in resolvers
        if not (tag == "tag:yaml.org,2002:bool" and first in "yYnNoO")
    ]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


class YamlSyntaxError(Exception):
    """The text is not valid YAML; ``line`` is 1-based in the file that was read."""

    def __init__(self, line: int, message: str) -> None:
        super().__init__(f"{line}: {message}")
        self.line = line
        self.message = message


@dataclass(frozen=True)
class YamlDocument:
    """A parsed YAML document: plain data plus the line of every key and item."""

    data: Any
    lines: Mapping[YamlPath, int] = field(default_factory=dict)
    duplicate_keys: tuple[tuple[int, str], ...] = ()

    def line_of(self, path: Sequence[PathItem] = ()) -> int:
        """Return the line of the deepest existing key or item on ``path`` (the document's first
        line when none of it exists)."""
        path = tuple(path)
        for end in range(len(path), -1, -1):
            line = self.lines.get(path[:end])
            if line is not None:
                return line
        return 1


def load_yaml(text: str, *, first_line: int = 1) -> YamlDocument:
    """Parse ``text`` (one YAML document) and record lines; ``first_line`` is the file line of the
    text's first line (front matter starts after its ``---``).

    Raises ``YamlSyntaxError`` with the line of the error.
    """
    offset = first_line - 1
    loader = _Loader(text)
    try:
        node = loader.get_single_node()
        data = loader.construct_document(node) if node is not None else None
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line = (mark.line + 1 if mark is not None else 1) + offset
        message = error.problem or error.context or "invalid YAML"
        raise YamlSyntaxError(line, f"invalid YAML: {message}") from error
    except yaml.YAMLError as error:  # pragma: no cover - scanner errors are all marked
        raise YamlSyntaxError(first_line, f"invalid YAML: {error}") from error
    finally:
        loader.dispose()
    lines: dict[YamlPath, int] = {}
    duplicates: list[tuple[int, str]] = []
    if node is not None:
        lines[()] = node.start_mark.line + 1 + offset
        _collect_lines(node, (), lines, duplicates, offset)
    return YamlDocument(data=data, lines=lines, duplicate_keys=tuple(duplicates))


def _collect_lines(
    node: yaml.Node,
    path: YamlPath,
    lines: dict[YamlPath, int],
    duplicates: list[tuple[int, str]],
    offset: int,
) -> None:
    """Walk the composed node tree beside the constructed data, recording key and item lines."""
    if isinstance(node, yaml.MappingNode):
        seen: set[Hashable] = set()
        for key_node, value_node in node.value:
            if not isinstance(key_node, yaml.ScalarNode):
                continue
            key = _scalar_key(key_node)
            line = key_node.start_mark.line + 1 + offset
            if key in seen:
                duplicates.append((line, str(key)))
                continue
            seen.add(key)
            if isinstance(key, str | int):
                child: YamlPath = (*path, key)
                lines[child] = line
                _collect_lines(value_node, child, lines, duplicates, offset)
    elif isinstance(node, yaml.SequenceNode):
        for index, item_node in enumerate(node.value):
            child = (*path, index)
            lines[child] = item_node.start_mark.line + 1 + offset
            _collect_lines(item_node, child, lines, duplicates, offset)


def _scalar_key(node: yaml.ScalarNode) -> Hashable:
    """Construct a mapping key the same way the loader did (``1`` is an int, ``a`` a string)."""
    loader = _Loader("")
    try:
        value = loader.construct_object(node, deep=True)
    finally:
        loader.dispose()
    return value if isinstance(value, Hashable) else str(value)
