"""Reading bytes: encodings decode correctly; what is not text is refused with a reason."""
import struct
import zlib

import pytest

from zhreport.errors import ReadError
from zhreport.reader import decode_bytes, read_path

SAMPLE = "柞水縣人民政府2018年政府信息公開工作年度報告：受理行政復議案件2件，被依法糾錯1件。"
SAMPLE_HANS = "柞水县人民政府2018年政府信息公开工作年度报告：受理行政复议案件2件，被依法纠错1件。"


def png_bytes():
    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(b"\x00\xff\x00\x00")) + chunk(b"IEND", b""))


@pytest.mark.parametrize("text,encoding,expected", [
    (SAMPLE_HANS, "utf-8", "utf-8"),
    (SAMPLE_HANS, "utf-8-sig", "utf-8"),
    (SAMPLE_HANS, "gbk", "gb18030"),
    (SAMPLE_HANS, "gb18030", "gb18030"),
    (SAMPLE, "big5", "big5"),
    (SAMPLE_HANS, "utf-16", "utf-16"),
    (SAMPLE_HANS, "utf-16-le", "utf-16-le"),
    (SAMPLE_HANS, "utf-16-be", "utf-16-be"),
])
def test_encodings_decode_correctly(text, encoding, expected):
    d = decode_bytes(text.encode(encoding), "x.txt")
    assert d.text == text
    assert d.encoding == expected


def test_ascii_heavy_utf16_without_bom():
    text = "Report 2018: 13 requests, 收到申请13件"
    assert decode_bytes(text.encode("utf-16-le")).text == text


def test_empty_is_an_empty_text():
    d = decode_bytes(b"", "empty.txt")
    assert d.text == "" and len(d.sha256) == 64


@pytest.mark.parametrize("data,reason", [
    (png_bytes(), "PNG"),
    (b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n", "PDF"),
    (b"PK\x03\x04\x14\x00\x06\x00", "ZIP"),
    (b"\x00\x01\x02\x03\xfe\xff\x00\x00\x10\x80" * 20, "binary"),
])
def test_binary_input_is_refused_with_a_reason(data, reason):
    with pytest.raises(ReadError) as err:
        decode_bytes(data, "image.bin")
    assert "image.bin" in str(err.value) and reason in str(err.value)


def test_read_path_errors_name_the_file(tmp_path):
    with pytest.raises(ReadError, match="no such file"):
        read_path(tmp_path / "missing.txt")
    with pytest.raises(ReadError, match="directory"):
        read_path(tmp_path)


def test_sha256_is_of_the_raw_bytes():
    import hashlib

    raw = SAMPLE.encode("big5")
    assert decode_bytes(raw).sha256 == hashlib.sha256(raw).hexdigest()


def test_truncated_utf8_keeps_the_text():
    raw = SAMPLE_HANS.encode("utf-8")[:-1]  # cut inside the last character
    d = decode_bytes(raw, "cut.txt")
    assert d.encoding == "utf-8"
    assert d.text.startswith(SAMPLE_HANS[:-1])
