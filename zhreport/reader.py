"""Bytes -> text: encoding detection with a clear error for what is not text.

Order: BOM; UTF-16 without BOM (NUL pattern); strict UTF-8; then the Chinese
legacy encodings (GB18030, Big5) scored by how ordinary the decoded text is;
charset-normalizer as the last resort. Binary files (NUL bytes, known magic
numbers) are refused with a reason rather than decoded into garbage.
"""
from __future__ import annotations

import codecs
import hashlib
import os
import stat
from dataclasses import dataclass
from pathlib import Path
from typing import Union

from .errors import ReadError, SkipFile

# magic numbers of formats that are certainly not text
_MAGIC = {
    b"\x89PNG": "a PNG image", b"\xff\xd8\xff": "a JPEG image", b"GIF8": "a GIF image",
    b"%PDF": "a PDF file (PDF reading comes with the batch readers)",
    b"PK\x03\x04": "a ZIP/DOCX/XLSX archive (a Word file is read under a .docx name)",
    b"\xd0\xcf\x11\xe0": "an OLE2 (.doc/.xls) file (a Word file is read under a .doc name)",
    b"{\\rtf": "an RTF document (save it as .docx or .doc to read it)",
    b"\x1f\x8b": "a gzip archive", b"Rar!": "a RAR archive", b"7z\xbc\xaf": "a 7z archive",
    b"\x7fELF": "an executable", b"MZ": "an executable",
}

MAX_BYTES = 512 * 1024 * 1024  # beyond this we refuse rather than exhaust memory


@dataclass
class Decoded:
    text: str
    encoding: str
    sha256: str
    source: str


def _plausibility(text: str) -> float:
    """Share of characters a report is made of: frequent CJK, ASCII, CJK punctuation.

    Frequent CJK = GB2312 level 1 or Big5 frequent characters; a wrong decoding of
    Chinese bytes produces rare characters, private-use code points or U+FFFD.
    """
    if not text:
        return 0.0
    good = 0
    for ch in text:
        o = ord(ch)
        if o < 0x80:
            good += ch.isprintable() or ch in "\n\r\t"
        elif 0x4E00 <= o <= 0x9FFF:
            try:
                b = ch.encode("gb2312")
                if 0xB0 <= b[0] <= 0xD7:
                    good += 1
                    continue
            except UnicodeEncodeError:
                pass
            try:
                b = ch.encode("big5")
                if 0xA4 <= b[0] <= 0xC6:
                    good += 1
            except UnicodeEncodeError:
                pass
        elif 0x3000 <= o <= 0x303F or 0xFF00 <= o <= 0xFFEF or o in (0x2014, 0x2026, 0x201C, 0x201D, 0x2018, 0x2019, 0xB7):
            good += 1
    return good / len(text)


def _looks_utf16(data: bytes) -> str | None:
    sample = data[:4096]
    if len(sample) < 4:
        return None
    even_nul = sample[0::2].count(0)
    odd_nul = sample[1::2].count(0)
    half = len(sample) / 2
    # ASCII-heavy UTF-16 has NULs on one side; CJK-heavy has none, so also try a decode
    if odd_nul > half * 0.2 and even_nul < half * 0.05:
        return "utf-16-le"
    if even_nul > half * 0.2 and odd_nul < half * 0.05:
        return "utf-16-be"
    return None


