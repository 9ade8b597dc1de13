"""Readers for the files people have: text in any encoding, saved HTML pages, PDF, Word.

Every reader returns the document's text (for PDF and Word: the text as extracted,
tables written as ' | ' rows that the table readers understand) and the SHA-256 of
the raw bytes. Offsets in results refer to that text. PDF and Word readers need
the extras `zhreport[pdf]` / `zhreport[docx]`; without them the file is skipped
with a message that names the extra.
"""
from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Union

from .errors import ReadError
from .reader import MAX_BYTES, Decoded, decode_bytes, read_bytes

__all__ = ["read_document", "SkipFile", "SUFFIXES"]

TEXT_SUFFIXES = {".txt", ".text", ""}
HTML_SUFFIXES = {".html", ".htm", ".shtml", ".xhtml", ".jsp", ".asp", ".aspx", ".php"}
SUFFIXES = TEXT_SUFFIXES | HTML_SUFFIXES | {".pdf", ".docx"}


class SkipFile(ReadError):
    """A file zhreport does not read (wrong type, missing extra); recorded, not an error of the file."""


def read_document(path: Union[str, Path], max_bytes: int = MAX_BYTES) -> Decoded:
    source = str(path)
    suffix = Path(path).suffix.lower()
    if suffix not in SUFFIXES:
        raise SkipFile(source, f"unsupported file type '{suffix}' (zhreport reads "
                               f"{', '.join(sorted(s for s in SUFFIXES if s))})")
    data = read_bytes(path, max_bytes)
    if suffix in TEXT_SUFFIXES or suffix in HTML_SUFFIXES:
        return decode_bytes(data, source)
    sha = hashlib.sha256(data).hexdigest()
    if suffix == ".pdf":
        return Decoded(_pdf_text(data, source), "pdf", sha, source)
    return Decoded(_docx_text(data, source), "docx", sha, source)


def _pdf_text(data: bytes, source: str) -> str:
    try:
        import pdfplumber
    except ImportError:
        raise SkipFile(source, "PDF reading needs the extra: pip install 'zhreport[pdf]'") from None
    import io

    if not data.startswith(b"%PDF"):
        raise ReadError(source, "has a .pdf name but is not a PDF file")
    out: list[str] = []
    try:
        with pdfplumber.open(io.BytesIO(data)) as pdf:
            for page in pdf.pages:
                tables = page.find_tables()
                boxes = [t.bbox for t in tables]

                def outside(obj, boxes=boxes):
                    x, top = obj.get("x0", 0), obj.get("top", 0)
                    return not any(b[0] <= x <= b[2] and b[1] <= top <= b[3] for b in boxes)

                parts: list[tuple[float, str]] = []
                prose = page.filter(outside) if boxes else page
                for line in prose.extract_text_lines():
                    parts.append((line["top"], line["text"]))
                for t in tables:
                    rows = t.extract()
                    block = "\n".join(" | ".join((c or "").replace("\n", "") for c in row) for row in rows)
                    parts.append((t.bbox[1], block))
                parts.sort(key=lambda x: x[0])  # reading order: prose and tables by their height
                out.append("\n".join(s for _top, s in parts if s))
    except SkipFile:
        raise
    except Exception as exc:  # pdfminer raises many kinds on broken files
        raise ReadError(source, f"is a damaged PDF ({type(exc).__name__}: {exc})") from None
    return "\n".join(out)


def _docx_text(data: bytes, source: str) -> str:
    try:
        import docx
    except ImportError:
        raise SkipFile(source, "Word reading needs the extra: pip install 'zhreport[docx]'") from None
    import io

    try:
        document = docx.Document(io.BytesIO(data))
    except Exception as exc:
        raise ReadError(source, f"is not a readable .docx file ({type(exc).__name__})") from None
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    lines: list[str] = []
    body = document.element.body
    for child in body.iterchildren():
        tag = child.tag.rsplit("}", 1)[-1]
        if tag == "p":
            lines.append(Paragraph(child, document).text)
        elif tag == "tbl":
            table = Table(child, document)
            for row in table.rows:
                cells, seen = [], set()
                for cell in row.cells:
                    if id(cell._tc) in seen:  # a merged cell is returned once per grid column
                        continue
                    seen.add(id(cell._tc))
                    cells.append(cell.text.replace("\n", ""))
                lines.append(" | ".join(cells))
    return "\n".join(lines)
