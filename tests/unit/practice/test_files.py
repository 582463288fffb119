"""Upload checks: allowed extension AND matching content, size, number, safe names."""

from __future__ import annotations

import re

import pytest

from lms.practice.files import (
    FILE_TYPES,
    UploadPolicy,
    UploadRejected,
    accepted_types,
    check_count,
    check_file,
    extension_of,
    human_size,
    new_stored_name,
    safe_display_name,
)
from tests.unit.practice.samples import PDF, PNG, TXT, VALID, _zip

POLICY = UploadPolicy(max_file_bytes=1024, max_files=3, allowed_extensions=frozenset(VALID))


@pytest.mark.parametrize("extension", sorted(VALID))
def test_each_allowed_type_is_accepted_with_our_content_type(extension):
    checked = check_file(f"rendu.{extension}", VALID[extension], POLICY)
    assert checked.extension == extension
    assert checked.content_type == FILE_TYPES[extension].content_type
    assert checked.size == len(VALID[extension])
    assert checked.display_name == f"rendu.{extension}"


def test_extensions_are_case_insensitive():
    assert check_file("SCAN.PDF", PDF, POLICY).extension == "pdf"


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("photo.png", PDF),  # a PDF renamed .png
        ("rapport.pdf", PNG),
        ("rapport.pdf", b"<html><script>alert(1)</script></html>"),
        ("photo.jpg", PNG),
        ("note.txt", b"\xff\xfe\x00\x00binary"),  # not UTF-8
        ("note.txt", b"MZ\x90\x00\x03\x00\x00\x00"),  # an executable, with NUL bytes
        ("tableau.csv", PDF.replace(b"%", b"\x00")),
        ("doc.docx", b"PK\x03\x04" + b"not really a zip"),  # the signature alone is not enough
        ("doc.docx", _zip({"word/document.xml": b"<w/>"})),  # a ZIP, not an Office document
        ("doc.odt", _zip({"content.xml": b"<x/>"})),  # no OpenDocument mimetype entry
        ("doc.xlsx", PDF),
    ],
)
def test_content_that_does_not_match_the_extension_is_refused(name, data):
    with pytest.raises(UploadRejected, match="does not contain what its extension"):
        check_file(name, data, POLICY)


@pytest.mark.parametrize("name", ["script.js", "page.html", "page.svg", "prog.exe", "x.php"])
def test_types_outside_the_list_are_refused(name):
    with pytest.raises(UploadRejected, match="not accepted"):
        check_file(name, TXT, POLICY)


def test_a_known_type_can_be_switched_off_by_configuration():
    only_pdf = UploadPolicy(1024, 3, frozenset({"pdf"}))
    assert check_file("a.pdf", PDF, only_pdf)
    with pytest.raises(UploadRejected, match="accepted types: pdf"):
        check_file("a.txt", TXT, only_pdf)


def test_oversize_is_refused_and_the_limit_itself_is_fine():
    check_file("a.txt", b"a" * 1024, POLICY)
    with pytest.raises(UploadRejected, match=r"too large \(1 KB\); the limit is 1 KB"):
        check_file("a.txt", b"a" * 1025, POLICY)


def test_empty_files_are_refused():
    with pytest.raises(UploadRejected, match="is empty"):
        check_file("a.txt", b"", POLICY)


@pytest.mark.parametrize(
    ("name", "shown"),
    [
        ("../../etc/passwd", "passwd"),
        ("..\\..\\windows\\system.ini", "system.ini"),
        ("C:\\Users\\cam\\rapport final.pdf", "rapport final.pdf"),
        ("/tmp/x/../rapport.pdf", "rapport.pdf"),
        ("rapport.pdf\x00.png", "rapport.pdf.png"),
        ("ra\npport\r.pdf", "rapport.pdf"),
        ("..rapport.pdf", "rapport.pdf"),
        (".bashrc", "bashrc"),
        ("synthe\u0300se.pdf", "synthèse.pdf"),  # NFC: e + combining accent -> è
        ("  espaces\u00a0insécables .pdf ", "espaces insécables .pdf"),
        ("", ""),
        ("../", ""),
    ],
)
def test_display_names_lose_folders_and_control_characters(name, shown):
    assert safe_display_name(name) == shown


def test_long_names_are_shortened_keeping_their_extension():
    shown = safe_display_name("a" * 500 + ".pdf")
    assert len(shown) == 200
    assert shown.endswith("a.pdf")


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("../../etc/passwd", "has no file extension"),
        ("", "has no file extension"),
        (".pdf", "has no file extension"),  # a hidden file named "pdf", not a PDF
        ("rapport.pdf\x00.exe", "not accepted"),
    ],
)
def test_dangerous_names_are_refused_when_the_type_is_not_accepted(name, message):
    with pytest.raises(UploadRejected, match=message):
        check_file(name, PDF, POLICY)


def test_a_nul_byte_cannot_hide_the_real_extension():
    # What is checked is what follows the last dot once NUL is removed: a PNG must be a PNG.
    with pytest.raises(UploadRejected, match="does not contain"):
        check_file("rapport.pdf\x00.png", PDF, POLICY)
    assert check_file("image\x00.png", PNG, POLICY).display_name == "image.png"


def test_extension_of():
    assert extension_of("a.tar.GZ") == "gz"
    assert extension_of("README") == ""
    assert extension_of("bashrc") == ""


def test_the_number_of_files_is_limited():
    check_count(existing=1, added=2, policy=POLICY)
    check_count(existing=5, added=0, policy=POLICY)  # nothing added: nothing to refuse
    with pytest.raises(UploadRejected, match="at most 3 files"):
        check_count(existing=2, added=2, policy=POLICY)


def test_stored_names_are_random_hex_and_never_repeat():
    names = {new_stored_name() for _ in range(200)}
    assert len(names) == 200
    assert all(re.fullmatch(r"[0-9a-f]{32}", name) for name in names)


def test_policy_from_configuration_normalises_extensions():
    policy = UploadPolicy.from_config(
        {
            "PRACTICE_MAX_FILE_BYTES": 10,
            "PRACTICE_MAX_FILES": 2,
            "PRACTICE_ALLOWED_EXTENSIONS": (".PDF", " txt", "", "exe"),
        }
    )
    assert policy == UploadPolicy(10, 2, frozenset({"pdf", "txt", "exe"}))
    # A type the checks do not know is never announced (nor accepted: see check_file).
    assert accepted_types(policy) == "pdf, txt"


def test_human_sizes():
    assert human_size(512) == "512 B"
    assert human_size(12 * 1024) == "12 KB"
    assert human_size(5 * 1024 * 1024) == "5 MB"
    assert human_size(int(2.5 * 1024 * 1024)) == "2.5 MB"
    assert human_size(6 * 1024 * 1024 + 5) == "6 MB"
