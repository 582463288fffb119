"""Reading a file of learners as spreadsheets write it (lms.cohorts.csv_import.parse/decode)."""

from __future__ import annotations

import pytest

from lms.cohorts.csv_import import MAX_FILE_BYTES, ImportFileError, decode, parse
from lms.cohorts.rules import ImportRow


def test_excel_semicolons_french_headers_and_byte_order_mark():
    data = "\ufeffCourriel;Nom;Rôle\r\nzoe@example.org;Zoé Lambert;formatrice\r\n".encode()
    assert parse(decode(data)).rows == [
        ImportRow(2, "zoe@example.org", "Zoé Lambert", "formatrice")
    ]


def test_windows_1252_is_read_when_the_file_is_not_utf8():
    data = "email,name\nleo@example.org,Léo Éric\n".encode("cp1252")
    assert parse(decode(data)).rows == [ImportRow(2, "leo@example.org", "Léo Éric")]


def test_first_and_family_names_are_joined():
    text = "Prénom;Nom;E-mail\nCamille;Martin;camille@example.org\n"
    assert parse(text).rows == [ImportRow(2, "camille@example.org", "Camille Martin")]


def test_columns_in_any_order_blank_lines_skipped_line_numbers_kept():
    text = 'role,email,name\n\nlearner,a@example.org,A\n,b@example.org,"B, the second"\n'
    assert parse(text).rows == [
        ImportRow(3, "a@example.org", "A", "learner"),
        ImportRow(4, "b@example.org", "B, the second", ""),
    ]


def test_a_quoted_name_over_two_lines_keeps_the_next_line_numbers_right():
    text = 'email,name\na@example.org,"Ana\nMaria"\nb@example.org,Bo\n'
    rows = parse(text).rows
    assert [(r.line, r.email) for r in rows] == [(2, "a@example.org"), (4, "b@example.org")]


def test_a_file_without_header_starting_with_an_address():
    assert parse("a@example.org;Ana;trainer\n").rows == [
        ImportRow(1, "a@example.org", "Ana", "trainer")
    ]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "The file is empty."),
        ("\n  \n", "The file is empty."),
        ("nom;prénom\nAna;B\n", "The first line must name the columns"),
    ],
)
def test_unreadable_files_are_refused_on_line_one(text, message):
    parsed = parse(text)
    assert parsed.rows == []
    assert parsed.problems[0].line == 1 and parsed.problems[0].text().startswith(message)


def test_binary_and_oversized_files_are_refused_before_reading():
    with pytest.raises(ImportFileError):
        decode(b"PK\x03\x04\x00\x00")
    with pytest.raises(ImportFileError):
        decode(b"a" * (MAX_FILE_BYTES + 1))
