"""Checks on uploaded files, as pure functions: type, content signature, size, names.

A file is accepted when its extension is allowed, its first bytes match that
extension (a PNG really starts like a PNG; a text file really is UTF-8 text),
and it fits the size limit. The content type we store and later serve comes
from this table, never from what the browser claims. The learner's file name
is kept for display and for the download's name only; on disk a file is
stored under a random name (`new_stored_name`).
"""

from __future__ import annotations

import io
import secrets
import unicodedata
import zipfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from lms.i18n import N_

#: Longest display name kept (the column holds 200 characters).
MAX_NAME_LENGTH = 200


class UploadRejected(ValueError):
    """A file that cannot be accepted.

    `message` is an English msgid with %-placeholders filled from `params`; views translate it.
    """

    def __init__(self, message: str, filename: str = "", **params: object) -> None:
        super().__init__(message % params if params else message)
        self.message = message
        self.filename = filename
        self.params = params


@dataclass(frozen=True)
class UploadPolicy:
    """What a submission accepts (from the PRACTICE_* settings)."""

    max_file_bytes: int
    max_files: int
    allowed_extensions: frozenset[str]

    @classmethod
    def from_config(cls, config: dict[str, object]) -> UploadPolicy:
        """Build the policy from an app's configuration mapping."""
        extensions = config["PRACTICE_ALLOWED_EXTENSIONS"]
        assert isinstance(extensions, Iterable)
        return cls(
            max_file_bytes=int(config["PRACTICE_MAX_FILE_BYTES"]),  # type: ignore[call-overload]
            max_files=int(config["PRACTICE_MAX_FILES"]),  # type: ignore[call-overload]
            allowed_extensions=frozenset(
                str(ext).strip().lower().lstrip(".") for ext in extensions if str(ext).strip()
            ),
        )


@dataclass(frozen=True)
class CheckedFile:
    """An accepted file: its safe display name, extension, content type and size."""

    display_name: str
    extension: str
    content_type: str
    size: int


# --- content signatures ---------------------------------------------------------------------


def _starts_with(*prefixes: bytes) -> Callable[[bytes], bool]:
    return lambda data: data.startswith(prefixes)


def _is_utf8_text(data: bytes) -> bool:
    """UTF-8 (a BOM is fine) without NUL bytes: what text editors write."""
    if b"\x00" in data:
        return False
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def _zip_containing(marker: str) -> Callable[[bytes], bool]:
    """A ZIP archive (office documents are ZIPs) whose directory lists `marker`.

    Only the archive's directory is read, nothing is decompressed.
    """

    def check(data: bytes) -> bool:
        if not data.startswith(b"PK\x03\x04"):
            return False
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as archive:
                return marker in archive.namelist()
        except (zipfile.BadZipFile, ValueError, OSError):
            return False

    return check


@dataclass(frozen=True)
class FileType:
    """An accepted type: the content type we serve it with and how to recognise it."""

    content_type: str
    matches: Callable[[bytes], bool]


_PDF = FileType("application/pdf", _starts_with(b"%PDF-"))
_JPEG = FileType("image/jpeg", _starts_with(b"\xff\xd8\xff"))

#: Every type the application knows; PRACTICE_ALLOWED_EXTENSIONS picks among them.
FILE_TYPES: dict[str, FileType] = {
    "pdf": _PDF,
    "png": FileType("image/png", _starts_with(b"\x89PNG\r\n\x1a\n")),
    "jpg": _JPEG,
    "jpeg": _JPEG,
    # OpenDocument files start with an uncompressed "mimetype" entry;
    # Office Open XML files always hold "[Content_Types].xml".
    "odt": FileType("application/vnd.oasis.opendocument.text", _zip_containing("mimetype")),
    "ods": FileType("application/vnd.oasis.opendocument.spreadsheet", _zip_containing("mimetype")),
    "docx": FileType(
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        _zip_containing("[Content_Types].xml"),
    ),
    "xlsx": FileType(
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        _zip_containing("[Content_Types].xml"),
    ),
    "txt": FileType("text/plain; charset=utf-8", _is_utf8_text),
    "md": FileType("text/markdown; charset=utf-8", _is_utf8_text),
    "csv": FileType("text/csv; charset=utf-8", _is_utf8_text),
}


