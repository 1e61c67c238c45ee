"""Bytes to text: recorders export UTF-8, UTF-8 with a BOM, or UTF-16 (Teams on Windows)."""

import codecs

from pipeline.errors import EmptyTranscriptError, EncodingError

_CONTROL_OK = {"\n", "\r", "\t", "\f", "\v"}


def _utf16_without_bom(data: bytes) -> str | None:
    """Recognise UTF-16 with no BOM by its NUL bytes, which UTF-8 text never contains."""
    if len(data) < 4 or len(data) % 2:
        return None
    even_nuls = data[0::2].count(0)
    odd_nuls = data[1::2].count(0)
    half = len(data) // 2
    if odd_nuls > half * 0.3 and even_nuls == 0:
        encoding = "utf-16-le"
    elif even_nuls > half * 0.3 and odd_nuls == 0:
        encoding = "utf-16-be"
    else:
        return None
    try:
        return data.decode(encoding)
    except UnicodeDecodeError:
        return None


def decode(data: bytes) -> str:
    """Decode an upload, refusing binary files and encodings we would only garble."""
    if not data:
        raise EmptyTranscriptError("The file is empty: upload a transcript with at least one line of speech.")
    if data.startswith(codecs.BOM_UTF8):
        text = _strict(data[len(codecs.BOM_UTF8):], "utf-8")
    elif data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        text = _strict(data, "utf-16")
    else:
        text = _utf16_without_bom(data) or _strict(_not_binary(data), "utf-8")
    if _controls(text) > max(2, len(text) // 100):
        raise EncodingError(_BINARY)
    if not text.strip():
        raise EmptyTranscriptError("The file holds only blank space: upload a transcript with speech in it.")
    return text


_BINARY = ("The file looks binary (it contains control bytes), not a transcript: upload the .vtt, .srt, .txt or "
           ".json export itself.")


def _controls(text: str) -> int:
    return sum(1 for ch in text if ch < " " and ch not in _CONTROL_OK)


def _not_binary(data: bytes) -> bytes:
    """Refuse bytes that hold NULs or many control codes before trying to read them as text."""
    controls = sum(1 for b in data if b < 0x20 and b not in b"\t\n\r\f\v")
    if b"\x00" in data or controls > max(2, len(data) // 100):
        raise EncodingError(_BINARY)
    return data


def _strict(data: bytes, encoding: str) -> str:
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise EncodingError(
            f"The file is not valid {encoding.upper()} (byte {exc.start}, line {line}): save the transcript "
            "as UTF-8 or UTF-16 and upload it again."
        ) from None
