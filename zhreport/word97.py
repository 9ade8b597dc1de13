"""The text of a Word 97–2003 binary document (.doc): its paragraphs, and its tables as ' | ' rows.

Most reports of 2008–2018 were published as .doc attachments. The format is Microsoft's [MS-DOC]
(Open Specifications); olefile opens the compound file, and this module reads what the text needs:

- the File Information Block (FIB) at the start of the WordDocument stream: which table stream holds
  the piece table, where it is, and how many characters the main document has (headers, footnotes and
  text boxes come after them and are left out);
- the piece table (Clx): the main document's characters are pieces of the WordDocument stream, each
  either UTF-16 or 8-bit ("compressed", code page 1252);
- the paragraph properties (PlcBtePapx and its 512-byte FKP pages), for two flags only: a paragraph in
  a table, and a table row's end. A cell ends with U+0007, and so does a row (a paragraph of its own
  flagged TTP): the flag tells an empty last cell from the row's end.

Field codes (between U+0013 and U+0014: 'PAGE', 'HYPERLINK …') are dropped and their shown results
kept; pictures and other anchors (U+0001, U+0008) are dropped.
"""
from __future__ import annotations

import bisect
import struct

__all__ = ["DocFormatError", "doc_text"]

_WORD_IDENT = 0xA5EC
_F_ENCRYPTED = 0x0100
_F_WHICH_TABLE = 0x0200
_CLX_PAIR = 33  # fcClx/lcbClx: the 34th (fc, lcb) pair of FibRgFcLcb97
_PAPX_PAIR = 13  # fcPlcfBtePapx/lcbPlcfBtePapx
_FKP_SIZE = 512
# paragraph sprms (single-byte operands)
_SPRM_IN_TABLE = 0x2416
_SPRM_TTP = 0x2417
_SPRM_INNER_TTP = 0x244C
_SPRM_TDEF_TABLE = 0xD608  # its operand's size is two bytes, counted plus one
_SPRM_CHG_TABS = 0xC615  # a size byte of 255 needs a structure walk: the grpprl is left there
_SPRM_HUGE_PAPX = 0x6646  # the paragraph's properties are too long for its page: they are in the Data stream
_OPERAND_SIZE = {0: 1, 1: 1, 2: 2, 3: 4, 4: 2, 5: 2, 7: 3}  # by spra (the sprm's top three bits); 6: variable

_CELL_MARK, _PARAGRAPH, _LINE_BREAK, _PAGE_BREAK = "\x07", "\r", "\x0b", "\x0c"
_FIELD_BEGIN, _FIELD_SEPARATOR, _FIELD_END = "\x13", "\x14", "\x15"
_DROPPED = dict.fromkeys(map(ord, "\x00\x01\x02\x03\x04\x05\x06\x08\x1f"))  # anchors, soft hyphens


class DocFormatError(ValueError):
    """The bytes are no Word 97–2003 document this reader can read (the message says why)."""


def doc_text(data: bytes) -> str:
    """The main document's text: paragraphs one a line, table rows as cells joined by ' | '."""
    import io

    import olefile

    try:
        with olefile.OleFileIO(io.BytesIO(data)) as ole:  # (short bytes would be taken for a file name)
            if not ole.exists("WordDocument"):
                raise DocFormatError("an OLE2 file without a Word document (an Excel or PowerPoint file?)")
            word = ole.openstream("WordDocument").read()
            ident, flags = _u16(word, 0), _u16(word, 0x0A)
            if ident != _WORD_IDENT:
                raise DocFormatError("its Word stream has no Word 97–2003 header (an older Word version?)")
            if flags & _F_ENCRYPTED:
                raise DocFormatError("it is password-protected")
            table_name = "1Table" if flags & _F_WHICH_TABLE else "0Table"
            if not ole.exists(table_name):
                raise DocFormatError(f"its table stream {table_name} is missing")
            table = ole.openstream(table_name).read()
            data_stream = ole.openstream("Data").read() if ole.exists("Data") else b""
    except DocFormatError:
        raise
    except Exception as exc:  # olefile raises many kinds on damaged compound files
        raise DocFormatError(f"damaged compound file ({type(exc).__name__}: {exc})") from None
    try:
        return _text(word, table, data_stream)
    except (struct.error, IndexError, UnicodeDecodeError) as exc:
        raise DocFormatError(f"damaged Word structures ({type(exc).__name__}: {exc})") from None