# --- names ----------------------------------------------------------------------------------


def safe_display_name(filename: str) -> str:
    """The name to show and to offer on download: no folders, no control characters.

    ``../../etc/passwd`` becomes ``passwd``, ``C:\\temp\\a.pdf`` becomes ``a.pdf``; NUL and
    other control characters are removed, leading dots and spaces dropped, Unicode
    normalised (NFC), and long names shortened keeping their extension. Never used on disk.
    """
    name = unicodedata.normalize("NFC", filename or "")
    name = "".join(" " if unicodedata.category(ch) == "Zs" else ch for ch in name)
    name = "".join(ch for ch in name if unicodedata.category(ch)[0] != "C")
    name = name.replace("\\", "/").rsplit("/", 1)[-1]
    name = name.strip().lstrip(". ").strip()
    if len(name) > MAX_NAME_LENGTH:
        stem, dot, extension = name.rpartition(".")
        if dot and 0 < len(extension) <= 10:
            name = stem[: MAX_NAME_LENGTH - len(extension) - 1].rstrip() + "." + extension
        else:
            name = name[:MAX_NAME_LENGTH]
    return name


def extension_of(name: str) -> str:
    """The lower-case extension of a (safe) name, without the dot; "" when there is none."""
    stem, dot, extension = name.rpartition(".")
    return extension.lower() if dot and stem else ""


def new_stored_name() -> str:
    """A random, unguessable name for a file on disk (32 hex characters)."""
    return secrets.token_hex(16)


# --- the checks -------------------------------------------------------------------------------


def check_file(filename: str, data: bytes, policy: UploadPolicy) -> CheckedFile:
    """Accept one uploaded file or raise UploadRejected saying why."""
    name = safe_display_name(filename)
    extension = extension_of(name)
    if not name or not extension:
        raise UploadRejected(
            N_("“%(name)s” has no file extension; accepted types: %(types)s."),
            filename=name,
            name=name or filename,
            types=accepted_types(policy),
        )
    file_type = FILE_TYPES.get(extension)
    if file_type is None or extension not in policy.allowed_extensions:
        raise UploadRejected(
            N_("“%(name)s”: this type of file is not accepted; accepted types: %(types)s."),
            filename=name,
            name=name,
            types=accepted_types(policy),
        )
    if not data:
        raise UploadRejected(N_("“%(name)s” is empty."), filename=name, name=name)
    if len(data) > policy.max_file_bytes:
        raise UploadRejected(
            N_("“%(name)s” is too large (%(size)s); the limit is %(limit)s per file."),
            filename=name,
            name=name,
            size=human_size(len(data)),
            limit=human_size(policy.max_file_bytes),
        )
    if not file_type.matches(data):
        raise UploadRejected(
            N_("“%(name)s” does not contain what its extension (.%(extension)s) says."),
            filename=name,
            name=name,
            extension=extension,
        )
    return CheckedFile(name, extension, file_type.content_type, len(data))


def check_count(existing: int, added: int, policy: UploadPolicy) -> None:
    """Raise UploadRejected when a submission would hold more files than allowed."""
    if added and existing + added > policy.max_files:
        raise UploadRejected(
            N_("A submission holds at most %(limit)d files (%(count)d here)."),
            limit=policy.max_files,
            count=existing + added,
        )


def accepted_extensions(policy: UploadPolicy) -> list[str]:
    """The extensions accepted, known to the checks, in alphabetical order."""
    return sorted(ext for ext in policy.allowed_extensions if ext in FILE_TYPES)


def accepted_types(policy: UploadPolicy) -> str:
    """The accepted extensions as a list for people: "csv, docx, jpeg, ..."."""
    return ", ".join(accepted_extensions(policy))


def human_size(size: int) -> str:
    """A size for people: 512 B, 12 KB, 5 MB (1 KB = 1024 bytes)."""
    if size < 1024:
        return f"{size} B"
    if size < 1024 * 1024:
        return f"{size / 1024:.0f} KB"
    return f"{size / (1024 * 1024):.1f}".removesuffix(".0") + " MB"
