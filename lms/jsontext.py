"""JSON text for the busiest writes, made by orjson.

A quiz submission serialises some fifty small values (each answer's response and
feedback, the parts of its xAPI statements, the profile's aggregates) while the learner
waits; the standard library's encoder costs about ten times orjson's for such values.
The text is compact (no spaces) and otherwise what `json.dumps` writes: the same values
read back, keys that are numbers written as strings. Texts that are compared or hashed as
text (the questions' snapshots, the learner summary's packed cells) keep `json.dumps`.
"""

from __future__ import annotations

from typing import Any

import orjson

_OPTIONS = orjson.OPT_NON_STR_KEYS


def dumps(value: Any) -> str:
    """The JSON text of `value` (plain JSON types, as `json.dumps` takes them)."""
    return orjson.dumps(value, option=_OPTIONS).decode()
