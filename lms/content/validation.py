"""The building blocks of content validation: problems, typed field checks and Markdown checks.

``lms.content.reader`` walks the content tree and uses these to check each file. Every check
reports into a ``FileProblems`` (one per file) and returns a usable value even when the field is
wrong (an empty text, a default number), so that one run finds all the problems of the tree.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from lms.content.yamlfile import YamlDocument, YamlPath, YamlSyntaxError, load_yaml

IMAGES_DIR = "images"
CALLOUT_TYPES = ("note", "tip", "warning", "example", "danger", "info")
LINK_SCHEMES = ("http", "https", "mailto")

SLUG = r"[a-z0-9]+(?:-[a-z0-9]+)*"
SLUG_RE = re.compile(rf"^{SLUG}$")

#: (required fields, optional fields) of a mapping.
Fields = tuple[frozenset[str], frozenset[str]]


def fields(required: Iterable[str], optional: Iterable[str] = ()) -> Fields:
    """Describe the fields a mapping may hold."""
    return frozenset(required), frozenset(optional)


@dataclass(frozen=True, order=True)
class Problem:
    """One problem in the content: the file (relative to the content root's parent), its line
    (0 when the problem is about a folder or a missing file) and what is wrong."""

    path: str
    line: int
    message: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.message}"


class ContentError(Exception):
    """The content is invalid; ``problems`` lists all of them, sorted by path then line."""

    def __init__(self, problems: Sequence[Problem]) -> None:
        self.problems = tuple(problems)
        super().__init__("\n".join(str(problem) for problem in self.problems))


class FileProblems:
    """Collects the problems of one file, placed on the lines of its YAML document if any."""

    def __init__(self, sink: list[Problem], path: str) -> None:
        self.sink = sink
        self.path = path
        self.doc: YamlDocument | None = None

    def at(self, path: YamlPath, message: str) -> None:
        """Report a problem on the deepest existing key or item of ``path``."""
        self.at_line(self.line_of(path), message)

    def at_line(self, line: int, message: str) -> None:
        """Report a problem on a given line."""
        self.sink.append(Problem(self.path, line, message))

    def line_of(self, path: YamlPath) -> int:
        """The line of ``path`` in the parsed document (0 when nothing was parsed)."""
        return self.doc.line_of(path) if self.doc is not None else 0


def read_text(path: Path, file: FileProblems) -> str | None:
    """Return the file's text (UTF-8, without BOM), or report that it is not UTF-8."""
    data = path.read_bytes()
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        file.at_line(data[: error.start].count(b"\n") + 1, "the file is not UTF-8 text")
        return None
    return text.removeprefix("\ufeff")


def parse_yaml(text: str, file: FileProblems, *, first_line: int = 1) -> Any:
    """Parse YAML text, attach the document to ``file`` and return its data; report syntax errors
    (then return None) and duplicate keys."""
    try:
        doc = load_yaml(text, first_line=first_line)
    except YamlSyntaxError as error:
        file.at_line(error.line, error.message)
        return None
    file.doc = doc
    for line, key in doc.duplicate_keys:
        file.at_line(line, f"duplicate field '{key}'")
    return doc.data


def load_yaml_file(path: Path, file: FileProblems) -> Any:
    """Read and parse a YAML file (see ``parse_yaml``)."""
    text = read_text(path, file)
    return None if text is None else parse_yaml(text, file)


# --- typed fields -------------------------------------------------------------------------------


def is_int(value: Any) -> bool:
    """True for a whole number (YAML ``true`` is a bool, not a number)."""
    return isinstance(value, int) and not isinstance(value, bool)


def is_number(value: Any) -> bool:
    """True for an int or a float, not a bool."""
    return isinstance(value, int | float) and not isinstance(value, bool)


def is_text(value: Any) -> bool:
    """True for a string that is not blank."""
    return isinstance(value, str) and bool(value.strip())


def _not_text(key: str, value: Any) -> str:
    """Why a value is not text, with a hint for the common YAML trap of an unquoted ': '."""
    if isinstance(value, dict):
        return f"'{key}' must be text: put it in quotes, it contains ': '"
    return f"'{key}' must be non-empty text"


def check_mapping(
    file: FileProblems, path: YamlPath, value: Any, spec: Fields, what: str
) -> dict[Any, Any] | None:
    """Check that ``value`` is a mapping with every required field and no unknown one."""
    required, optional = spec
    if not isinstance(value, dict):
        file.at(path, f"{what} must be a mapping of fields")
        return None
    known = sorted(required | optional)
    for key in value:
        if key not in required and key not in optional:
            file.at((*path, key), _unknown_field(key, known))
    for key in sorted(required):
        if key not in value:
            file.at(path, f"missing field '{key}'")
    return value


def _unknown_field(key: Any, known: list[str]) -> str:
    """Name an unknown field and, when it looks like a typo, the field that was meant."""
    close = difflib.get_close_matches(str(key), known, n=1, cutoff=0.75)
    return f"unknown field '{key}'" + (f" (did you mean '{close[0]}'?)" if close else "")


def text_field(file: FileProblems, mapping: dict[Any, Any], path: YamlPath, key: str) -> str:
    """Return a non-empty text field, stripped ("" when absent or invalid, after reporting)."""
    if key not in mapping:
        return ""
    value = mapping[key]
    if not is_text(value):
        file.at((*path, key), _not_text(key, value))
        return ""
    return str(value).strip()


def int_field(
    file: FileProblems,
    mapping: dict[Any, Any],
    path: YamlPath,
    key: str,
    *,
    minimum: int,
    default: int,
) -> int:
    """Return a whole number of at least ``minimum`` (``default`` when absent or invalid)."""
    if key not in mapping:
        return default
    value = mapping[key]
    if not is_int(value):
        file.at((*path, key), f"'{key}' must be a whole number")
        return default
    if value < minimum:
        file.at((*path, key), f"'{key}' must be at least {minimum}")
        return default
    return int(value)


def text_list_field(
    file: FileProblems, mapping: dict[Any, Any], path: YamlPath, key: str, *, non_empty: bool
) -> tuple[str, ...]:
    """Return a list of non-empty texts, stripped."""
    if key not in mapping:
        return ()
    value = mapping[key]
    if not isinstance(value, list) or (non_empty and not value):
        file.at((*path, key), f"'{key}' must be a {'non-empty ' if non_empty else ''}list of texts")
        return ()
    items: list[str] = []
    for index, item in enumerate(value):
        if is_text(item):
            items.append(str(item).strip())
        elif isinstance(item, dict):
            file.at(
                (*path, key, index),
                f"each item of '{key}' must be text: put it in quotes, it contains ': '",
            )
        else:
            file.at((*path, key, index), f"each item of '{key}' must be non-empty text")
    return tuple(items)


def check_code(
    file: FileProblems,
    path: YamlPath,
    code: Any,
    known: set[str] | None,
    allowed: Sequence[str] | None = None,
) -> bool:
    """Report a competency code that is not text, not in the framework (``known``; None when the
    framework could not be read) or, when ``allowed`` is given, not among the module's."""
    if not isinstance(code, str):
        file.at(path, "a competency must be a code such as MSE-01")
        return False
    if known is not None and code not in known:
        file.at(path, f"unknown competency {code}: it is not in framework.yaml")
        return False
    if allowed is not None and code not in allowed:
        file.at(path, f"competency {code} is not in the module's 'competencies'")
        return False
    return True


def codes_field(
    file: FileProblems,
    mapping: dict[Any, Any],
    path: YamlPath,
    key: str,
    known: set[str] | None,
    *,
    allowed: Sequence[str] | None = None,
) -> tuple[str, ...]:
    """Return a non-empty list of distinct, known competency codes (see ``check_code``)."""
    if key not in mapping:
        return ()
    value = mapping[key]
    if not isinstance(value, list) or not value:
        file.at((*path, key), f"'{key}' must be a non-empty list of competency codes")
        return ()
    codes: list[str] = []
    for index, code in enumerate(value):
        item_path = (*path, key, index)
        if not check_code(file, item_path, code, known, allowed):
            continue
        if code in codes:
            file.at(item_path, f"competency {code} is listed twice")
        else:
            codes.append(code)
    return tuple(codes)


# --- Markdown -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class FrontMatter:
    """A Markdown file split into its front matter and body, with their first lines."""

    front: str
    body_lines: tuple[str, ...]
    body_first_line: int


def split_front_matter(text: str, file: FileProblems) -> FrontMatter | None:
    """Split ``---``-delimited front matter from the body; report when it is missing."""
    lines = text.splitlines()
    if not lines or lines[0].rstrip() != "---":
        file.at_line(1, "missing front matter: the file must start with a '---' line")
        return None
    for end in range(1, len(lines)):
        if lines[end].rstrip() in ("---", "..."):
            return FrontMatter("\n".join(lines[1:end]), tuple(lines[end + 1 :]), end + 2)
    file.at_line(1, "the front matter is not closed by a '---' line")
    return None


_FENCE_RE = re.compile(r"^\s*(```|~~~)")
_CODE_SPAN_RE = re.compile(r"(`+)(.+?)\1")
# A link target may hold one level of balanced parentheses, as in Markdown.
_TARGET = r"\(\s*<?((?:[^()\s>]|\([^()\s]*\))*)"
_IMAGE_RE = re.compile(r"!\[[^\]]*\]" + _TARGET)
_LINK_RE = re.compile(r"(?<!!)\[[^\]]*\]" + _TARGET)
_REFERENCE_RE = re.compile(r"^\s*\[(?!\^)[^\]]+\]:\s*<?([^\s>]+)>?")
_HTML_RE = re.compile(r"<!--|</?[A-Za-z][A-Za-z0-9-]*(?:\s[^>]*)?/?>")
_H1_RE = re.compile(r"^#(?!#)\s*\S")
_CALLOUT_RE = re.compile(r"^\s*!!!\s+([^\"]+?)\s*(?:\"|$)")
_SCHEME_RE = re.compile(r"^([A-Za-z][A-Za-z0-9+.-]*):")


def check_markdown(
    lines: Iterable[str],
    *,
    first_line: int,
    sections_by_module: dict[str, tuple[str, ...]],
    images: set[str],
) -> Iterator[tuple[int, str]]:
    """Yield (line, message) for problems in a section body: links to unknown modules or
    sections or with a forbidden scheme, missing or outside images, raw HTML, level-1 headings
    and unknown callout types.

    ``sections_by_module`` maps each module slug to its section slugs; ``images`` holds the file
    names in the module's images/ folder. Code (fenced blocks, code spans) is not checked.
    """
    in_fence = False
    for number, raw in enumerate(lines, start=first_line):
        if _FENCE_RE.match(raw):
            in_fence = not in_fence
            continue
        if in_fence:
            continue
        line = _CODE_SPAN_RE.sub(lambda match: " " * len(match.group(0)), raw)
        if _H1_RE.match(line):
            yield number, "use '##' headings and below: the section title is the page title"
        callout = _CALLOUT_RE.match(line)
        if callout:
            for kind in callout.group(1).split():
                if kind not in CALLOUT_TYPES:
                    yield number, f"unknown callout type '{kind}': use {', '.join(CALLOUT_TYPES)}"
        if _HTML_RE.search(line):
            yield number, "raw HTML is not allowed (it is shown as text): use Markdown"
        messages = [_check_image(m.group(1), images) for m in _IMAGE_RE.finditer(line)]
        messages += [_check_link(m.group(1), sections_by_module) for m in _LINK_RE.finditer(line)]
        reference = _REFERENCE_RE.match(line)
        if reference:
            target = reference.group(1)
            if target.startswith(f"{IMAGES_DIR}/"):
                messages.append(_check_image(target, images))
            else:
                messages.append(_check_link(target, sections_by_module))
        for message in messages:
            if message:
                yield number, message


def _check_image(target: str, images: set[str]) -> str | None:
    """An image must be a file of the module's images/ folder, written images/<name>."""
    prefix = f"{IMAGES_DIR}/"
    name = target.removeprefix(prefix)
    if not target.startswith(prefix) or "/" in name or name in ("", ".", ".."):
        return f"image '{target}' must be a file of the module's folder: {prefix}<name>"
    if name not in images:
        return f"image '{target}' not found in the module's {prefix} folder"
    return None


def _check_link(target: str, sections_by_module: dict[str, tuple[str, ...]]) -> str | None:
    """A link is module:<slug>[/<section>], http(s), mailto, or #anchor on the same page."""
    if target.startswith("module:"):
        slug, _, section = target.removeprefix("module:").partition("/")
        if slug not in sections_by_module:
            return f"link to unknown module '{slug}'"
        if section and section not in sections_by_module[slug]:
            return f"link to unknown section '{section}' of module '{slug}'"
        return None
    scheme = _SCHEME_RE.match(target)
    if scheme:
        if scheme.group(1).lower() not in LINK_SCHEMES:
            return f"link '{target}' is not allowed: use http(s), mailto or module: links"
        return None
    if target.startswith("#"):
        return None
    return f"relative link '{target}' is not supported: use module:<slug>/<section>"