def decode_bytes(data: bytes, source: str = "-") -> Decoded:
    """Decode the raw bytes of a report; raise ReadError with a reason when not text."""
    sha = hashlib.sha256(data).hexdigest()
    if not data:
        return Decoded("", "utf-8", sha, source)
    for bom, enc in ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF32_LE, "utf-32"),
                     (codecs.BOM_UTF32_BE, "utf-32"), (codecs.BOM_UTF16_LE, "utf-16"),
                     (codecs.BOM_UTF16_BE, "utf-16")):
        if data.startswith(bom):
            try:
                return Decoded(data.decode(enc), enc.replace("-sig", ""), sha, source)
            except UnicodeDecodeError as exc:
                raise ReadError(source, f"starts with a {enc} byte-order mark but does not decode ({exc.reason})") from None
    for magic, what in _MAGIC.items():
        if data.startswith(magic):
            raise ReadError(source, f"is {what}, not text")
    u16 = _looks_utf16(data)
    if u16:
        try:
            return Decoded(data.decode(u16), u16, sha, source)
        except UnicodeDecodeError:
            pass
    if b"\x00" in data[:65536]:
        # NULs: UTF-16 without a BOM (CJK code units can hold a zero byte) or binary
        for enc in ("utf-16-le", "utf-16-be"):
            try:
                text = data.decode(enc)
            except UnicodeDecodeError:
                continue
            if "\x00" not in text and _plausibility(text[:200000]) > 0.8:
                return Decoded(text, enc, sha, source)
        raise ReadError(source, "is binary (contains NUL bytes), not text")
    try:
        return Decoded(data.decode("utf-8"), "utf-8", sha, source)
    except UnicodeDecodeError:
        pass
    # UTF-8 with a few broken sequences (a truncated download): keep it, marking the damage
    damaged = data.decode("utf-8", errors="replace")
    if damaged.count("\ufffd") <= max(1, len(damaged) // 1000) and b"\x00" not in data[:65536]:
        return Decoded(damaged, "utf-8", sha, source)
    candidates = []
    encodings = ["gb18030", "big5"]
    if len(data) % 2 == 0:
        encodings += ["utf-16-le", "utf-16-be"]
    for enc in encodings:
        try:
            text = data.decode(enc)
        except UnicodeDecodeError:
            continue
        if "\x00" in text:
            continue
        candidates.append((_plausibility(text[:200000]), enc, text))
    if candidates:
        candidates.sort(key=lambda c: -c[0])
        score, enc, text = candidates[0]
        if score > 0.8:
            return Decoded(text, enc, sha, source)
    if b"\x00" in data[:65536]:
        raise ReadError(source, "is binary (contains NUL bytes), not text")
    try:
        from charset_normalizer import from_bytes

        best = from_bytes(data[:1_000_000]).best()
    except ImportError:  # optional: the legacy decoders above cover Chinese text
        best = None
    if best is not None and best.encoding:
        try:
            return Decoded(data.decode(best.encoding), best.encoding, sha, source)
        except (UnicodeDecodeError, LookupError):
            pass
    if candidates:
        _score, enc, text = candidates[0]
        return Decoded(text, enc, sha, source)
    # last resort keeps every byte visible rather than losing the document
    text = data.decode("gb18030", errors="replace")
    if text.count("\ufffd") > len(text) * 0.1:
        raise ReadError(source, "is not text in any encoding zhreport knows (UTF-8/16, GB18030, Big5)")
    return Decoded(text, "gb18030", sha, source)


_FILE_KINDS = ((stat.S_ISDIR, "a directory"), (stat.S_ISFIFO, "a named pipe (FIFO)"),
               (stat.S_ISCHR, "a character device"), (stat.S_ISBLK, "a block device"),
               (stat.S_ISSOCK, "a socket"))


def display_name(path: Union[str, Path]) -> str:
    """The path as given, as valid UTF-8: bytes that are not UTF-8 (kept by the OS as lone
    surrogates) are written as backslash escapes ('caf\\xe9.txt'), so the name can be stored,
    printed and exported."""
    s = str(path)
    try:
        s.encode("utf-8")
        return s
    except UnicodeEncodeError:
        return os.fsencode(s).decode("utf-8", "backslashreplace")


def _not_regular(mode: int) -> str:
    for test, what in _FILE_KINDS:
        if test(mode):
            return what
    return "not a regular file"


def read_bytes(path: Union[str, Path], max_bytes: int = MAX_BYTES) -> bytes:
    """The raw bytes of a regular file, at most `max_bytes` of them.

    ReadError names the file and the reason it cannot be read; a FIFO, device, socket or
    directory (also behind a symlink) raises SkipFile without being opened for reading
    (a FIFO would block, /dev/zero never ends).
    """
    source = display_name(path)
    try:
        st = os.stat(path)
        if not stat.S_ISREG(st.st_mode):
            raise SkipFile(source, f"is {_not_regular(st.st_mode)}, not a regular file")
        # O_NONBLOCK: should it have been swapped for a FIFO since the stat, open does not wait
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_NOCTTY", 0))
    except FileNotFoundError:
        raise ReadError(source, "no such file") from None
    except PermissionError:
        raise ReadError(source, "permission denied") from None
    except OSError as exc:
        raise ReadError(source, f"cannot be read ({exc.strerror or exc})") from None
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):
            raise SkipFile(source, f"is {_not_regular(st.st_mode)}, not a regular file")
        if st.st_size > max_bytes:
            raise ReadError(source, _too_big(st.st_size, max_bytes))
        with os.fdopen(fd, "rb", closefd=False) as fh:
            data = fh.read(max_bytes + 1)  # the file may have grown since the stat
        if len(data) > max_bytes:
            raise ReadError(source, _too_big(len(data), max_bytes))
        return data
    except OSError as exc:
        raise ReadError(source, f"cannot be read ({exc.strerror or exc})") from None
    finally:
        os.close(fd)


def _too_big(size: int, max_bytes: int) -> str:
    return (f"is {size / 1e6:.0f} MB, over the limit of {max_bytes / 1e6:.0f} MB "
            "(raise it with --max-mb)")


def read_path(path: Union[str, Path], max_bytes: int = MAX_BYTES) -> Decoded:
    """Read and decode a text file; ReadError names the file and the reason."""
    return decode_bytes(read_bytes(path, max_bytes), display_name(path))
