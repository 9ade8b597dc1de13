"""Readers for the files people have: text in any encoding, saved HTML pages, PDF, Word.

Every reader returns the document's text (for PDF and Word: the text as extracted,
tables written as ' | ' rows that the table readers understand) and the SHA-256 of
the raw bytes. Offsets in results refer to that text. PDF and Word readers need
the extras `zhreport[pdf]` / `zhreport[docx]` (.docx, and .doc of Word 97–2003 by
zhreport.word97); without them the file is skipped with a message that names the extra.
A .doc that is really a .docx, a web page or text (as many sites serve them) is read as what it is.

Compressed content is bounded like the file itself: the members of a Word file and
the deflated streams of a PDF may expand to at most `max_expanded` bytes (default
EXPANSION × the file-size limit, at most MAX_EXPANDED), checked before the parser sees them, so a small zip
or deflate bomb is an error with its reason, not gigabytes of memory.
"""
from __future__ import annotations

import hashlib
import zlib
from pathlib import Path
from typing import Optional, Union

import regex

from .errors import ReadError, SkipFile
from .reader import MAX_BYTES, Decoded, decode_bytes, display_name, read_bytes

__all__ = ["read_document", "SkipFile", "SUFFIXES", "EXPANSION"]

EXPANSION = 4  # decompressed content may be this many times the file-size limit,
MAX_EXPANDED = 256 * 1024 * 1024  # and at most this

TEXT_SUFFIXES = {".txt", ".text", ""}
HTML_SUFFIXES = {".html", ".htm", ".shtml", ".xhtml", ".jsp", ".asp", ".aspx", ".php"}
SUFFIXES = TEXT_SUFFIXES | HTML_SUFFIXES | {".pdf", ".docx", ".doc"}


def read_document(path: Union[str, Path], max_bytes: int = MAX_BYTES,
                  max_expanded: Optional[int] = None) -> Decoded:
    """The text of one document file; ReadError (or SkipFile) says why there is none."""
    source = display_name(path)
    suffix = Path(path).suffix.lower()
    if suffix not in SUFFIXES:
        raise SkipFile(source, f"unsupported file type '{suffix}' (zhreport reads "
                               f"{', '.join(sorted(s for s in SUFFIXES if s))})")
    data = read_bytes(path, max_bytes)
    limit = min(EXPANSION * max_bytes, MAX_EXPANDED) if max_expanded is None else max_expanded
    if suffix in TEXT_SUFFIXES or suffix in HTML_SUFFIXES:
        dec = decode_bytes(data, source)
    else:
        sha = hashlib.sha256(data).hexdigest()
        if suffix == ".pdf":
            dec = Decoded(_pdf_text(data, source, limit), "pdf", sha, source)
        elif suffix == ".docx" or data.startswith(_ZIP):
            dec = Decoded(_docx_text(data, source, limit), "docx", sha, source)
        elif data.startswith(_OLE2):
            dec = Decoded(_doc_text(data, source), "doc", sha, source)
        else:  # a web page or text saved under a .doc name, as many sites serve them; decode_bytes refuses binary
            dec = decode_bytes(data, source)
    return dec


_ZIP, _OLE2 = b"PK\x03\x04", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


def _doc_text(data: bytes, source: str) -> str:
    """A Word 97–2003 document (zhreport.word97); its text is bounded by the file's size."""
    import importlib.util

    if importlib.util.find_spec("olefile") is None:  # word97 opens the compound file with it
        raise SkipFile(source, "Word 97–2003 (.doc) reading needs the extra: pip install 'zhreport[docx]'")
    from .word97 import DocFormatError, doc_text

    try:
        text = doc_text(data)
    except DocFormatError as exc:
        raise ReadError(source, f"is not a readable .doc file: {exc}") from None
    if not text.strip():
        raise ReadError(source, "is a .doc file with no text")
    return text


def _expansion_error(source: str, what: str, limit: int) -> ReadError:
    return ReadError(source, f"{what} to more than {limit / 1e6:.1f} MB, the bound on decompressed "
                             "content (a compression bomb?)")


_STREAM = regex.compile(rb"(?<!end)stream\r?\n")


def _check_pdf_streams(data: bytes, source: str, limit: int) -> None:
    """Inflate every deflated stream in chunks, keeping nothing, until `limit` bytes in all."""
    total = 0
    for m in _STREAM.finditer(data):
        end = data.find(b"endstream", m.end())
        chunk = data[m.end(): end if end >= 0 else len(data)]
        inflater = zlib.decompressobj()
        try:
            while chunk:
                total += len(inflater.decompress(chunk, 1 << 20))
                if total > limit:
                    raise _expansion_error(source, "its compressed streams expand", limit)
                chunk = inflater.unconsumed_tail
        except zlib.error:
            continue  # not deflated (or damaged): the parser judges it


def _pdf_text(data: bytes, source: str, max_expanded: int) -> str:
    try:
        import pdfplumber
    except ImportError:
        raise SkipFile(source, "PDF reading needs the extra: pip install 'zhreport[pdf]'") from None
    import io

    if not data.startswith(b"%PDF"):
        raise ReadError(source, "has a .pdf name but is not a PDF file")
    _check_pdf_streams(data, source, max_expanded)
    out: list[str] = []
    try:
        with pdfplumber.open(io.BytesIO(data)) as pdf:
            n_pages = len(pdf.pages)
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
    text = "\n".join(out)
    if n_pages and not text.strip():
        raise ReadError(source, f"has {n_pages} page(s) but no text (scanned images, or a damaged file)")
    return text


def _check_docx_members(data: bytes, source: str, limit: int) -> None:
    """The declared sizes of the members bound what zipfile will inflate (it stops there)."""
    import io
    import zipfile

    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            infos = zf.infolist()
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise ReadError(source, f"is not a readable .docx file ({type(exc).__name__})") from None
    if sum(i.file_size for i in infos) > limit:
        raise _expansion_error(source, "its zipped content expands", limit)


def _docx_text(data: bytes, source: str, max_expanded: int) -> str:
    try:
        import docx
    except ImportError:
        raise SkipFile(source, "Word reading needs the extra: pip install 'zhreport[docx]'") from None
    import io

    _check_docx_members(data, source, max_expanded)
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