def _u16(b: bytes, at: int) -> int:
    return struct.unpack_from("<H", b, at)[0]


def _u32(b: bytes, at: int) -> int:
    return struct.unpack_from("<I", b, at)[0]


def _fib(word: bytes) -> tuple[int, tuple[int, int], tuple[int, int]]:
    """(ccpText, (fcClx, lcbClx), (fcPlcfBtePapx, lcbPlcfBtePapx)) from the FIB's variable parts."""
    csw = _u16(word, 32)
    lw = 34 + 2 * csw
    cslw = _u16(word, lw)
    ccp_text = _u32(word, lw + 2 + 3 * 4)  # FibRgLw97: cbMac, lProductCreated, lProductRevised, ccpText
    pairs = lw + 2 + 4 * cslw
    count = _u16(word, pairs)
    if count <= _CLX_PAIR:
        raise DocFormatError("its FIB is too short for a piece table")
    base = pairs + 2

    def pair(k: int) -> tuple[int, int]:
        return _u32(word, base + 8 * k), _u32(word, base + 8 * k + 4)

    return ccp_text, pair(_CLX_PAIR), pair(_PAPX_PAIR)


def _pieces(clx: bytes) -> list[tuple[int, int, int, bool]]:
    """(first cp, cp after the last, byte offset, 8-bit) of each piece of the piece table."""
    at = 0
    while at < len(clx) and clx[at] == 0x01:  # Prc: property modifiers of the pieces, skipped
        at += 3 + _u16(clx, at + 1)
    if at >= len(clx) or clx[at] != 0x02:
        raise DocFormatError("no piece table")
    lcb = _u32(clx, at + 1)
    plc = clx[at + 5: at + 5 + lcb]
    n = (len(plc) - 4) // 12
    if n <= 0 or 4 * (n + 1) + 8 * n != len(plc):
        raise DocFormatError("a piece table of the wrong size")
    cps = struct.unpack_from(f"<{n + 1}i", plc, 0)
    out = []
    for k in range(n):
        fc = _u32(plc, 4 * (n + 1) + 8 * k + 2)
        compressed = bool(fc & 0x40000000)
        fc &= 0x3FFFFFFF
        out.append((cps[k], cps[k + 1], fc // 2 if compressed else fc, compressed))
    return out


def _paragraph_flags(word: bytes, table: bytes, data_stream: bytes, fc: int, lcb: int) -> tuple[list[int], list[int]]:
    """The paragraphs' byte boundaries (sorted starts) and per paragraph its flags: 1 in a table,
    2 a table row's end."""
    plc = table[fc: fc + lcb]
    n = (len(plc) - 4) // 8
    starts: list[int] = []
    flags: list[int] = []
    for k in range(max(0, n)):
        pn = _u32(plc, 4 * (n + 1) + 4 * k) & 0x3FFFFF
        page = word[pn * _FKP_SIZE: (pn + 1) * _FKP_SIZE]
        if len(page) < _FKP_SIZE:
            continue
        crun = page[_FKP_SIZE - 1]
        fcs = struct.unpack_from(f"<{crun + 1}I", page, 0)
        for r in range(crun):
            offset = page[4 * (crun + 1) + 13 * r] * 2  # BxPap: the PapxInFkp's offset in words
            starts.append(fcs[r])
            flags.append(_papx_flags(page, offset, data_stream) if offset else 0)
    order = sorted(range(len(starts)), key=starts.__getitem__)
    return [starts[k] for k in order], [flags[k] for k in order]


def _papx_flags(page: bytes, at: int, data_stream: bytes) -> int:
    """The table flags of a PapxInFkp (a style index, then the grpprl)."""
    cb = page[at]
    if cb:
        size, at = 2 * cb - 1, at + 1
    else:
        size, at = 2 * page[at + 1], at + 2
    return _grpprl_flags(page, at + 2, min(at + size, len(page)), data_stream)


def _grpprl_flags(page: bytes, at: int, end: int, data_stream: bytes) -> int:
    """1 in a table, 2 a table row's end, from the sprms in page[at:end]."""
    flags = 0
    while at + 2 <= end:
        sprm = _u16(page, at)
        at += 2
        spra = sprm >> 13
        if spra == 6:
            if sprm == _SPRM_TDEF_TABLE:
                size = _u16(page, at) + 1
            elif sprm == _SPRM_CHG_TABS and page[at] == 255:
                break
            else:
                size = page[at] + 1
        else:
            size = _OPERAND_SIZE[spra]
        if sprm == _SPRM_HUGE_PAPX and data_stream:
            offset = _u32(page, at)
            length = _u16(data_stream, offset)  # a PrcData: its grpprl's size, then the grpprl
            flags |= _grpprl_flags(data_stream, offset + 2, min(offset + 2 + length, len(data_stream)), b"")
        elif sprm == _SPRM_IN_TABLE and page[at]:
            flags |= 1
        elif sprm in (_SPRM_TTP, _SPRM_INNER_TTP) and page[at]:
            flags |= 2
        at += size
    return flags


def _text(word: bytes, table: bytes, data_stream: bytes) -> str:
    ccp_text, (fc_clx, lcb_clx), (fc_papx, lcb_papx) = _fib(word)
    pieces = _pieces(table[fc_clx: fc_clx + lcb_clx])
    starts, flags = _paragraph_flags(word, table, data_stream, fc_papx, lcb_papx)

    def flag_at(byte_offset: int) -> int:
        k = bisect.bisect_right(starts, byte_offset) - 1
        return flags[k] if k >= 0 else 0

    lines: list[str] = []
    line: list[str] = []  # the current paragraph, or the current cell
    cells: list[str] = []  # the cells of the table row read so far
    fields: list[bool] = []  # per open field: whether its code part is over (its result is shown)
    for cp0, cp1, fc, compressed in pieces:
        if cp0 >= ccp_text:
            break
        n = min(cp1, ccp_text) - cp0
        width = 1 if compressed else 2
        raw = word[fc: fc + n * width]
        if len(raw) < n * width:
            raise DocFormatError("a piece reaches past the end of the document stream")
        chars = raw.decode("cp1252", "replace") if compressed else raw.decode("utf-16-le", "replace")
        for i, ch in enumerate(chars):
            if ch == _FIELD_BEGIN:
                fields.append(False)
                continue
            if ch == _FIELD_SEPARATOR:
                if fields:
                    fields[-1] = True
                continue
            if ch == _FIELD_END:
                if fields:
                    fields.pop()
                continue
            if fields and not fields[-1]:
                continue  # a field's code
            if ch == _CELL_MARK:
                if flag_at(fc + i * width) & 2:  # the row's end
                    lines.append(" | ".join(cells))
                    cells = []
                else:
                    cells.append("".join(line).strip())
                line = []
            elif ch in (_PARAGRAPH, _LINE_BREAK, _PAGE_BREAK):
                if not flag_at(fc + i * width) & 1:  # a cell's paragraphs are one cell
                    lines.append("".join(line))
                    line = []
            else:
                line.append(ch)
    if cells:
        lines.append(" | ".join(cells))
    if line:
        lines.append("".join(line))
    return "\n".join(lines).translate(_DROPPED)
