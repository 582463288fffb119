"""Small files of every accepted type, built in memory (shared by the practice tests)."""

from __future__ import annotations

import io
import zipfile


def _zip(entries: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in entries.items():
            archive.writestr(name, data)
    return buffer.getvalue()


PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << >>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + b"\x00" * 17
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x00" * 16 + b"\xff\xd9"
ODT = _zip({"mimetype": b"application/vnd.oasis.opendocument.text", "content.xml": b"<x/>"})
ODS = _zip({"mimetype": b"application/vnd.oasis.opendocument.spreadsheet", "content.xml": b"<x/>"})
DOCX = _zip({"[Content_Types].xml": b"<Types/>", "word/document.xml": b"<w/>"})
XLSX = _zip({"[Content_Types].xml": b"<Types/>", "xl/workbook.xml": b"<w/>"})
TXT = "Cartographie des activités : trois piliers.\n".encode()
MD = "# Mes activités\n\n- accueil\n- formation\n".encode()
CSV = "activité;ressource\naccueil;bénévolat\n".encode()

#: extension -> a valid file of that type
VALID = {
    "pdf": PDF,
    "png": PNG,
    "jpg": JPEG,
    "jpeg": JPEG,
    "odt": ODT,
    "ods": ODS,
    "docx": DOCX,
    "xlsx": XLSX,
    "txt": TXT,
    "md": MD,
    "csv": CSV,
}
